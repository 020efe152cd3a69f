"""The outbox page: write, approve, send and cancel through forms; verdicts and provenance shown."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from tests.factories import log_in, make_member
from tests.outbox.helpers import Agency, make_agency, make_message

from huntaze.accounts.permissions import Role
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.states import State
from huntaze.platforms import base, registry
from huntaze.platforms.registry import AccountConnection

DELIVERED: list[base.OutgoingMessage] = []
_ids = itertools.count(1)


class RecordingPlatform:
    """A platform double at the process boundary: accepts every message and remembers it."""

    def __init__(self, connection: AccountConnection) -> None:
        self.connection = connection

    def send_message(self, message: base.OutgoingMessage) -> base.SentReceipt:
        DELIVERED.append(message)
        return base.SentReceipt(
            platform_message_id=f"pm-{next(_ids)}", sent_at=dt.datetime.now(dt.UTC)
        )

    def close(self) -> None:
        return None


@pytest.fixture
def agency(session: Session) -> Iterator[Agency]:
    registry.register_driver("test_recording", RecordingPlatform, needs_browser=False)  # type: ignore[arg-type]
    DELIVERED.clear()
    agency = make_agency(session)
    agency.account.connection = {"driver": "test_recording"}
    session.commit()
    yield agency


def _only(session: Session) -> OutboundMessage:
    session.expire_all()
    return session.scalars(select(OutboundMessage)).one()


def test_send_from_the_page_reaches_the_platform_once(
    client: TestClient, session: Session, agency: Agency
) -> None:
    csrf = log_in(client, session, agency.chatter)
    response = client.post(
        "/outbox",
        data={
            "csrf_token": csrf,
            "platform_account_id": agency.account.id,
            "platform_fan_id": "42",
            "text": "Thanks for the tip babe, new set tonight",
            "price": "",
            "action": "send",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    message = _only(session)
    assert message.state == State.SENT and message.author_kind == "person"
    assert message.author_user_id == agency.chatter.user.id
    assert [m.text for m in DELIVERED] == ["Thanks for the tip babe, new set tonight"]
    page = client.get("/outbox?state=sent")
    assert "Thanks for the tip babe" in page.text and agency.chatter.user.name in page.text


def test_blocked_text_stays_a_draft_with_its_reasons(
    client: TestClient, session: Session, agency: Agency
) -> None:
    csrf = log_in(client, session, agency.chatter)
    client.post(
        "/outbox",
        data={
            "csrf_token": csrf,
            "platform_account_id": agency.account.id,
            "platform_fan_id": "42",
            "text": "add me on telegram for 50% off",
            "price": "9.99",
            "action": "send",
        },
    )
    message = _only(session)
    assert message.state == State.DRAFT and message.kind == "ppv" and message.price_cents == 999
    assert DELIVERED == []
    page = client.get("/outbox?state=draft")
    assert "messaging apps are not allowed" in page.text
    refused = client.post(f"/outbox/{message.id}/approve", data={"csrf_token": csrf})
    assert refused.status_code == 403
    assert _only(session).state == State.DRAFT


def test_manager_approves_a_review_draft_then_sends(
    client: TestClient, session: Session, agency: Agency
) -> None:
    draft = make_message(session, agency, text="I want a refund for my last purchase")
    session.commit()
    assert draft.state == State.DRAFT and draft.compliance_outcome == "review"
    csrf = log_in(client, session, agency.manager)
    assert client.post(f"/outbox/{draft.id}/approve", data={"csrf_token": csrf}).status_code == 200
    assert _only(session).state == State.APPROVED
    client.post(f"/outbox/{draft.id}/send", data={"csrf_token": csrf})
    sent = _only(session)
    assert sent.state == State.SENT and sent.compliance_overridden
    assert sent.approved_by_user_id == agency.manager.user.id


def test_cancel_and_bad_input(client: TestClient, session: Session, agency: Agency) -> None:
    draft = make_message(session, agency)
    session.commit()
    csrf = log_in(client, session, agency.chatter)
    client.post(f"/outbox/{draft.id}/cancel", data={"csrf_token": csrf})
    assert _only(session).state == State.CANCELLED
    bad = client.post(
        "/outbox",
        data={
            "csrf_token": csrf,
            "platform_account_id": agency.account.id,
            "platform_fan_id": "42",
            "text": "hello",
            "price": "abc",
            "action": "draft",
        },
    )
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    assert 'value="abc"' in bad.text


def test_viewer_reads_but_cannot_write(
    client: TestClient, session: Session, agency: Agency
) -> None:
    make_message(session, agency)
    viewer = make_member(session, agency.owner.organization, Role.VIEWER)
    log_in(client, session, viewer)
    page = client.get("/outbox")
    assert page.status_code == 200 and 'data-testid="compose"' not in page.text
    assert ">Approve<" not in page.text and "Override and approve" not in page.text


def _statements_to_load(client: TestClient, session: Session, path: str) -> int:
    statements: list[str] = []
    engine = session.get_bind().engine

    def count_statement(*_args: object) -> None:
        statements.append("x")

    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)
    return len(statements)


def test_page_query_count_does_not_grow_with_rows(
    client: TestClient, session: Session, agency: Agency
) -> None:
    """The page runs as many statements for 12 messages as for 2 (no query per row)."""
    log_in(client, session, agency.owner)
    counts = []
    for total in (2, 12):
        while len(session.scalars(select(OutboundMessage.id)).all()) < total:
            make_message(session, agency, text=f"hello {total}", fan_id=str(total))
        session.commit()
        counts.append(_statements_to_load(client, session, "/outbox"))
    assert counts[0] == counts[1], counts


def test_state_counts_are_only_the_organizations(
    client: TestClient, session: Session, agency: Agency
) -> None:
    """Another organization's messages show in neither the table nor the per-state counts."""
    other = make_agency(session)
    for n in range(3):
        make_message(session, other, text=f"theirs {n}", fan_id=str(n))
    make_message(session, agency, text="ours")
    session.commit()
    log_in(client, session, agency.owner)
    page = client.get("/outbox").text
    assert 'data-testid="count-draft">1<' in page
    assert "theirs" not in page and "ours" in page
