"""A stuck account: a person checks its connection, fixes the login, and sends what waited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import api_headers, log_in
from tests.outbox.helpers import make_agency, make_message
from tests.platforms.live_simulator import LiveSimulator, live_simulator

from huntaze.config import get_settings
from huntaze.creators.schemas import PlatformAccountUpdate
from huntaze.creators.service import creators
from huntaze.outbox import sender
from huntaze.outbox.accounts import account_recovery
from huntaze.outbox.states import State


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSimulator]:
    with live_simulator(tmp_path_factory.mktemp("sim-recovery")) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh_limits() -> Iterator[None]:
    get_settings.cache_clear()
    sender.reset_platform_rate_limiter()
    yield
    sender.reset_platform_rate_limiter()


def test_check_connection_records_the_link_state(
    client: TestClient, session: Session, sim: LiveSimulator
) -> None:
    good = make_agency(session, base_url=sim.url, secret=sim.secret_json())
    bad = make_agency(session, base_url=sim.url, secret=sim.secret_json(password="wrong"))
    session.commit()
    csrf = log_in(client, session, good.chatter)
    page = client.post(
        f"/platform-accounts/{good.account.id}/check",
        data={"csrf_token": csrf, "creator_id": good.account.creator_id},
    )
    assert page.status_code == 200 and "Checking the connection" in page.text
    account_recovery.check_connection(session, bad.chatter.actor, bad.account.id)
    session.commit()
    session.refresh(good.account)
    session.refresh(bad.account)
    assert good.account.link_state == "linked"
    assert bad.account.link_state == "needs_attention" and bad.account.last_error


def test_fix_the_login_then_send_what_waited(
    client: TestClient, session: Session, sim: LiveSimulator
) -> None:
    agency = make_agency(session, base_url=sim.url, secret=sim.secret_json(password="wrong"))
    fan_id = sim.active_fan_id(index=3)
    message = make_message(
        session, agency, fan_id=fan_id, text="Missed you!", approve=True, queue=True
    )
    session.commit()
    session.refresh(message)
    assert message.state == State.QUEUED and message.next_attempt_at is not None
    assert sim.deliveries(nonce=message.nonce) == 0

    creators.update_account(
        session,
        agency.owner.actor,
        agency.account.id,
        PlatformAccountUpdate(session_secret=sim.secret_json()),
    )
    session.commit()
    response = client.post(
        f"/api/v1/platform-accounts/{agency.account.id}/retry-now",
        headers=api_headers(client, session, agency.chatter),
    )
    assert response.status_code == 200 and response.json() == {"messages_woken": 1}
    session.refresh(message)
    session.refresh(agency.account)
    assert message.state == State.SENT, message.last_error
    assert sim.deliveries(nonce=message.nonce) == 1
    assert agency.account.link_state == "linked"


def test_api_check_answers_json_with_the_state_after_the_check(
    client: TestClient, session: Session, sim: LiveSimulator
) -> None:
    """The API's check is documented as JSON; an empty 202 broke every client that parses it."""
    agency = make_agency(session, base_url=sim.url, secret=sim.secret_json(password="wrong"))
    session.commit()
    response = client.post(
        f"/api/v1/platform-accounts/{agency.account.id}/check",
        headers=api_headers(client, session, agency.chatter),
    )
    assert response.status_code == 202
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["account_id"] == agency.account.id and body["checking"] is True
    session.refresh(agency.account)
    assert agency.account.link_state == "needs_attention"
