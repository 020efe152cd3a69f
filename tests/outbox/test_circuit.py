"""The circuit breaker of a platform account (DESIGN.md §6 "Send"): opens on trouble only,
half-open lets exactly one probe through, and its state shows on the account."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import api_headers, log_in
from tests.outbox.helpers import Agency, make_agency

from huntaze.core.db import utcnow
from huntaze.outbox import circuit
from huntaze.outbox.circuit import Outcome
from huntaze.outbox.health import sending_status

THRESHOLD, OPEN_S, PROBE_S = 3, 60.0, 30.0


def _record(
    session: Session, agency: Agency, outcome: Outcome, at: dt.datetime, *, probe: bool = False
) -> bool:
    return circuit.record(
        session,
        agency.account.id,
        outcome,
        now=at,
        probe=probe,
        reason="The platform had an internal error.",
        threshold=THRESHOLD,
        open_s=OPEN_S,
    )


def _state(session: Session, agency: Agency) -> str:
    return sending_status(session, [(agency.account.id, "simulator")])[
        agency.account.id
    ].circuit.state


def test_trouble_in_a_row_opens_and_an_answer_starts_the_count_again(session: Session) -> None:
    agency = make_agency(session)
    now = utcnow()
    assert not _record(session, agency, Outcome.TROUBLE, now)
    assert not _record(session, agency, Outcome.TROUBLE, now)
    _record(session, agency, Outcome.ANSWERED, now)  # e.g. a lost response found delivered
    assert not _record(session, agency, Outcome.TROUBLE, now)
    assert not _record(session, agency, Outcome.NEUTRAL, now)  # an unknown outcome counts nothing
    assert not _record(session, agency, Outcome.TROUBLE, now)
    assert _state(session, agency) == "closed"
    assert _record(session, agency, Outcome.TROUBLE, now)
    status = sending_status(session, [(agency.account.id, "simulator")])[agency.account.id]
    assert status.circuit.state == "open"
    assert status.circuit.since == now
    assert status.circuit.reason == "The platform had an internal error."
    denied = circuit.admit(
        session, agency.account.id, now=now + dt.timedelta(seconds=10), probe_s=PROBE_S
    )
    assert not denied.allowed and denied.wait_s == OPEN_S - 10


def _open(session: Session, agency: Agency, at: dt.datetime) -> dt.datetime:
    for _ in range(THRESHOLD):
        _record(session, agency, Outcome.TROUBLE, at)
    return at + dt.timedelta(seconds=OPEN_S + 1)


def test_half_open_lets_exactly_one_probe_through(session: Session) -> None:
    agency = make_agency(session)
    later = _open(session, agency, utcnow())
    first = circuit.admit(session, agency.account.id, now=later, probe_s=PROBE_S)
    second = circuit.admit(session, agency.account.id, now=later, probe_s=PROBE_S)
    assert first.allowed and first.probe
    assert not second.allowed and "half-open" in (second.reason or "")
    assert _state(session, agency) == "half_open"
    # The probe fails: open again, for the full time.
    assert _record(session, agency, Outcome.TROUBLE, later, probe=True)
    assert _state(session, agency) == "open"
    assert not circuit.admit(session, agency.account.id, now=later, probe_s=PROBE_S).allowed
    # The next probe gets an answer: closed, and everything flows.
    again = later + dt.timedelta(seconds=OPEN_S + 1)
    assert circuit.admit(session, agency.account.id, now=again, probe_s=PROBE_S).probe
    _record(session, agency, Outcome.ANSWERED, again, probe=True)
    assert _state(session, agency) == "closed"
    assert circuit.admit(session, agency.account.id, now=again, probe_s=PROBE_S).allowed


def test_a_dead_probe_lets_another_probe_once_its_lease_lapses(session: Session) -> None:
    agency = make_agency(session)
    later = _open(session, agency, utcnow())
    assert circuit.admit(session, agency.account.id, now=later, probe_s=PROBE_S).probe
    # Its worker died: nobody records an outcome. Within the lease, others still wait...
    soon = later + dt.timedelta(seconds=PROBE_S - 1)
    assert not circuit.admit(session, agency.account.id, now=soon, probe_s=PROBE_S).allowed
    # ...and once it lapsed, one other send becomes the probe.
    lapsed = later + dt.timedelta(seconds=PROBE_S + 1)
    assert circuit.admit(session, agency.account.id, now=lapsed, probe_s=PROBE_S).probe
    # A probe that learns nothing (unknown outcome) hands the probe on at once.
    _record(session, agency, Outcome.NEUTRAL, lapsed, probe=True)
    assert circuit.admit(session, agency.account.id, now=lapsed, probe_s=PROBE_S).probe


def test_the_circuit_and_pacing_show_on_the_account(session: Session, client: TestClient) -> None:
    agency = make_agency(session)
    _open(session, agency, utcnow())
    headers = api_headers(client, session, agency.owner)
    response = client.get(
        f"/api/v1/creators/{agency.account.creator_id}/platform-accounts", headers=headers
    )
    assert response.status_code == 200
    sending = response.json()[0]["sending"]
    assert sending["circuit"]["state"] == "open"
    assert sending["circuit"]["reason"] == "The platform had an internal error."
    assert sending["limits"]["message"]["description"] == "30 a minute, bursts of 10"
    assert set(sending["limits"]) == {"message", "ppv", "mass_message", "post"}


def test_the_creator_page_shows_the_circuit_and_pacing_of_each_account(
    session: Session, client: TestClient
) -> None:
    agency = make_agency(session)
    _open(session, agency, utcnow())
    log_in(client, session, agency.owner)
    page = client.get(f"/creators/{agency.account.creator_id}")
    assert page.status_code == 200
    assert "circuit open" in page.text
    assert "The platform had an internal error." in page.text
    assert "message: 30 a minute, bursts of 10" in page.text
    assert "mass message: 6 an hour, bursts of 2" in page.text
