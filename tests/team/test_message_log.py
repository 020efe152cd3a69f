"""The message log: every message the agency sent with who sent it, paid or free, bought or
not and how long the fan waited — filterable, for managers only."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import log_in
from tests.team.helpers import make_team, ref
from tests.team.test_team_leaderboard import NOW, _sent, _world

from huntaze.inbox.ingest import ingest_messages
from huntaze.platforms.base import PlatformMessage


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr data-message="[^"]+">(.*?)</tr>', page, flags=re.S)


def test_the_log_lists_filters_and_says_who_sent_what(client: TestClient, session: Session) -> None:
    crew = make_team(session)
    _world(session, crew)
    log_in(client, session, crew.manager)

    everything = client.get("/message-log")
    assert everything.status_code == 200
    rows = _rows(everything.text)
    assert len(rows) == 5  # the sixth message is 20 days old, outside the 7 days
    assert 'data-testid="log-count">5 messages' in everything.text

    paid = _rows(client.get("/message-log", params={"paid": "paid"}).text)
    assert len(paid) == 2 and all("free" not in row for row in paid)
    bought = _rows(client.get("/message-log", params={"bought": "yes"}).text)
    assert len(bought) == 1 and "new set" in bought[0] and ">yes<" in bought[0]
    charged_back = _rows(client.get("/message-log", params={"bought": "no"}).text)
    assert len(charged_back) == 1 and "full video" in charged_back[0]

    by_second = _rows(client.get("/message-log", params={"sender": crew.second.membership.id}).text)
    assert len(by_second) == 2
    assert all(crew.second.user.name in row for row in by_second)
    month = _rows(client.get("/message-log", params={"days": 30}).text)
    assert len(month) == 6


def test_bad_filters_are_422_and_chatters_cannot_read_it(
    client: TestClient, session: Session
) -> None:
    crew = make_team(session)
    log_in(client, session, crew.manager)
    for bad in ({"days": 0}, {"paid": "maybe"}, {"bought": "1"}, {"page": 0}, {"days": "x"}):
        assert client.get("/message-log", params=bad).status_code == 422, bad
    client.cookies.clear()
    log_in(client, session, crew.chatter)
    assert client.get("/message-log").status_code == 403


def test_each_message_says_how_long_the_fan_waited_and_when_he_answered(
    client: TestClient, session: Session
) -> None:
    crew = make_team(session)
    minute = dt.timedelta(minutes=1)
    ingest_messages(
        session,
        ref(crew, crew.account),
        [
            PlatformMessage(
                platform_message_id=f"in{n}",
                platform_fan_id="7",
                direction="inbound",
                text="hey",
                sent_at=NOW - ago * minute,
            )
            for n, ago in enumerate((100, 57))
        ],
    )
    _sent(session, crew, crew.chatter, "7", "hi you!", ago=60 * minute, platform_id="q1")
    _sent(session, crew, crew.chatter, "7", "still there?", ago=30 * minute, platform_id="q2")
    session.commit()
    log_in(client, session, crew.manager)
    page = client.get("/message-log").text
    rows = {("hi you!" in row): row for row in _rows(page)}
    first, second = rows[True], rows[False]
    assert 'data-testid="waited">40 min<' in first  # the fan wrote 100 min ago, answered at 60
    assert 'data-testid="answered">after 3 min<' in first  # he wrote back at 57
    assert 'data-testid="waited">27 min<' in second  # his message of 57 min ago waited 27
    assert 'data-testid="answered">—<' in second
