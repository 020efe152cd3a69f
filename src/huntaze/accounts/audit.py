"""The audit log: one row for every state-changing action, with before and after."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.models import AuditLog
from huntaze.accounts.repository import audit_logs
from huntaze.core.observability import request_id_var
from huntaze.core.tenancy import OrgId


def snapshot(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    """The named attributes of ``obj`` as JSON-friendly values, for before/after records."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, dt.datetime):
            value = value.isoformat()
        elif isinstance(value, enum.Enum):
            value = value.value
        values[name] = value
    return values


class AuditService:
    """Writes and reads the audit trail of an organization."""

    def record(
        self,
        session: Session,
        actor: Actor,
        *,
        action: str,
        target_type: str,
        target_id: str | None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> AuditLog:
        """Record that ``actor`` did ``action`` to a target, in the same transaction."""
        entry = AuditLog(
            organization_id=actor.org,
            actor_user_id=actor.user_id,
            actor_api_key_id=actor.api_key_id,
            actor_label=actor.label,
            action=action,
            target_type=target_type,
            target_id=target_id,
            before=before,
            after=after,
            request_id=request_id_var.get(),
        )
        session.add(entry)
        return entry

    def list(
        self,
        session: Session,
        org: OrgId,
        *,
        limit: int = 50,
        before: dt.datetime | None = None,
        target_type: str | None = None,
    ) -> Sequence[AuditLog]:
        """A page of the organization's audit trail, newest first."""
        return audit_logs.page(session, org, limit=limit, before=before, target_type=target_type)


audit = AuditService()
