"""Compliance on the way out: the delivery facts of a message, and the check just before a send.

See DESIGN.md §7 and §6 "Send". A message is checked when it is created, but it may be sent
hours later, after other messages to the same fan, or once the fan is in their quiet hours. So
the worker, holding the account's lock on a freshly claimed row, calls
:func:`stopped_before_send`, which runs again the rules that depend on time and state (daily
caps, quiet hours, opt-out, PPV gap) through the compliance service, with the fan's history.

A hit that a person did not already accept stops the send: a hit of a rule that was in the
verdict a person overrode on approval is accepted, any other (``block`` or ``review``: no person
is there to review now) is not. The row then goes ``sending → failed`` in one compare-and-set
update, with the send-time hits added to its stored verdict and the reason in ``last_error``;
nothing reaches the platform. A retry of a send that may already have reached the platform is
not re-checked: the sender first looks for the earlier copy.
"""

from __future__ import annotations

import datetime as dt

from pydantic import ValidationError
from sqlalchemy.orm import Session

from huntaze.compliance.models import Delivery, Hit, Verdict, outcome_of
from huntaze.compliance.service import compliance
from huntaze.core.db import get_database, utcnow
from huntaze.core.tenancy import OrgId, trusted_org_id
from huntaze.creators.service import creators
from huntaze.outbox.history import fan_context
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.repository import outbound_messages
from huntaze.outbox.states import Kind, State


def delivery_of(
    session: Session,
    org: OrgId,
    *,
    kind: Kind,
    account_id: str,
    platform_fan_id: str | None,
    price_cents: int | None,
    now: dt.datetime,
) -> Delivery | None:
    """What the sending-limit rules read of a message to fans; ``None`` for a post."""
    if kind is Kind.POST:
        return None
    fan = (
        fan_context(session, org, account_id=account_id, platform_fan_id=platform_fan_id, now=now)
        if platform_fan_id is not None and kind in (Kind.MESSAGE, Kind.PPV)
        else None
    )
    return Delivery(fan=fan, is_ppv=bool(price_cents), now=now)


def _stored_verdict(row: OutboundMessage) -> Verdict | None:
    try:
        return Verdict.model_validate(row.compliance_verdict)
    except ValidationError:
        return None


def _unaccepted(row: OutboundMessage, stored: Verdict | None, found: Verdict) -> list[Hit]:
    accepted = {hit.rule for hit in stored.hits} if row.compliance_overridden and stored else set()
    return [hit for hit in found.hits if hit.rule not in accepted]


def _reason(hits: list[Hit]) -> str:
    parts = [f"{hit.reason} ({hit.detail})" if hit.detail else hit.reason for hit in hits]
    return "Not sent: compliance stopped it at send time. " + " ".join(parts)


def stopped_before_send(message_id: str, *, now: dt.datetime | None = None) -> bool:
    """Re-check a claimed (``sending``) row's sending limits; if a rule now stops it, record
    why and move it to ``failed``. Whether the send must not go ahead."""
    moment = now or utcnow()
    # The check only reads: on SQLite a reading transaction takes no lock, so the rules'
    # first compilation in a fresh worker never holds the database's write lock.
    with get_database().session_scope(writes=False) as session:
        row = outbound_messages.by_id(session, message_id)
        if row is None or row.state != State.SENDING.value:
            return False
        org = trusted_org_id(row.organization_id)
        delivery = delivery_of(
            session,
            org,
            kind=Kind(row.kind),
            account_id=row.platform_account_id,
            platform_fan_id=row.platform_fan_id,
            price_cents=row.price_cents,
            now=moment,
        )
        if delivery is None:
            return False
        account = creators.platform_account(session, org, row.platform_account_id)
        found = compliance.check_before_send(
            session, org=org, creator_id=account.creator_id, text=row.text, delivery=delivery
        )
        stored = _stored_verdict(row)
        stopping = _unaccepted(row, stored, found)
        claimed_at = row.claimed_at
    if not stopping:
        return False
    hits = (*(stored.hits if stored else ()), *stopping)
    verdict = found.model_copy(update={"hits": hits, "verdict": outcome_of(hits)})
    with get_database().session_scope() as session:
        outbound_messages.move(
            session,
            message_id,
            from_state=State.SENDING,
            to_state=State.FAILED,
            # Only this claim's row: a worker whose claim lapsed must not overwrite the next one.
            where=[OutboundMessage.claimed_at == claimed_at],
            compliance_outcome=verdict.verdict.value,
            compliance_verdict=verdict.to_json_dict(),
            last_error=_reason(stopping),
            next_attempt_at=None,
            updated_at=moment,
        )
    return True
