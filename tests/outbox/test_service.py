"""The outbox service: idempotency, compliance gates, provenance, the CAS claim, the API list."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session
from tests.conftest import BoundDatabase
from tests.factories import api_headers
from tests.outbox.helpers import make_agency, make_message

from huntaze.accounts.audit import audit
from huntaze.compliance.rulebook import rulebook
from huntaze.core.db import utcnow
from huntaze.core.errors import ConflictError, PermissionDeniedError
from huntaze.core.tenancy import trusted_org_id
from huntaze.outbox.repository import outbound_messages
from huntaze.outbox.schemas import OutboundCreate, OutboundFilter
from huntaze.outbox.service import outbox
from huntaze.outbox.states import AuthorKind, Kind, State

OFF_PLATFORM = "Send it to my PayPal and I'll unlock everything"


def test_same_idempotency_key_returns_the_existing_row(session: Session) -> None:
    agency = make_agency(session)
    first = make_message(session, agency, key="reply:42")
    again = make_message(session, agency, key="reply:42")
    assert again.id == first.id
    listed = outbox.list(session, agency.owner.actor, OutboundFilter())
    assert [m.id for m in listed] == [first.id]
    with pytest.raises(ConflictError):
        make_message(session, agency, key="reply:42", text="Something else")


def test_create_stores_verdict_nonce_and_provenance(session: Session) -> None:
    agency = make_agency(session)
    data = OutboundCreate(
        kind=Kind.PPV,
        platform_fan_id="9",
        text="A new set just for you",
        price_cents=1200,
        author_kind=AuthorKind.AI_DRAFT_APPROVED,
        ai_model="smollm2-135m",
        ai_prompt_version="chat/reply_draft.v1",
        source_kind="campaign",
        source_id="c1",
    )
    message = outbox.create(
        session, agency.chatter.actor, platform_account_id=agency.account.id, data=data
    )
    assert message.state == State.DRAFT
    assert message.compliance_outcome == "allow"
    assert message.compliance_verdict["verdict"] == "allow"
    assert message.nonce.startswith("hz-")
    assert message.author_user_id == agency.chatter.user.id
    assert (message.price_cents, message.currency) == (1200, "USD")
    approved = outbox.approve(session, agency.chatter.actor, message.id)
    assert approved.approved_by_user_id == agency.chatter.user.id
    assert approved.approved_at is not None
    assert approved.state == State.APPROVED


def test_blocked_text_stays_draft_until_allowed_override(session: Session) -> None:
    agency = make_agency(session)
    message = make_message(session, agency, text=OFF_PLATFORM, approve=True, queue=True)
    assert message.compliance_outcome == "block"
    assert message.state == State.DRAFT
    for member in (agency.chatter, agency.manager):
        with pytest.raises(PermissionDeniedError):
            outbox.approve(session, member.actor, message.id)
    assert message.state == State.DRAFT


REVIEW_DISCOUNTS = """
rules:
  - id: acme.discounts
    category: sales_policy
    severity: review
    direction: outbound
    reason: Deep discounts need a manager.
    keywords: ["80% off"]
"""


def test_review_needs_a_manager_and_is_audited(session: Session) -> None:
    agency = make_agency(session)
    rulebook.save_rules(session, agency.owner.actor, creator_id=None, yaml_text=REVIEW_DISCOUNTS)
    message = make_message(session, agency, text="Tonight only: 80% off my bundle")
    assert message.compliance_outcome == "review"
    assert [hit["rule"] for hit in message.compliance_verdict["hits"]] == ["acme.discounts"]
    with pytest.raises(PermissionDeniedError):
        outbox.approve(session, agency.chatter.actor, message.id)
    outbox.approve(session, agency.manager.actor, message.id)
    assert message.compliance_overridden is True
    entries = audit.list(session, agency.owner.actor.org, target_type="outbound_message")
    assert "outbound_message.approve_override" in {e.action for e in entries}


def test_illegal_moves_conflict(session: Session) -> None:
    agency = make_agency(session)
    message = make_message(session, agency)
    with pytest.raises(ConflictError):
        outbox.queue(session, agency.chatter.actor, message.id)
    outbox.cancel(session, agency.chatter.actor, message.id)
    with pytest.raises(ConflictError):
        outbox.approve(session, agency.chatter.actor, message.id)


def test_two_claims_one_wins(bound_database: BoundDatabase, session: Session) -> None:
    agency = make_agency(session)
    message = make_message(session, agency, approve=True)
    message.state = State.QUEUED.value
    session.commit()
    now = utcnow()
    won = []
    for _worker in range(2):
        with bound_database.session_scope() as worker_session:
            won.append(
                outbound_messages.claim(
                    worker_session, message.id, now=now, send_started_at=now, lease_until=now
                )
            )
    assert won == [True, False]
    row = outbound_messages.get(session, trusted_org_id(agency.owner.organization.id), message.id)
    session.refresh(row)
    assert (row.state, row.attempts) == (State.SENDING, 1)


@contextmanager
def count_queries(bound_database: BoundDatabase) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(bound_database.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(bound_database.engine, "before_cursor_execute", record)


def test_list_endpoint_query_count_does_not_grow(
    client: TestClient, session: Session, bound_database: BoundDatabase
) -> None:
    agency = make_agency(session)
    headers = api_headers(client, session, agency.owner)
    counts = []
    for total in (2, 12):
        while len(outbox.list(session, agency.owner.actor, OutboundFilter(limit=200))) < total:
            make_message(session, agency, text=f"Hi {utcnow().isoformat()}")
        session.commit()
        with count_queries(bound_database) as statements:
            response = client.get("/api/v1/outbound-messages?state=draft", headers=headers)
        assert response.status_code == 200
        assert len(response.json()) == total
        counts.append(len(statements))
    assert counts[0] == counts[1]
