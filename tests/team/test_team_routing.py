"""The routing queue: value order, capacity, offline chatters, atomic claims, silent chats back
to the queue, only the holder replies unless a manager takes over; clock and handover."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session
from tests.factories import Member, api_headers, log_in
from tests.team.helpers import Team, make_team, shift_later, shift_running, waiting_fan

from huntaze.accounts.models import AuditLog
from huntaze.core.db import utcnow
from huntaze.fans.models import Fan
from huntaze.fans.service import fans
from huntaze.outbox.schemas import OutboundCreate
from huntaze.outbox.service import outbox
from huntaze.outbox.states import Kind
from huntaze.team.models import ChatAssignment, TimeEntry
from huntaze.team.routing import routing
from huntaze.team.schemas import TeamSettingsIn
from huntaze.team.service import team
from huntaze.team.tasks import sweep

NOW = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)


@pytest.fixture
def crew(session: Session) -> Team:
    return make_team(session)


def _queue(session: Session, crew: Team) -> dict[str, Fan]:
    """Ana waited longest but spent nothing; Ben spent $300; Cleo wrote three times."""
    ana = waiting_fan(session, crew, "1", name="Ana", waited=dt.timedelta(minutes=10), now=NOW)
    ben = waiting_fan(
        session,
        crew,
        "2",
        name="Ben",
        waited=dt.timedelta(minutes=6),
        spent_cents=30_000,
        now=NOW,
    )
    cleo = waiting_fan(
        session, crew, "3", name="Cleo", waited=dt.timedelta(minutes=8), unread=3, now=NOW
    )
    return {"ana": ana, "ben": ben, "cleo": cleo}


def _on_shift(session: Session, crew: Team, *members: Member) -> None:
    shift_running(session, crew, chatters=list(members), creator_ids=[crew.creator_id], now=NOW)
    for member in members:
        team.clock_in(session, member.actor)


def test_chats_go_in_value_order_up_to_capacity(session: Session, crew: Team) -> None:
    queue = _queue(session, crew)
    _on_shift(session, crew, crew.chatter, crew.second)
    team.set_capacity(session, crew.manager.actor, crew.chatter.membership, 2)
    first = routing.next_chat(session, crew.chatter.actor)
    second = routing.next_chat(session, crew.chatter.actor)
    full = routing.next_chat(session, crew.chatter.actor)
    # Ben: 6 min × (1 + 3) = 24; Cleo: 8 min × (1 + 1) = 16; Ana: 10 min × 1 = 10.
    assert [first.fan_id, second.fan_id] == [queue["ben"].id, queue["cleo"].id]
    assert full.fan_id is None and "capacity is 2" in full.reason
    other = routing.next_chat(session, crew.second.actor)
    assert other.fan_id == queue["ana"].id
    assert routing.next_chat(session, crew.second.actor).fan_id is None


def test_offline_or_off_shift_chatters_receive_nothing(session: Session, crew: Team) -> None:
    _queue(session, crew)
    shift_running(session, crew, chatters=[crew.chatter], creator_ids=[crew.creator_id], now=NOW)
    offline = routing.next_chat(session, crew.chatter.actor)
    assert offline.fan_id is None and "Clock in first" in offline.reason
    shift_later(session, crew, chatters=[crew.second], creator_ids=[crew.creator_id], now=NOW)
    team.clock_in(session, crew.second.actor)
    off_shift = routing.next_chat(session, crew.second.actor)
    assert off_shift.fan_id is None and "No shift" in off_shift.reason


def test_one_conversation_is_claimed_once(session: Session, crew: Team) -> None:
    """Two chatters who read the same best candidate: the database lets one insert through."""
    queue = _queue(session, crew)
    ben = queue["ben"]
    org = crew.owner.actor.org
    won = routing._claim(session, org, ben.id, ben.creator_id, crew.chatter.membership.id, NOW)
    lost = routing._claim(session, org, ben.id, ben.creator_id, crew.second.membership.id, NOW)
    assert (won, lost) == (True, False)
    assert session.get(ChatAssignment, ben.id).membership_id == crew.chatter.membership.id  # type: ignore[union-attr]


def test_a_silent_chat_goes_to_another_chatter(session: Session, crew: Team) -> None:
    queue = _queue(session, crew)
    _on_shift(session, crew, crew.chatter, crew.second)
    team.save_settings(session, crew.manager.actor, TeamSettingsIn(silent_reassign_minutes=5))
    assert routing.next_chat(session, crew.chatter.actor).fan_id == queue["ben"].id
    session.execute(
        update(ChatAssignment)
        .where(ChatAssignment.fan_id == queue["ben"].id)
        .values(assigned_at=utcnow() - dt.timedelta(minutes=6))
    )
    _, requeued = sweep(session, utcnow())
    assert requeued == 1
    assert routing.next_chat(session, crew.second.actor).fan_id == queue["ben"].id


def test_an_answered_chat_frees_the_chatter(session: Session, crew: Team) -> None:
    queue = _queue(session, crew)
    _on_shift(session, crew, crew.chatter)
    team.set_capacity(session, crew.manager.actor, crew.chatter.membership, 1)
    taken = routing.next_chat(session, crew.chatter.actor).fan_id
    assert taken == queue["ben"].id
    assert routing.next_chat(session, crew.chatter.actor).fan_id is None
    fans.mark_read(session, crew.chatter.actor, queue["ben"])
    assert routing.next_chat(session, crew.chatter.actor).fan_id == queue["cleo"].id


def test_only_the_holder_replies_unless_a_manager_takes_over(
    client: TestClient, session: Session, crew: Team
) -> None:
    queue = _queue(session, crew)
    _on_shift(session, crew, crew.chatter, crew.second)
    ben = queue["ben"]
    assert routing.next_chat(session, crew.chatter.actor).fan_id == ben.id
    session.commit()
    csrf = log_in(client, session, crew.second)
    refused = client.post(
        f"/inbox/{ben.id}/reply", data={"csrf_token": csrf, "text": "hi Ben", "action": "draft"}
    )
    assert refused.status_code == 403 and "Another chatter holds" in refused.text
    csrf = log_in(client, session, crew.manager)
    taken = client.post(
        f"/inbox/{ben.id}/reply",
        data={"csrf_token": csrf, "text": "hi Ben, it's me", "action": "draft"},
        follow_redirects=False,
    )
    assert taken.status_code == 303, taken.text
    session.expire_all()
    held = session.get(ChatAssignment, ben.id)
    assert held is not None and held.membership_id == crew.manager.membership.id and held.taken_over
    assert session.query(AuditLog).filter_by(action="team.chat_taken_over").count() == 1


def test_the_api_clocks_in_and_out_and_takes_chats(
    client: TestClient, session: Session, crew: Team
) -> None:
    queue = _queue(session, crew)
    shift_running(session, crew, chatters=[crew.chatter], creator_ids=[crew.creator_id], now=NOW)
    session.commit()
    headers = api_headers(client, session, crew.chatter)
    offline = client.post("/api/v1/team/next-chat", headers=headers).json()
    assert offline["fan_id"] is None and "Clock in" in offline["reason"]
    assert client.post("/api/v1/team/clock-in", headers=headers).status_code == 200
    taken = client.post("/api/v1/team/next-chat", headers=headers).json()
    assert taken["fan_id"] == queue["ben"].id
    out = client.post("/api/v1/team/clock-out", headers=headers).json()
    assert out["entry"]["clocked_out_at"] is not None
    session.expire_all()
    assert session.get(ChatAssignment, queue["ben"].id) is None  # back in the queue
    again = client.post("/api/v1/team/clock-out", headers=headers).json()
    assert again == {"entry": None, "detail": "You were not clocked in."}


def test_idle_members_are_clocked_out_and_hours_export(
    client: TestClient, session: Session, crew: Team
) -> None:
    entry = team.clock_in(session, crew.chatter.actor)
    team.save_settings(session, crew.manager.actor, TeamSettingsIn(idle_clock_out_minutes=20))
    started = utcnow() - dt.timedelta(minutes=95)
    seen = utcnow() - dt.timedelta(minutes=25)
    session.execute(
        update(TimeEntry)
        .where(TimeEntry.id == entry.id)
        .values(clocked_in_at=started, last_seen_at=seen)
    )
    busy = team.clock_in(session, crew.second.actor)
    clocked_out, _ = sweep(session, utcnow())
    assert clocked_out == 1
    session.expire_all()
    closed = session.get(TimeEntry, entry.id)
    assert closed is not None and closed.auto_clocked_out and closed.clocked_out_at == seen
    assert session.get(TimeEntry, busy.id).clocked_out_at is None  # type: ignore[union-attr]
    session.commit()
    log_in(client, session, crew.manager)
    exported = client.get("/shifts/hours.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    mine = [r for r in rows if r["email"] == crew.chatter.user.email]
    assert len(mine) == 1 and mine[0]["minutes"] == "70" and mine[0]["auto_clocked_out"] == "yes"
    log_in(client, session, crew.chatter)
    assert client.get("/shifts/hours.csv").status_code == 403


def test_the_handover_lists_open_promises(client: TestClient, session: Session, crew: Team) -> None:
    queue = _queue(session, crew)
    _on_shift(session, crew, crew.chatter, crew.second)
    for fan_id, text, price in [
        ("2", "I'll send you the beach video tomorrow, promise", None),
        ("1", "thanks for writing!", None),
        ("3", "later babe, I'll make something just for you", None),
        ("3", "here it is", 1500),
    ]:
        outbox.create(
            session,
            crew.chatter.actor,
            platform_account_id=crew.account.id,
            data=OutboundCreate(
                kind=Kind.PPV if price else Kind.MESSAGE,
                platform_fan_id=fan_id,
                text=text,
                price_cents=price,
            ),
        )
    entry = team.clock_out(session, crew.chatter.actor)
    assert entry is not None and entry.handover is not None
    assert [item["fan_id"] for item in entry.handover] == [queue["ben"].id]
    assert "beach video tomorrow" in entry.handover[0]["text"]
    session.commit()
    log_in(client, session, crew.second)
    page = client.get("/my-shift")
    assert page.status_code == 200
    assert 'data-testid="handover"' in page.text and "beach video tomorrow" in page.text


def test_the_handover_also_lists_custom_requests_unbought_ppvs_and_waiting_fans(
    client: TestClient, session: Session, crew: Team
) -> None:
    from sqlalchemy import select
    from tests.team.helpers import ref

    from huntaze.inbox.ingest import ingest_earnings, ingest_messages
    from huntaze.outbox.models import OutboundMessage
    from huntaze.platforms.base import EarningEntry, PlatformFan, PlatformMessage

    where = ref(crew, crew.account)
    fans.upsert_from_platform(
        session, where, [PlatformFan(platform_fan_id=p, username=f"fan{p}") for p in "4567"]
    )
    _on_shift(session, crew, crew.chatter, crew.second)
    for fan_id, text, price in [
        ("4", "hey you", None),
        ("5", "good morning!", None),
        ("6", "a little something", 1200),
        ("7", "the full set", 2500),
    ]:
        made = outbox.create(
            session,
            crew.chatter.actor,
            platform_account_id=crew.account.id,
            data=OutboundCreate(
                kind=Kind.PPV if price else Kind.MESSAGE,
                platform_fan_id=fan_id,
                text=text,
                price_cents=price,
            ),
        )
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id == made.id)
            .values(state="sent", sent_at=utcnow(), platform_message_id=f"pm{fan_id}")
        )
    later = utcnow()
    ingest_messages(
        session,
        where,
        [
            PlatformMessage(
                platform_message_id=f"in{fan_id}",
                platform_fan_id=fan_id,
                direction="inbound",
                text=text,
                sent_at=later,
            )
            for fan_id, text in [
                ("4", "could you make a custom video just for me?"),
                ("5", "morning! how are you?"),
            ]
        ],
    )
    ingest_earnings(
        session,
        where,
        [
            EarningEntry(
                platform_entry_id="e7",
                kind="ppv",
                amount_cents=2500,
                occurred_at=later,
                platform_fan_id="7",
                platform_message_id="pm7",
            )
        ],
    )
    entry = team.clock_out(session, crew.chatter.actor)
    assert entry is not None and entry.handover is not None
    names = {
        f.id: f.username
        for f in session.scalars(select(Fan).where(Fan.platform_fan_id.in_(list("4567"))))
    }
    found = {(item["kind"], names[item["fan_id"]]) for item in entry.handover}
    assert found == {
        ("custom_request", "fan4"),
        ("waiting", "fan4"),
        ("waiting", "fan5"),
        ("ppv_not_bought", "fan6"),
    }
    session.commit()
    log_in(client, session, crew.second)
    page = client.get("/my-shift").text
    assert "custom request not sold yet" in page and "PPV not bought yet" in page
    assert "could you make a custom video just for me?" in page
