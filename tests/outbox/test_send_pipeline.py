"""The send pipeline against a running simulator with its faults (DESIGN.md §6 "Send").

Messages are queued through the service and sent by the task the commit enqueues (the queue
runs tasks immediately in tests), over real HTTP to the simulator on loopback.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session
from tests.outbox.helpers import Agency, make_agency, make_message
from tests.platforms.live_simulator import LiveSimulator, live_simulator

from huntaze.config import get_settings
from huntaze.core.tasks import huey
from huntaze.outbox import sender
from huntaze.outbox.health import sending_status
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.repository import circuits
from huntaze.outbox.service import outbox
from huntaze.outbox.states import State


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSimulator]:
    with live_simulator(tmp_path_factory.mktemp("sim-outbox")) as running:
        yield running


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("HUNTAZE_OUTBOX_BACKOFF_BASE_S", "0.1")
    monkeypatch.setenv("HUNTAZE_OUTBOX_CIRCUIT_FAILURES", "3")
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


def send(session: Session, agency: Agency, **kwargs: object) -> OutboundMessage:
    message = make_message(session, agency, approve=True, queue=True, **kwargs)  # type: ignore[arg-type]
    assert message.state == State.QUEUED
    session.commit()  # the send task runs after commit
    session.refresh(message)
    return message


def test_sends_a_text_and_a_ppv(session: Session, sim: LiveSimulator, agency: Agency) -> None:
    fan_id = sim.active_fan_id(index=0)
    text = send(session, agency, fan_id=fan_id, text="Thank you for joining!")
    ppv = send(session, agency, fan_id=fan_id, text="Something special", price_cents=1500)
    for message in (text, ppv):
        assert message.state == State.SENT, message.last_error
        assert message.platform_message_id and message.sent_at
        assert sim.deliveries(nonce=message.nonce) == 1
    session.refresh(agency.account)
    assert agency.account.link_state == "linked"


def test_a_second_wake_up_sends_nothing(
    session: Session, sim: LiveSimulator, agency: Agency
) -> None:
    message = send(session, agency, fan_id=sim.active_fan_id(index=1))
    sender.deliver(message.id)
    assert sim.deliveries(nonce=message.nonce) == 1


def test_rate_limit_is_honoured_then_sent(
    session: Session, sim: LiveSimulator, agency: Agency
) -> None:
    sim.fault("rate_limit", params={"retry_after_s": 1}, count=1)
    message = send(session, agency, fan_id=sim.active_fan_id(index=2))
    assert message.state == State.SENT, message.last_error
    assert message.attempts == 2
    assert sim.deliveries(nonce=message.nonce) == 1


def test_server_errors_are_retried(session: Session, sim: LiveSimulator, agency: Agency) -> None:
    sim.fault("error_rate", params={"rate": 1, "status": 503}, count=2)
    message = send(session, agency, fan_id=sim.active_fan_id(index=3))
    assert message.state == State.SENT, message.last_error
    assert message.attempts == 3
    assert sim.deliveries(nonce=message.nonce) == 1


def test_expired_session_logs_in_again(
    session: Session, sim: LiveSimulator, agency: Agency
) -> None:
    sim.fault("session_expiry", params={"after_requests": 0})
    message = send(session, agency, fan_id=sim.active_fan_id(index=4))
    assert message.state == State.SENT, message.last_error
    assert sim.deliveries(nonce=message.nonce) == 1


def test_lost_response_ends_with_exactly_one_delivery(
    session: Session, sim: LiveSimulator, agency: Agency
) -> None:
    sim.fault("lost_response", count=1)
    message = send(session, agency, fan_id=sim.active_fan_id(index=5), text="Only once, please")
    assert message.state == State.SENT, message.last_error
    assert message.attempts == 2
    assert sim.deliveries(nonce=message.nonce) == 1
    delivered = sim.admin("GET", "/accounts/creator1/deliveries", params={"nonce": message.nonce})
    assert message.platform_message_id == str(delivered["messages"][0]["id"])


def test_wrong_credentials_wait_and_show_on_the_account(
    session: Session, sim: LiveSimulator
) -> None:
    agency = make_agency(session, base_url=sim.url, secret=sim.secret_json(password="nope"))
    message = send(session, agency, fan_id=sim.active_fan_id(index=6))
    assert message.state == State.QUEUED
    assert message.next_attempt_at is not None
    session.refresh(agency.account)
    assert agency.account.link_state == "needs_attention"
    assert "refused the login" in (agency.account.last_error or "")
    assert sim.deliveries(nonce=message.nonce) == 0


def test_unreachable_platform_opens_the_circuit_and_keeps_the_message(
    session: Session, sim: LiveSimulator
) -> None:
    from tests.live_server import free_port

    agency = make_agency(
        session, base_url=f"http://127.0.0.1:{free_port()}", secret=sim.secret_json()
    )
    message = send(session, agency, fan_id="1")
    assert message.state == State.QUEUED
    # Three failures in a row open the circuit; the next try does not reach the platform.
    assert message.attempts == 4
    assert "circuit open" in (message.last_error or "")
    # Its next try is on the queue's schedule for when the circuit lets it through, not left
    # for a sweep to find overdue.
    assert message.next_attempt_at is not None
    etas = [t.eta for t in huey().scheduled() if t.args == (message.id,)]
    assert len(etas) == 1
    retry_at = message.next_attempt_at.replace(tzinfo=None)
    assert abs((etas[0] - retry_at).total_seconds()) < 2
    session.refresh(agency.account)
    assert agency.account.link_state == "error"
    assert "unreachable" in (agency.account.last_error or "")
    outbox.cancel(session, agency.owner.actor, message.id)
    assert message.state == State.CANCELLED


def test_backoff_honours_retry_after_and_grows() -> None:
    assert sender.backoff_delay(1, base_s=2, cap_s=900, rng=lambda: 1.0) == 2
    assert sender.backoff_delay(4, base_s=2, cap_s=900, rng=lambda: 0.0) == 8
    assert sender.backoff_delay(30, base_s=2, cap_s=900, rng=lambda: 1.0) == 900
    assert sender.backoff_delay(1, base_s=2, cap_s=900, retry_after_s=30, rng=lambda: 1.0) == 30


def test_an_unlucky_message_on_a_healthy_account_retries_soon(
    session: Session, sim: LiveSimulator, agency: Agency, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight earlier tries do not make the ninth wait minutes when the platform otherwise
    answers: a message's own delay grows a third as fast as its attempts (the circuit breaker
    answers the platform's trouble)."""
    monkeypatch.setenv("HUNTAZE_OUTBOX_INLINE_RETRY_MAX_S", "0")
    get_settings.cache_clear()
    message = make_message(session, agency, fan_id=sim.active_fan_id(index=6), approve=True)
    message.attempts = 8
    session.commit()
    sim.fault("error_rate", params={"rate": 1, "status": 503}, count=1)
    outbox.queue(session, agency.chatter.actor, message.id)
    session.commit()
    session.refresh(message)
    assert message.state == State.QUEUED and message.attempts == 9
    assert message.next_attempt_at is not None
    waited = (message.next_attempt_at - message.updated_at).total_seconds()
    # base 0.1 s; exponent 9 // 3 = 3: at most 0.1 * 2 ** 2
    assert waited <= 0.4 + 0.01, waited


