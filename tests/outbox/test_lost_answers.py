"""Look before resending, for every kind: a lost answer on a mass message or a post ends
``sent`` with exactly one on the platform (DESIGN.md §6 "Send"; simulator ground truth)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session
from tests.outbox.helpers import Agency, make_agency
from tests.platforms.live_simulator import LiveSimulator, live_simulator

from huntaze.config import get_settings
from huntaze.outbox import sender
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.schemas import OutboundCreate
from huntaze.outbox.service import outbox
from huntaze.outbox.states import Kind, State


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSimulator]:
    with live_simulator(tmp_path_factory.mktemp("sim-lost")) as running:
        yield running


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("HUNTAZE_OUTBOX_BACKOFF_BASE_S", "0.1")
    get_settings.cache_clear()
    sender.reset_platform_rate_limiter()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()
    sender.reset_platform_rate_limiter()


@pytest.fixture
def agency(session: Session, sim: LiveSimulator) -> Iterator[Agency]:
    sim.clear_faults()
    yield make_agency(session, base_url=sim.url, secret=sim.secret_json())
    sim.clear_faults()


def queue(session: Session, agency: Agency, data: OutboundCreate) -> OutboundMessage:
    message = outbox.create(
        session,
        agency.chatter.actor,
        platform_account_id=agency.account.id,
        data=data,
        approve=True,
        queue=True,
    )
    session.commit()  # the send task runs after commit
    session.refresh(message)
    return message


def test_lost_answer_to_a_mass_message(
    session: Session, sim: LiveSimulator, agency: Agency
) -> None:
    fans = [sim.active_fan_id(index=i) for i in range(3)]
    sim.fault("lost_response", count=1)
    data = OutboundCreate(kind=Kind.MASS_MESSAGE, text="Weekend drop", recipient_fan_ids=fans)
    message = queue(session, agency, data)
    assert message.state == State.SENT, message.last_error
    assert message.attempts == 2
    sent = sim.admin("GET", "/accounts/creator1/mass-messages", params={"text": "Weekend drop"})
    assert sent["count"] == 1 and sent["recipients"] == [3]
    assert message.platform_message_id == f"mass:{sent['ids'][0]}"


def test_lost_answer_to_a_post(session: Session, sim: LiveSimulator, agency: Agency) -> None:
    sim.fault("lost_response", count=1)
    message = queue(session, agency, OutboundCreate(kind=Kind.POST, text="New set is up"))
    assert message.state == State.SENT, message.last_error
    assert message.attempts == 2
    posts = sim.admin("GET", "/accounts/creator1/posts", params={"text": "New set is up"})
    assert posts["count"] == 1
    assert message.platform_message_id == f"post:{posts['ids'][0]}"
