"""The message log: every message the agency sent with who sent it, paid or free, bought or
not and how long the fan waited — filterable, for managers only."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import log_in
from tests.team.helpers import make_team
from tests.team.test_team_leaderboard import _world


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
