"""All SQL of the AI domain's tables, scoped by organization (DESIGN.md §4, §8.2)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from huntaze.ai.records import AIOrganizationSettings, AIUsage
from huntaze.ai.sql_usage import month_bounds
from huntaze.core.tenancy import OrgId, in_organization


def settings_row(session: Session, org: OrgId) -> AIOrganizationSettings | None:
    """The organization's stored AI settings, if it ever saved any."""
    stmt = in_organization(select(AIOrganizationSettings), org, AIOrganizationSettings)
    return session.scalars(stmt).one_or_none()


def _count(outcome: str) -> ColumnElement[int]:
    return func.sum(case((AIUsage.outcome == outcome, 1), else_=0))


def usage_groups(session: Session, org: OrgId, month: str) -> list[dict[str, Any]]:
    """One row per (task, provider, model, creator) of the month, with sums: a single query."""
    start, end = month_bounds(month)
    stmt = in_organization(
        select(
            AIUsage.task,
            AIUsage.provider,
            AIUsage.model,
            AIUsage.creator_id,
            func.count().label("calls"),
            func.coalesce(func.sum(AIUsage.tokens_in), 0).label("tokens_in"),
            func.coalesce(func.sum(AIUsage.tokens_out), 0).label("tokens_out"),
            func.coalesce(func.sum(AIUsage.cost_micro_usd), 0).label("cost_micro_usd"),
            func.coalesce(func.sum(AIUsage.latency_ms), 0).label("latency_ms"),
            _count("fell_back").label("fallbacks"),
            _count("rejected_by_gate").label("rejections"),
            _count("error").label("errors"),
        )
        .where(AIUsage.created_at >= start, AIUsage.created_at < end)
        .group_by(AIUsage.task, AIUsage.provider, AIUsage.model, AIUsage.creator_id),
        org,
        AIUsage,
    )
    return [dict(row) for row in session.execute(stmt).mappings()]
