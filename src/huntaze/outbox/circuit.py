"""The circuit breaker of a platform account (DESIGN.md §6 "Send").

It opens on platform trouble, never on outcomes that were resolved:

- **trouble**: a 5xx, a refused or broken connection, a timeout, an unexpected connector error.
  ``outbox_circuit_failures`` of them in a row open the circuit for ``outbox_circuit_open_s``.
- **the platform answered**: a delivery (also one that look-before-resend found after a lost
  response), a refusal, a 429. The count starts again and the circuit closes.
- **neutral**: an unknown outcome (a lost response: the next try looks for the message, and
  what it finds decides), a login that needs a person (shown as the account's link state).

When the open time has run out the circuit is ``half_open``: exactly one send, the probe, is let
through; it holds ``probe_until`` (a lease, in case its worker dies) and its outcome closes the
circuit or opens it again. Every other send waits meanwhile. Changes are compare-and-set
updates, so two workers never both take the probe.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from huntaze.outbox.models import OutboxCircuit
from huntaze.outbox.repository import circuits

PROBE_BUSY_WAIT_S = 1.0


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class Outcome(StrEnum):
    """What one send told us about the platform."""

    ANSWERED = "answered"
    TROUBLE = "trouble"
    NEUTRAL = "neutral"


@dataclass(frozen=True, slots=True)
class Admission:
    """Whether a send may go ahead now; if not, how long to wait. ``probe``: it is the one
    send of a half-open circuit."""

    allowed: bool
    wait_s: float = 0.0
    probe: bool = False
    reason: str | None = None


def admit(session: Session, account_id: str, *, now: dt.datetime, probe_s: float) -> Admission:
    """Let a send through a closed circuit, or as the single probe of a half-open one."""
    circuit = circuits.get(session, account_id)
    if circuit is None or circuit.state == CircuitState.CLOSED:
        return Admission(allowed=True)
    if circuit.state == CircuitState.OPEN and circuit.open_until and circuit.open_until > now:
        wait = (circuit.open_until - now).total_seconds()
        return Admission(allowed=False, wait_s=wait, reason=f"circuit open: {circuit.reason}")
    # Open and its time is up, or half-open with no live probe: try to become the probe.
    won = session.execute(
        update(OutboxCircuit)
        .where(
            OutboxCircuit.platform_account_id == account_id,
            or_(
                (OutboxCircuit.state == CircuitState.OPEN.value)
                & (OutboxCircuit.open_until <= now),
                (OutboxCircuit.state == CircuitState.HALF_OPEN.value)
                & (OutboxCircuit.probe_until.is_(None) | (OutboxCircuit.probe_until < now)),
            ),
        )
        .values(
            state=CircuitState.HALF_OPEN.value,
            since=now,
            probe_until=now + dt.timedelta(seconds=probe_s),
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.expire_all()
    if won == 1:
        return Admission(allowed=True, probe=True)
    return Admission(
        allowed=False,
        wait_s=PROBE_BUSY_WAIT_S,
        reason="circuit half-open: one trial send is checking the platform",
    )


def record(
    session: Session,
    account_id: str,
    outcome: Outcome,
    *,
    now: dt.datetime,
    probe: bool,
    reason: str,
    threshold: int,
    open_s: float,
) -> bool:
    """Count one send's outcome; whether this opened (or reopened) the circuit."""
    if outcome == Outcome.NEUTRAL:
        if probe:  # the trial told nothing: let the next send be the probe
            circuit = circuits.get(session, account_id)
            if circuit is not None and circuit.state == CircuitState.HALF_OPEN:
                circuit.probe_until = None
        return False
    if outcome == Outcome.ANSWERED:
        circuit = circuits.get(session, account_id)
        if circuit is not None and (circuit.failures or circuit.state != CircuitState.CLOSED):
            if circuit.state != CircuitState.CLOSED:
                circuit.since, circuit.reason = now, "the platform answered again"
            circuit.state, circuit.failures = CircuitState.CLOSED.value, 0
            circuit.open_until = circuit.probe_until = None
        return False
    circuit = circuits.get_or_add(session, account_id)
    circuit.failures = (circuit.failures or 0) + 1
    if circuit.state == CircuitState.OPEN:
        return False  # a send admitted before it opened; the open time stands
    if probe or circuit.state == CircuitState.HALF_OPEN or circuit.failures >= threshold:
        circuit.state = CircuitState.OPEN.value
        circuit.since, circuit.reason = now, reason
        circuit.open_until = now + dt.timedelta(seconds=open_s)
        circuit.probe_until = None
        return True
    return False


def close(session: Session, account_id: str, *, now: dt.datetime, reason: str) -> None:
    """Close the circuit by hand (a person fixed the account and asked to retry now)."""
    circuit = circuits.get(session, account_id)
    if circuit is not None and (circuit.failures or circuit.state != CircuitState.CLOSED):
        circuit.state, circuit.failures, circuit.since, circuit.reason = "closed", 0, now, reason
        circuit.open_until = circuit.probe_until = None
