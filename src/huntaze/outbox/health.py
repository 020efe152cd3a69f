"""How sends to a platform account are going, for people (DESIGN.md §6 "Send").

The account's circuit breaker (state, since when, why) and the pacing of each kind of action,
read in one query for a list of accounts. The creators' API and pages show it on each account.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from huntaze.config import get_settings
from huntaze.outbox.models import OutboxCircuit
from huntaze.outbox.schemas import CircuitOut, SendingOut, SendLimitOut
from huntaze.platforms.limits import send_limits

CLOSED = CircuitOut(state="closed", since=None, reason=None, failures=0, open_until=None)


def sending_status(session: Session, accounts: Iterable[tuple[str, str]]) -> dict[str, SendingOut]:
    """The sending status of each ``(account id, platform)``, by account id (one query)."""
    pairs = list(accounts)
    ids = [account_id for account_id, _platform in pairs]
    found = (
        {
            c.platform_account_id: c
            for c in session.scalars(
                select(OutboxCircuit).where(OutboxCircuit.platform_account_id.in_(ids))
            )
        }
        if ids
        else {}
    )
    overrides = get_settings().platform_send_limits
    status: dict[str, SendingOut] = {}
    for account_id, platform in pairs:
        circuit = found.get(account_id)
        limits = send_limits(platform, overrides)
        status[account_id] = SendingOut(
            circuit=CLOSED
            if circuit is None
            else CircuitOut.model_validate(
                {
                    "state": circuit.state or "closed",
                    "since": circuit.since,
                    "reason": circuit.reason,
                    "failures": circuit.failures,
                    "open_until": circuit.open_until,
                }
            ),
            limits={
                kind: SendLimitOut(
                    per_minute=limit.per_minute, burst=limit.burst, description=limit.describe()
                )
                for kind, limit in limits.items()
            },
        )
    return status
