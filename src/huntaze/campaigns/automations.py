"""Automations: triggered flows that run on their own (DESIGN.md §6 "Campaign").

A **welcome** goes to each fan who subscribed after the automation was made, ``delay_hours``
after they subscribed; a **win-back** to each fan whose subscription expired after the
automation was made, ``days_after_expiry`` days after it expired. Each fan is reached once per
trigger (a subscription start or an expiry): one ``automation_send`` row per automation, fan and
trigger, under a unique constraint, and one outbound message with the key
``automation:<id>:fan:<fan id>:<trigger>`` — so a run repeated, or two workers at once, send
nothing twice. A **frequency cap** holds across every flow of the account: a fan who already got
``cap_per_week`` automated messages in the last 7 days is recorded as ``capped`` and not sent
this trigger's message (it is not retried later, so a fan never gets a stale welcome).

:func:`run_automations` takes the moment it runs at, so a test can fast-forward a clock through
days of subscriptions and expiries; the worker runs it every few minutes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Role
from huntaze.campaigns.models import Automation, AutomationSend
from huntaze.campaigns.personalize import FanValues, render
from huntaze.compliance.models import Verdict
from huntaze.core.bulk import insert_new
from huntaze.core.db import new_id
from huntaze.core.tenancy import tenant_filter, trusted_org_id
from huntaze.creators.service import creators
from huntaze.fans.models import Fan
from huntaze.outbox.batch import BatchItem, BatchSpec, create_batch
from huntaze.outbox.states import Kind as OutboxKind

SOURCE_KIND = "automation"
WEEK = dt.timedelta(days=7)
BATCH = 500


class Trigger:
    """What starts a flow."""

    WELCOME = "welcome"
    WIN_BACK = "win_back"


@dataclass
class RunReport:
    """What one run did, per automation id: fans sent to and fans the cap held back."""

    sent: dict[str, int] = field(default_factory=dict)
    capped: dict[str, int] = field(default_factory=dict)


def _candidates(
    session: Session, automation: Automation, now: dt.datetime, limit: int
) -> Sequence[Any]:
    org = trusted_org_id(automation.organization_id)
    if automation.trigger == Trigger.WELCOME:
        moment = Fan.subscribed_at
        due = [
            Fan.status == "active",
            Fan.subscribed_at >= automation.created_at,
            Fan.subscribed_at <= now - dt.timedelta(hours=automation.delay_hours),
        ]
    else:
        moment = Fan.expires_at
        due = [
            Fan.status == "expired",
            Fan.expires_at >= automation.created_at,
            Fan.expires_at <= now - dt.timedelta(days=automation.days_after_expiry),
        ]
    already = exists(
        select(AutomationSend.id).where(
            AutomationSend.automation_id == automation.id,
            AutomationSend.fan_id == Fan.id,
            AutomationSend.trigger_at == moment,
        )
    )
    stmt = (
        select(Fan.id, Fan.platform_fan_id, Fan.username, Fan.display_name, moment)
        .where(
            tenant_filter(Fan, org),
            Fan.platform_account_id == automation.platform_account_id,
            Fan.opted_out.is_(False),
            *due,
            ~already,
        )
        .order_by(moment, Fan.id)
        .limit(limit)
    )
    return session.execute(stmt).all()


def trigger_key(moment: dt.datetime) -> str:
    """A trigger in an idempotency key: its moment in UTC, to the microsecond."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")


def _recent_counts(
    session: Session, account_id: str, fan_ids: list[str], now: dt.datetime
) -> dict[str, int]:
    stmt = (
        select(AutomationSend.fan_id, func.count())
        .where(
            AutomationSend.platform_account_id == account_id,
            AutomationSend.fan_id.in_(fan_ids),
            AutomationSend.state == "queued",
            AutomationSend.at > now - WEEK,
        )
        .group_by(AutomationSend.fan_id)
    )
    return {str(fan_id): int(count) for fan_id, count in session.execute(stmt).all()}


def run_automation(
    session: Session, automation: Automation, now: dt.datetime, verdicts: dict[str, Verdict]
) -> tuple[int, int]:
    """One run of one automation at ``now``: (fans sent to, fans held back by the cap)."""
    org = trusted_org_id(automation.organization_id)
    actor = Actor(
        org=org,
        role=Role.MANAGER,
        label=f"automation {automation.id}",
        user_id=automation.created_by_user_id,
    )
    account = creators.platform_account(session, org, automation.platform_account_id)
    creator_name = creators.get(session, actor, account.creator_id).display_name
    sent = capped = 0
    rows = _candidates(session, automation, now, BATCH * 4)
    fan_ids = [str(r[0]) for r in rows]
    counts = _recent_counts(session, automation.platform_account_id, fan_ids, now)
    items: list[BatchItem] = []
    records: list[dict[str, Any]] = []
    for fan_id, platform_fan_id, username, display_name, moment in rows:
        key = trigger_key(moment)
        record = {
            "id": new_id(),
            "automation_id": automation.id,
            "organization_id": org,
            "platform_account_id": automation.platform_account_id,
            "fan_id": fan_id,
            "trigger_at": moment,
            "at": now,
            "outbound_message_id": None,
        }
        if counts.get(fan_id, 0) >= automation.cap_per_week:
            records.append({**record, "state": "capped"})
            capped += 1
            continue
        counts[fan_id] = counts.get(fan_id, 0) + 1
        values = FanValues(username=username, display_name=display_name).values(creator_name)
        idempotency = f"automation:{automation.id}:fan:{fan_id}:{key}"
        items.append(BatchItem(idempotency, platform_fan_id, render(automation.text, values)))
        records.append({**record, "state": "queued", "_key": idempotency})
    spec = BatchSpec(
        platform_account_id=automation.platform_account_id,
        kind=OutboxKind.MESSAGE,
        source_kind=SOURCE_KIND,
        source_id=automation.id,
    )
    result = create_batch(session, actor, spec, items, verdicts=verdicts) if items else None
    for record in records:
        key = record.pop("_key", None)
        if key is not None and result is not None:
            record["outbound_message_id"] = result.message_ids.get(key)
            if record["outbound_message_id"] is None:
                record["state"] = "refused"
            else:
                sent += 1
    insert_new(
        session,
        AutomationSend,
        records,
        conflict=("automation_id", "fan_id", "trigger_at"),
        returning="id",
    )
    return sent, capped


def run_automations(
    session: Session, now: dt.datetime, *, organization_id: str | None = None
) -> RunReport:
    """Run every enabled automation (of one organization, when given) at ``now``."""
    stmt = select(Automation).where(Automation.enabled.is_(True))
    if organization_id is not None:
        stmt = stmt.where(tenant_filter(Automation, trusted_org_id(organization_id)))
    report = RunReport()
    verdicts: dict[str, Verdict] = {}
    for automation in session.scalars(stmt.order_by(Automation.created_at, Automation.id)).all():
        sent, capped = run_automation(session, automation, now, verdicts)
        report.sent[automation.id] = sent
        report.capped[automation.id] = capped
    return report
