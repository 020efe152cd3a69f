"""The outbox service: the only way anything reaches a platform's write side (DESIGN.md §2, §6).

Other domains (inbox replies, the chat assistant's auto-send, campaigns, the content calendar)
create outbound rows here and never call a connector themselves::

    message = outbox.create(
        session, actor, platform_account_id=account_id,
        data=OutboundCreate(kind=Kind.PPV, platform_fan_id="42", text="…", price_cents=900,
                            idempotency_key=f"campaign:{campaign_id}:fan:42",
                            author_kind=AuthorKind.AUTOMATION, source_kind="campaign",
                            source_id=campaign_id),
        approve=True, queue=True,
    )

Every text is checked on creation by the compliance service, with the bundled rules, the
organization's and the creator's own rules and the sending limits for the fan (what the outbox
sent them: :mod:`huntaze.outbox.history`), and the verdict is stored with the row. A ``review``
verdict needs a person with ``compliance.override_review`` to approve it; a ``block`` only whom
the compliance policy allows; a hit of a non-overridable rule, nobody; automatic approval
(``approve=True``) never overrides anything. The sending limits are checked again just before
the send (:mod:`huntaze.outbox.send_checks`). The service never commits; queueing enqueues the
send task after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.audit import audit, snapshot
from huntaze.accounts.permissions import Permission
from huntaze.compliance.models import Direction, Hit, Outcome, Severity, Verdict, outcome_of
from huntaze.compliance.policy import can_override
from huntaze.compliance.service import compliance
from huntaze.core.db import new_id, utcnow
from huntaze.core.errors import ConflictError, InvalidInputError, PermissionDeniedError, field_error
from huntaze.core.security import new_token
from huntaze.creators.service import creators
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.repository import outbound_messages
from huntaze.outbox.schemas import OutboundCreate, OutboundFilter
from huntaze.outbox.send_checks import delivery_of
from huntaze.outbox.states import Kind, State, check_move
from huntaze.outbox.tasks import wake_after_commit
from huntaze.platforms.limits import ppv_price_range

AUDIT_FIELDS = ("state", "kind", "platform_account_id", "compliance_outcome", "author_kind")
HELD_RULE = "conversation.needs_manager"
"""The verdict hit of a message held for a manager by its caller (``review_reason``)."""
_SAME_REQUEST_FIELDS = ("kind", "text", "platform_fan_id", "price_cents", "recipient_fan_ids")


class OutboxService:
    """Creates, approves, queues and cancels outbound messages, with an audit row per change."""

    def create(
        self,
        session: Session,
        actor: Actor,
        *,
        platform_account_id: str,
        data: OutboundCreate,
        approve: bool = False,
        queue: bool = False,
        review_reason: str | None = None,
    ) -> OutboundMessage:
        """A new outbound row checked by compliance; the existing row for a repeated key.

        ``review_reason``: why a person with ``compliance.override_review`` must approve it
        whatever its text (a conversation flagged to a manager); added to the verdict."""
        actor.require(Permission.OUTBOX_WRITE)
        account = creators.platform_account(session, actor.org, platform_account_id)
        if data.price_cents is not None:
            _check_price(account.platform, data.price_cents)
        key = data.idempotency_key or new_id()
        existing = outbound_messages.by_idempotency_key(session, actor.org, key)
        if existing is not None:
            return self._same_request(existing, account.id, data)
        delivery = delivery_of(
            session,
            actor.org,
            kind=Kind(data.kind),
            account_id=account.id,
            platform_fan_id=data.platform_fan_id,
            price_cents=data.price_cents,
            now=utcnow(),
        )
        verdict = compliance.check(
            session,
            org=actor.org,
            creator_id=account.creator_id,
            text=data.text,
            direction=Direction.OUTBOUND,
            delivery=delivery,
        )
        if review_reason is not None:
            verdict = _held_for_review(verdict, review_reason)
        values = data.model_dump(exclude={"idempotency_key"})
        message = OutboundMessage(
            **values,
            organization_id=actor.org,
            platform_account_id=account.id,
            state=State.DRAFT.value,
            idempotency_key=key,
            nonce=new_token("hz-", 18),
            compliance_outcome=verdict.verdict.value,
            compliance_verdict=verdict.to_json_dict(),
            author_user_id=actor.user_id,
            attempts=0,
        )
        try:
            with session.begin_nested():
                session.add(message)
                session.flush()
        except IntegrityError:
            # Another request created the same key between our lookup and our insert.
            raced = outbound_messages.by_idempotency_key(session, actor.org, key)
            if raced is None:
                raise
            return self._same_request(raced, account.id, data)
        audit.record(
            session,
            actor,
            action="outbound_message.create",
            target_type="outbound_message",
            target_id=message.id,
            after=snapshot(message, AUDIT_FIELDS),
        )
        if approve and verdict.verdict == Outcome.ALLOW:
            self._approve(session, actor, message, override=False)
            if queue:
                self._queue(session, actor, message)
        return message

    def created_between(
        self,
        session: Session,
        actor: Actor,
        *,
        account_ids: Sequence[str],
        start: dt.datetime,
        end: dt.datetime,
        limit: int = 100_000,
    ) -> Sequence[OutboundMessage]:
        """The accounts' messages created in ``[start, end)``, oldest first (provenance)."""
        actor.require(Permission.OUTBOX_READ)
        return outbound_messages.of_accounts_between(
            session, actor.org, account_ids, start, end, limit=limit
        )

    def get(self, session: Session, actor: Actor, message_id: str) -> OutboundMessage:
        """One outbound message; 404 if it is not the organization's."""
        actor.require(Permission.OUTBOX_READ)
        return outbound_messages.get(session, actor.org, message_id)

    def list(
        self, session: Session, actor: Actor, filters: OutboundFilter
    ) -> Sequence[OutboundMessage]:
        """A filtered page of the organization's outbound messages, newest first."""
        actor.require(Permission.OUTBOX_READ)
        return outbound_messages.page(session, actor.org, filters)

    def counts(self, session: Session, actor: Actor) -> dict[str, int]:
        """How many of the organization's messages are in each state."""
        actor.require(Permission.OUTBOX_READ)
        return outbound_messages.count_by_state(session, actor.org)

    def approve(self, session: Session, actor: Actor, message_id: str) -> OutboundMessage:
        """A person approves a draft; a review or block verdict needs the right to override it."""
        actor.require(Permission.OUTBOX_APPROVE)
        message = outbound_messages.get(session, actor.org, message_id)
        check_move(message.state, State.APPROVED)
        outcome = Outcome(message.compliance_outcome)
        if outcome != Outcome.ALLOW:
            if outcome == Outcome.REVIEW:
                actor.require(Permission.COMPLIANCE_OVERRIDE_REVIEW)
            verdict = Verdict.model_validate(message.compliance_verdict)
            if not can_override(verdict, actor.role.value):
                raise PermissionDeniedError(
                    f"Compliance said {outcome.value} and your role ({actor.role.value}) may not "
                    "override it; change the text instead."
                )
        self._approve(session, actor, message, override=outcome != Outcome.ALLOW)
        return message

    def queue(self, session: Session, actor: Actor, message_id: str) -> OutboundMessage:
        """Hand an approved message to the send pipeline (the worker sends it)."""
        actor.require(Permission.OUTBOX_WRITE)
        message = outbound_messages.get(session, actor.org, message_id)
        self._queue(session, actor, message)
        return message

    def cancel(self, session: Session, actor: Actor, message_id: str) -> OutboundMessage:
        """Stop a message that has not started sending."""
        actor.require(Permission.OUTBOX_WRITE)
        message = outbound_messages.get(session, actor.org, message_id)
        self._move(session, actor, message, State.CANCELLED, action="outbound_message.cancel")
        return message

    def _approve(
        self, session: Session, actor: Actor, message: OutboundMessage, *, override: bool
    ) -> None:
        message.approved_by_user_id = actor.user_id
        message.approved_at = utcnow()
        message.compliance_overridden = override
        action = "outbound_message.approve_override" if override else "outbound_message.approve"
        self._move(session, actor, message, State.APPROVED, action=action)

    def _queue(self, session: Session, actor: Actor, message: OutboundMessage) -> None:
        account = creators.platform_account(session, actor.org, message.platform_account_id)
        connection = creators.connection_for(account)
        self._move(session, actor, message, State.QUEUED, action="outbound_message.queue")
        wake_after_commit(session, message.id, driver=connection.driver)

    def _move(
        self,
        session: Session,
        actor: Actor,
        message: OutboundMessage,
        target: State,
        *,
        action: str,
    ) -> None:
        before = snapshot(message, AUDIT_FIELDS)
        message.state = check_move(message.state, target).value
        session.flush()
        audit.record(
            session,
            actor,
            action=action,
            target_type="outbound_message",
            target_id=message.id,
            before=before,
            after=snapshot(message, (*AUDIT_FIELDS, "compliance_overridden")),
        )

    def _same_request(
        self, existing: OutboundMessage, account_id: str, data: OutboundCreate
    ) -> OutboundMessage:
        asked = data.model_dump()
        if existing.platform_account_id != account_id or any(
            getattr(existing, name) != asked[name] for name in _SAME_REQUEST_FIELDS
        ):
            raise ConflictError(
                "This idempotency key was already used for a different outbound message."
            )
        return existing


def _held_for_review(verdict: Verdict, reason: str) -> Verdict:
    hit = Hit(
        rule=HELD_RULE, category="conversation", severity=Severity.REVIEW, reason=reason[:500]
    )
    hits = (*verdict.hits, hit)
    return verdict.model_copy(update={"hits": hits, "verdict": outcome_of(hits)})


outbox = OutboxService()


def _check_price(platform: str, price_cents: int) -> None:
    """A paid message's price must be one the platform takes: refused here, with the range,
    rather than by the platform at send time after the fan's moment has passed."""
    low, high = ppv_price_range(platform)
    if not low <= price_cents <= high:
        message = (
            f"A paid message on {platform} costs between ${low / 100:.2f} and "
            f"${high / 100:.2f}; this one is ${price_cents / 100:.2f}."
        )
        raise InvalidInputError(message, errors=[field_error("price_cents", message)])
