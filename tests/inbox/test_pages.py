"""The inbox pages: conversations of every creator in one list with its views, one conversation
with the fan beside it, and replies that go through compliance and the outbox."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import log_in, make_member, make_org
from tests.outbox.helpers import Agency, make_agency

from huntaze.accounts.permissions import Role
from huntaze.fans.models import Fan
from huntaze.fans.service import AccountRef, fans
from huntaze.inbox.ingest import ingest_earnings, ingest_messages
from huntaze.outbox.models import OutboundMessage
from huntaze.platforms.base import EarningEntry, PlatformFan, PlatformMessage

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def _chat(session: Session, agency: Agency) -> dict[str, Fan]:
    """Two fans of the agency's account: Mia wrote twice and waits; Leo bought a $150 set."""
    ref = AccountRef(
        org=agency.owner.actor.org,
        account_id=agency.account.id,
        creator_id=agency.account.creator_id,
    )
    fans.upsert_from_platform(
        session,
        ref,
        [
            PlatformFan(
                platform_fan_id="11",
                username="mia_k",
                display_name="Mia",
                subscribed_at=NOW - dt.timedelta(days=2),
            ),
            PlatformFan(
                platform_fan_id="12",
                username="leo",
                display_name="Leo",
                subscribed_at=NOW - dt.timedelta(days=90),
            ),
        ],
    )
    ingest_messages(
        session,
        ref,
        [
            PlatformMessage(
                platform_message_id="m1",
                platform_fan_id="11",
                direction="inbound",
                text="hey, are you there?",
                sent_at=NOW - dt.timedelta(hours=3),
            ),
            PlatformMessage(
                platform_message_id="m2",
                platform_fan_id="11",
                direction="inbound",
                text="loved the beach set 😍",
                sent_at=NOW - dt.timedelta(hours=2),
            ),
            PlatformMessage(
                platform_message_id="m3",
                platform_fan_id="12",
                direction="outbound",
                text="new set for you",
                sent_at=NOW - dt.timedelta(hours=5),
                price_cents=15000,
            ),
        ],
    )
    ingest_earnings(
        session,
        ref,
        [
            EarningEntry(
                platform_entry_id="e1",
                kind="ppv",
                amount_cents=15000,
                occurred_at=NOW - dt.timedelta(hours=4),
                platform_fan_id="12",
                platform_message_id="m3",
            )
        ],
    )
    session.commit()
    found = session.scalars(select(Fan).where(Fan.platform_account_id == agency.account.id))
    return {f.username: f for f in found}


@pytest.fixture
def agency(session: Session) -> Agency:
    return make_agency(session)


def test_the_inbox_lists_every_conversation_with_its_views(
    client: TestClient, session: Session, agency: Agency
) -> None:
    chat = _chat(session, agency)
    log_in(client, session, agency.chatter)
    page = client.get("/inbox")
    assert page.status_code == 200
    assert "Mia" in page.text and "Leo" in page.text and "2 unread" in page.text
    unread = client.get("/inbox?view=unread").text
    assert "Mia" in unread and "Leo" not in unread
    big = client.get("/inbox?view=big").text
    assert "Leo" in big and "Mia" not in big
    new = client.get("/inbox?view=new").text
    assert "Mia" in new and "Leo" not in new
    assert chat["leo"].total_spent_cents == 15000
    fragment = client.get("/inbox?view=unread", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "Mia" in fragment.text


def test_a_conversation_shows_the_chat_and_the_fan(
    client: TestClient, session: Session, agency: Agency
) -> None:
    chat = _chat(session, agency)
    log_in(client, session, agency.chatter)
    page = client.get(f"/inbox/{chat['leo'].id}")
    assert page.status_code == 200
    assert "new set for you" in page.text and "bought" in page.text
    assert 'data-testid="spent">150.00' in page.text


def test_a_reply_goes_through_compliance_and_the_outbox(
    client: TestClient, session: Session, agency: Agency
) -> None:
    chat = _chat(session, agency)
    csrf = log_in(client, session, agency.chatter)
    mia = chat["mia_k"]
    sent = client.post(
        f"/inbox/{mia.id}/reply",
        data={"csrf_token": csrf, "text": "hi Mia! so glad you liked it", "action": "draft"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    risky = client.post(
        f"/inbox/{mia.id}/reply",
        data={"csrf_token": csrf, "text": "just venmo me instead", "action": "send"},
        follow_redirects=False,
    )
    assert risky.status_code == 303
    rows = session.scalars(select(OutboundMessage).order_by(OutboundMessage.created_at)).all()
    assert [(r.platform_fan_id, r.state, r.author_user_id) for r in rows] == [
        ("11", "draft", agency.chatter.user.id),
        ("11", "draft", agency.chatter.user.id),
    ]
    assert rows[1].compliance_outcome == "block"
    session.refresh(mia)
    assert mia.unread_count == 0
    page = client.get(f"/inbox/{mia.id}").text
    assert "just venmo me instead" in page and "block" in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "", "action": "send"}, "text"),
        ({"text": "x" * 10_001, "action": "send"}, "text"),
        ({"text": "a set for you", "price": "1e999999", "action": "send"}, "price"),
        ({"text": "a set for you", "price": "-5", "action": "send"}, "price"),
    ],
)
def test_a_bad_reply_is_refused_and_nothing_is_written(
    client: TestClient, session: Session, agency: Agency, data: dict[str, str], field: str
) -> None:
    chat = _chat(session, agency)
    csrf = log_in(client, session, agency.chatter)
    answer = client.post(f"/inbox/{chat['mia_k'].id}/reply", data={"csrf_token": csrf, **data})
    assert answer.status_code == 422
    assert f'data-testid="error-{field}"' in answer.text
    assert session.scalars(select(OutboundMessage)).all() == []


def test_a_viewer_reads_but_cannot_reply(
    client: TestClient, session: Session, agency: Agency
) -> None:
    chat = _chat(session, agency)
    viewer = make_member(session, agency.owner.organization, Role.VIEWER)
    session.commit()
    csrf = log_in(client, session, viewer)
    assert client.get(f"/inbox/{chat['mia_k'].id}").status_code == 200
    answer = client.post(
        f"/inbox/{chat['mia_k'].id}/reply", data={"csrf_token": csrf, "text": "hello"}
    )
    assert answer.status_code == 403


def test_another_organization_sees_nothing(
    client: TestClient, session: Session, agency: Agency
) -> None:
    chat = _chat(session, agency)
    other = make_member(session, make_org(session, name="Other"), Role.OWNER)
    session.commit()
    csrf = log_in(client, session, other)
    assert "Mia" not in client.get("/inbox").text
    assert client.get(f"/inbox/{chat['mia_k'].id}").status_code == 404
    reply = client.post(
        f"/inbox/{chat['mia_k'].id}/reply", data={"csrf_token": csrf, "text": "hello"}
    )
    assert reply.status_code == 404
    sync = client.post(f"/inbox/accounts/{agency.account.id}/sync", data={"csrf_token": csrf})
    assert sync.status_code == 404
