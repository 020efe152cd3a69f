"""Many outbound messages of one automated send at once: a campaign's batch (DESIGN.md §6).

A campaign sends the same few texts to many fans. Each distinct text is checked by the
compliance service once per batch (the rules tier reads only the text; the per-fan sending
limits — caps, quiet hours, opt-out, PPV gap — are checked for every row just before its send by
:mod:`huntaze.outbox.send_checks`). Rows whose text compliance allows are inserted approved and
queued in one statement; a text with a ``review`` or ``block`` verdict makes no row (no person is
there to review it) and its verdict is handed back. Each row's idempotency key is unique per
organization, so a batch planned twice — a worker killed after its commit, two workers — creates
nothing twice: the repeated keys are skipped and the existing rows' ids returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.audit import audit
from huntaze.accounts.permissions import Permission
from huntaze.compliance.models import Delivery, Direction, Outcome, Verdict
from huntaze.compliance.service import compliance
from huntaze.core.bulk import insert_ignoring
from huntaze.core.db import new_id, utcnow
from huntaze.core.security import new_token
from huntaze.core.tenancy import OrgId, tenant_filter
from huntaze.creators.service import creators
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.states import AuthorKind, Kind, State
from huntaze.outbox.tasks import wake_after_commit


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One message of a batch: to whom, what, and the key that makes it once only."""

    idempotency_key: str
    platform_fan_id: str
    text: str


@dataclass(frozen=True, slots=True)
class BatchSpec:
    """What every message of a batch shares."""

    platform_account_id: str
    kind: Kind
    price_cents: int | None = None
    media_ids: tuple[str, ...] = ()
    source_kind: str | None = None
    source_id: str | None = None


@dataclass
class BatchResult:
    """The message id of each key that has a row; the verdict of each key that was refused."""

    message_ids: dict[str, str] = field(default_factory=dict)
    refused: dict[str, Verdict] = field(default_factory=dict)
    created: int = 0


def check_texts(
    session: Session,
    actor: Actor,
    *,
    creator_id: str,
    texts: Sequence[str],
    is_ppv: bool,
    known: dict[str, Verdict] | None = None,
) -> dict[str, Verdict]:
    """The verdict on each distinct text (the ones already in ``known`` are not checked again)."""
    verdicts = dict(known or {})
    new_texts = [text for text in dict.fromkeys(texts) if text not in verdicts]
    if new_texts:
        verdicts.update(
            compliance.check_many(
                session,
                org=actor.org,
                creator_id=creator_id,
                texts=new_texts,
                direction=Direction.OUTBOUND,
                delivery=Delivery(fan=None, is_ppv=is_ppv, now=utcnow()),
            )
        )
    return verdicts


