"""A worker's claim on an outbound message row, held as a lease (DESIGN.md §6 "Send", §2.1).

``claim`` moves ``queued → sending`` by compare-and-set, with ``lease_until`` a few seconds
ahead (``HUNTAZE_OUTBOX_LEASE_S``). While the worker lives, :func:`held` renews the lease from a
heartbeat thread; when it dies (even by SIGKILL) the lease lapses and the watchdog
(:func:`huntaze.outbox.tasks.recover_stuck`) puts the row back in ``queued`` within seconds;
its next try looks on the platform before sending again.

``claimed_at`` is the claim's token: every move out of ``sending`` is conditioned on it, so a
worker that lost its claim (its lease lapsed and another worker took the row) cannot overwrite
what the new holder records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from huntaze.config import get_settings
from huntaze.core.db import get_database, utcnow
from huntaze.core.heartbeat import Heartbeat
from huntaze.core.tenancy import OrgId, trusted_org_id
from huntaze.creators.service import creators
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.repository import outbound_messages
from huntaze.outbox.states import Kind, State
from huntaze.platforms.registry import AccountConnection


@dataclass(frozen=True, slots=True)
class SendJob:
    """A claimed row, as plain values: nothing of the session survives the claim."""

    message_id: str
    org: OrgId
    kind: Kind
    nonce: str
    text: str
    platform_fan_id: str | None
    recipient_fan_ids: list[str] | None
    media_ids: list[str]
    price_cents: int | None
    publish_at: dt.datetime | None
    attempts: int
    prior_started_at: dt.datetime | None
    send_started_at: dt.datetime
    claimed_at: dt.datetime
    connection: AccountConnection

    @property
    def account_id(self) -> str:
        return self.connection.account_id


def claim(message_id: str) -> SendJob | None:
    """Take the row for this worker (``queued → sending`` with a fresh lease), or None when it
    is not queued, not due, or another worker won it."""
    now = utcnow()
    lease = dt.timedelta(seconds=get_settings().outbox_lease_s)
    with get_database().session_scope() as session:
        row = outbound_messages.by_id(session, message_id)
        if row is None or row.state != State.QUEUED.value:
            return None
        prior = row.send_started_at
        if not outbound_messages.claim(
            session, message_id, now=now, send_started_at=prior or now, lease_until=now + lease
        ):
            return None
        row = outbound_messages.by_id(session, message_id)
        assert row is not None
        org = trusted_org_id(row.organization_id)
        account = creators.platform_account(session, org, row.platform_account_id)
        return SendJob(
            message_id=row.id,
            org=org,
            kind=Kind(row.kind),
            nonce=row.nonce,
            text=row.text,
            platform_fan_id=row.platform_fan_id,
            recipient_fan_ids=row.recipient_fan_ids,
            media_ids=list(row.media_ids),
            price_cents=row.price_cents,
            publish_at=row.publish_at,
            attempts=row.attempts,
            prior_started_at=prior,
            send_started_at=prior or now,
            claimed_at=now,
            connection=creators.connection_for(account),
        )


def renew(job: SendJob) -> bool:
    """Push the claim's lease ahead; False when the row is no longer this worker's."""
    now = utcnow()
    lease = dt.timedelta(seconds=get_settings().outbox_lease_s)
    with get_database().session_scope() as session:
        moved = session.execute(
            update(OutboundMessage)
            .where(
                OutboundMessage.id == job.message_id,
                OutboundMessage.state == State.SENDING.value,
                OutboundMessage.claimed_at == job.claimed_at,
            )
            .values(lease_until=now + lease)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        return bool(moved == 1)


@contextmanager
def held(job: SendJob) -> Iterator[Heartbeat]:
    """Keep the claim's lease alive for the block (a heartbeat every third of the lease)."""
    interval = get_settings().outbox_lease_s / 3
    with Heartbeat(lambda: renew(job), interval_s=interval, name="claim") as heartbeat:
        yield heartbeat


def settle(session: Session, job: SendJob, *, to_state: State, **values: Any) -> bool:
    """Move the claimed row out of ``sending`` if the claim is still this worker's."""
    return outbound_messages.move(
        session,
        job.message_id,
        from_state=State.SENDING,
        to_state=to_state,
        where=[OutboundMessage.claimed_at == job.claimed_at],
        lease_until=None,
        **values,
    )
