"""What the outbox has sent to one fan: the history the sending-limit rules read (DESIGN.md §7).

The SQL of this history (tenant-scoped, DESIGN.md §8.2) sits apart from ``repository.py``, which
holds the send pipeline's compare-and-set updates. :func:`fan_context` turns it into the
compliance domain's :class:`~huntaze.compliance.models.FanContext`.

Today the outbox is the only source of what is known of a fan: its own sent messages and PPV
offers to them. When the fans domain exists, it adds the fan's opt-out and time zone (the
``opted_out`` and ``timezone`` of the context) through its service, here, in one place.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.orm import Session

from huntaze.compliance.models import FanContext
from huntaze.core.repository import TenantRepository
from huntaze.core.tenancy import OrgId
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.states import Kind, State

# Kinds addressed to one fan (``platform_fan_id``); mass messages name their audience apart.
_TO_ONE_FAN = (Kind.MESSAGE.value, Kind.PPV.value)


class SendHistoryRepository(TenantRepository[OutboundMessage]):
    """Queries over what the organization sent to one fan of one platform account."""

    model = OutboundMessage

    def sent_since(
        self,
        session: Session,
        org: OrgId,
        *,
        account_id: str,
        platform_fan_id: str,
        since: dt.datetime,
    ) -> int:
        """How many messages and PPV offers reached the fan since ``since``."""
        stmt = (
            self.scoped(org)
            .where(
                OutboundMessage.platform_account_id == account_id,
                OutboundMessage.platform_fan_id == platform_fan_id,
                OutboundMessage.kind.in_(_TO_ONE_FAN),
                OutboundMessage.state == State.SENT.value,
                OutboundMessage.sent_at >= since,
            )
            .with_only_columns(func.count(OutboundMessage.id))
        )
        return int(session.scalar(stmt) or 0)

    def last_ppv_at(
        self, session: Session, org: OrgId, *, account_id: str, platform_fan_id: str
    ) -> dt.datetime | None:
        """When the last PPV offer reached the fan (UTC), if ever."""
        stmt = (
            self.scoped(org)
            .where(
                OutboundMessage.platform_account_id == account_id,
                OutboundMessage.platform_fan_id == platform_fan_id,
                OutboundMessage.kind == Kind.PPV.value,
                OutboundMessage.state == State.SENT.value,
            )
            .with_only_columns(func.max(OutboundMessage.sent_at))
        )
        last: dt.datetime | None = session.scalar(stmt)
        return last


send_history = SendHistoryRepository()


def start_of_day(now: dt.datetime, timezone: str | None) -> dt.datetime:
    """Midnight of ``now``'s day in ``timezone`` (UTC when unknown), as a UTC moment."""
    zone = ZoneInfo(timezone) if timezone else dt.UTC
    local = now.astimezone(zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(dt.UTC)


def fan_context(
    session: Session, org: OrgId, *, account_id: str, platform_fan_id: str, now: dt.datetime
) -> FanContext:
    """What is known of one fan at ``now``: what was sent to them today and their last PPV.

    "Today" is the UTC day until the fans domain knows the fan's time zone."""
    since = start_of_day(now, None)
    return FanContext(
        platform_fan_id=platform_fan_id,
        messages_sent_today=send_history.sent_since(
            session, org, account_id=account_id, platform_fan_id=platform_fan_id, since=since
        ),
        last_ppv_at=send_history.last_ppv_at(
            session, org, account_id=account_id, platform_fan_id=platform_fan_id
        ),
    )