def create_batch(
    session: Session,
    actor: Actor,
    spec: BatchSpec,
    items: Sequence[BatchItem],
    *,
    verdicts: dict[str, Verdict] | None = None,
) -> BatchResult:
    """Queue one message per item whose text compliance allows (see the module's note).

    ``verdicts`` caches the verdict of each text across the batches of one send; it is updated
    in place. The send tasks are enqueued when ``session`` commits."""
    actor.require(Permission.OUTBOX_WRITE)
    if spec.kind not in (Kind.MESSAGE, Kind.PPV):
        raise ValueError("a batch sends messages or PPV offers to single fans")
    account = creators.platform_account(session, actor.org, spec.platform_account_id)
    cache = verdicts if verdicts is not None else {}
    cache.update(
        check_texts(
            session,
            actor,
            creator_id=account.creator_id,
            texts=[item.text for item in items],
            is_ppv=spec.kind is Kind.PPV,
            known=cache,
        )
    )
    result = BatchResult()
    now = utcnow()
    rows = []
    for item in {item.idempotency_key: item for item in items}.values():
        verdict = cache[item.text]
        if verdict.verdict != Outcome.ALLOW:
            result.refused[item.idempotency_key] = verdict
            continue
        rows.append(
            {
                "id": new_id(),
                "organization_id": actor.org,
                "platform_account_id": account.id,
                "kind": spec.kind.value,
                "state": State.QUEUED.value,
                "idempotency_key": item.idempotency_key,
                "nonce": new_token("hz-", 18),
                "platform_fan_id": item.platform_fan_id,
                "recipient_fan_ids": None,
                "text": item.text,
                "media_ids": list(spec.media_ids),
                "price_cents": spec.price_cents,
                "currency": "USD",
                "publish_at": None,
                "compliance_outcome": verdict.verdict.value,
                "compliance_verdict": verdict.to_json_dict(),
                "compliance_overridden": False,
                "author_kind": AuthorKind.AUTOMATION.value,
                "author_user_id": actor.user_id,
                "approved_by_user_id": actor.user_id,
                "approved_at": now,
                "ai_model": None,
                "ai_prompt_version": None,
                "source_kind": spec.source_kind,
                "source_id": spec.source_id,
                "attempts": 0,
                "next_attempt_at": None,
                "claimed_at": None,
                "lease_until": None,
                "send_started_at": None,
                "platform_message_id": None,
                "sent_at": None,
                "last_error": None,
                "created_at": now,
                "updated_at": now,
            }
        )
    insert_ignoring(session, OutboundMessage, rows, conflict=("organization_id", "idempotency_key"))
    keys = [row["idempotency_key"] for row in rows]
    if keys:
        found = session.execute(
            select(OutboundMessage.idempotency_key, OutboundMessage.id).where(
                tenant_filter(OutboundMessage, actor.org),
                OutboundMessage.idempotency_key.in_(keys),
            )
        ).all()
        result.message_ids = {str(key): str(message_id) for key, message_id in found}
    # A row of this call whose key was taken already was skipped: its id is not the one found.
    inserted = {str(row["id"]) for row in rows} & set(result.message_ids.values())
    result.created = len(inserted)
    driver = creators.connection_for(account).driver
    for message_id in sorted(inserted):
        wake_after_commit(session, message_id, driver=driver)
    if inserted:
        audit.record(
            session,
            actor,
            action="outbound_message.create_batch",
            target_type=spec.source_kind or "outbound_message",
            target_id=spec.source_id,
            after={"created": len(inserted), "kind": spec.kind.value, "account": account.id},
        )
    return result


def counts_of_source(
    session: Session,
    org: OrgId,
    *,
    source_kind: str,
    source_id: str,
    states: Sequence[str] = (),
) -> dict[str, int]:
    """How many messages of one source (a campaign, say) are in each state, or in each of
    ``states`` only (read through the state index: what is still in flight) (one query)."""
    stmt = (
        select(OutboundMessage.state, func.count())
        .where(
            tenant_filter(OutboundMessage, org),
            OutboundMessage.source_kind == source_kind,
            OutboundMessage.source_id == source_id,
        )
        .group_by(OutboundMessage.state)
    )
    if states:
        stmt = stmt.where(OutboundMessage.state.in_(list(states)))
    return {str(state): int(count) for state, count in session.execute(stmt).all()}


def cancel_queued_of_source(
    session: Session, actor: Actor, *, source_kind: str, source_id: str
) -> int:
    """Cancel, in one compare-and-set statement, the source's messages still ``queued`` (one a
    worker has claimed is ``sending`` and finishes); how many."""
    actor.require(Permission.OUTBOX_WRITE)
    stmt = (
        update(OutboundMessage)
        .where(
            tenant_filter(OutboundMessage, actor.org),
            OutboundMessage.source_kind == source_kind,
            OutboundMessage.source_id == source_id,
            OutboundMessage.state == State.QUEUED.value,
        )
        .values(state=State.CANCELLED.value, next_attempt_at=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    cancelled = int(session.execute(stmt).rowcount)  # type: ignore[attr-defined]
    if cancelled:
        audit.record(
            session,
            actor,
            action="outbound_message.cancel_batch",
            target_type=source_kind,
            target_id=source_id,
            after={"cancelled": cancelled},
        )
    return cancelled
