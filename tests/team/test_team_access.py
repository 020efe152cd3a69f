"""Access by shift (acceptance 2, and issue 15's point 4): outside their shift a chatter gets no
conversation of that creator, on the pages and on the API; managers are not limited; a manager's
15-minute extension is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import api_headers, log_in
from tests.team.helpers import Team, make_team, shift_later, shift_running, waiting_fan

from huntaze.accounts.models import AuditLog
from huntaze.fans.models import Fan

NOW = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)


@pytest.fixture
def crew(session: Session) -> Team:
    return make_team(session)


def _two_fans(session: Session, crew: Team) -> tuple[Fan, Fan]:
    mine = waiting_fan(session, crew, "1", name="Mia", waited=dt.timedelta(minutes=5), now=NOW)
    theirs = waiting_fan(
        session,
        crew,
        "2",
        name="Oscar",
        waited=dt.timedelta(minutes=5),
        account=crew.other_account,
        now=NOW,
    )
    return mine, theirs


def test_outside_their_shift_a_chatter_gets_no_conversation_of_that_creator(
    client: TestClient, session: Session, crew: Team
) -> None:
    mia, oscar = _two_fans(session, crew)
    shift_running(session, crew, chatters=[crew.chatter], creator_ids=[crew.creator_id], now=NOW)
    shift_later(
        session, crew, chatters=[crew.chatter], creator_ids=[crew.other_creator_id], now=NOW
    )
    session.commit()
    log_in(client, session, crew.chatter)
    inbox = client.get("/inbox")
    assert "Mia" in inbox.text and "Oscar" not in inbox.text
    assert client.get(f"/inbox/{mia.id}").status_code == 200
    refused = client.get(f"/inbox/{oscar.id}")
    assert refused.status_code == 403 and "during your shift" in refused.text
    headers = api_headers(client, session, crew.chatter)
    listed = client.get("/api/v1/fans", headers=headers).json()
    assert [f["username"] for f in listed] == ["mia"]
    other = client.get(
        "/api/v1/fans", params={"creator_id": crew.other_creator_id}, headers=headers
    )
    assert other.json() == []
    assert client.get(f"/api/v1/fans/{oscar.id}", headers=headers).status_code == 403
    messages = client.get(f"/api/v1/fans/{oscar.id}/messages", headers=headers)
    assert messages.status_code == 403
    assert messages.headers["content-type"] == "application/problem+json"
    assert client.get(f"/api/v1/fans/{mia.id}/messages", headers=headers).status_code == 200


def test_managers_and_agencies_without_shifts_are_not_limited(
    client: TestClient, session: Session, crew: Team
) -> None:
    _, oscar = _two_fans(session, crew)
    session.commit()
    log_in(client, session, crew.chatter)
    assert "Oscar" in client.get("/inbox").text  # no shift set up yet: nobody is limited
    shift_running(session, crew, chatters=[crew.chatter], creator_ids=[crew.creator_id], now=NOW)
    session.commit()
    assert "Oscar" not in client.get("/inbox").text
    log_in(client, session, crew.manager)
    assert "Oscar" in client.get("/inbox").text
    assert client.get(f"/inbox/{oscar.id}").status_code == 200


def test_a_manager_extends_a_shift_by_fifteen_minutes_audited(
    client: TestClient, session: Session, crew: Team
) -> None:
    _, oscar = _two_fans(session, crew)
    shift_later(
        session, crew, chatters=[crew.chatter], creator_ids=[crew.other_creator_id], now=NOW
    )
    session.commit()
    chatter_headers = api_headers(client, session, crew.chatter)
    assert client.get(f"/api/v1/fans/{oscar.id}", headers=chatter_headers).status_code == 403
    refused = client.post(
        f"/api/v1/team/chatters/{crew.chatter.membership.id}/extend", headers=chatter_headers
    )
    assert refused.status_code == 403
    manager_headers = api_headers(client, session, crew.manager)
    granted = client.post(
        f"/api/v1/team/chatters/{crew.chatter.membership.id}/extend", headers=manager_headers
    )
    assert granted.status_code == 201, granted.text
    until = dt.datetime.fromisoformat(granted.json()["until"])
    assert dt.timedelta(minutes=14) < until - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=15)
    assert session.query(AuditLog).filter_by(action="team.shift_extended").count() == 1
    chatter_headers = api_headers(client, session, crew.chatter)
    assert client.get(f"/api/v1/fans/{oscar.id}", headers=chatter_headers).status_code == 200