def test_our_own_pacing_sends_the_extra_message_back_to_queued(
    session: Session, sim: LiveSimulator, agency: Agency, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUNTAZE_PLATFORM_SEND_LIMITS", '{"message": {"per_minute": 1, "burst": 1}}')
    get_settings.cache_clear()
    sender.reset_platform_rate_limiter()
    first = send(session, agency, fan_id=sim.active_fan_id(index=7), text="First of two")
    second = send(session, agency, fan_id=sim.active_fan_id(index=8), text="Second of two")
    assert first.state == State.SENT, first.last_error
    assert second.state == State.QUEUED
    assert "pacing of this account" in (second.last_error or "")
    assert second.next_attempt_at is not None and second.next_attempt_at > first.sent_at  # type: ignore[operator]
    assert sim.deliveries(nonce=second.nonce) == 0
    assert second.send_started_at is None  # nothing reached the platform: no look-up needed


def test_a_lost_response_found_delivered_counts_as_success_for_the_circuit(
    session: Session, sim: LiveSimulator, agency: Agency
) -> None:
    # Two failures in a row already: one more sign of trouble would open the circuit (3).
    circuits.get_or_add(session, agency.account.id).failures = 2
    sim.fault("lost_response", count=1)  # stored by the platform, its answer lost
    message = send(session, agency, fan_id=sim.active_fan_id(index=9), text="Was it sent?")
    assert message.state == State.SENT, message.last_error
    assert message.attempts == 2  # the second try looked, found it, and did not send again
    assert sim.deliveries(nonce=message.nonce) == 1
    status = sending_status(session, [(agency.account.id, agency.account.platform)])
    assert status[agency.account.id].circuit.state == "closed"
    assert status[agency.account.id].circuit.failures == 0
