"""A worker killed with SIGKILL mid-send (DESIGN.md §6 "Send"): the message the platform already
stored ends with exactly one delivery, and the account it held is free again within seconds.

Two worker processes run, as in a fleet. One claims a message and holds the account's lock while
the platform is slow; it is killed after the request reached the platform, and the platform then
stores the message (the first copy lands). The other worker must (1) send the
account's next message within 15 s of the kill (the lock and the claim are leases that lapsed,
not fixed expiries of minutes), and (2) recover the killed worker's row once its lease lapsed,
find the copy on the platform, and record it without sending again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.outbox.fleet import (
    FLEET_BACKENDS,
    agency_with_accounts,
    busy_sending,
    fleet_for,
    queue_messages,
    wait_for,
    warm_up,
)
from tests.platforms.live_simulator import LiveSimulator, live_simulator

from huntaze.outbox.states import State

NEXT_SEND_WITHIN_S = 15


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[LiveSimulator]:
    with live_simulator(tmp_path) as running:
        yield running


def _requests_delayed(sim: LiveSimulator) -> int:
    return sum(f["fired"] for f in sim.admin("GET", "/accounts/creator1/faults")["items"])


@pytest.mark.slow
@pytest.mark.parametrize("backend", FLEET_BACKENDS)
def test_killed_lock_holder_frees_the_account_and_its_stored_send_lands_once(
    backend: str, tmp_path: Path, sim: LiveSimulator
) -> None:
    with fleet_for(backend, tmp_path) as fleet:
        [agency] = agency_with_accounts(fleet, sim, ["creator1"])
        workers = [fleet.start_worker(threads=2), fleet.start_worker(threads=2, periodic=True)]
        for worker in workers:
            fleet.wait_ready(worker)
        warm_up(fleet, agency, sim, workers)
        sim.fault("latency", params={"ms": 3000})  # the platform is slow: the send is in flight
        [(first_id, first_nonce)] = queue_messages(
            fleet, agency, [sim.active_fan_id(index=0)], 1, label="first"
        )
        wait_for(lambda: fleet.states([first_id])[first_id] == State.SENDING, "the claim")
        # The workers are logged in since the warm-up: the one request is the message itself.
        wait_for(lambda: _requests_delayed(sim) >= 1, "the send request to reach the platform")
        holder = next(w for w in workers if busy_sending(fleet.log_of(w)))
        fleet.kill(holder)  # it holds the account's lock and the row's claim
        killed_at = time.monotonic()
        sim.clear_faults()
        wait_for(lambda: sim.deliveries(nonce=first_nonce) == 1, "the first copy to land")

        [(next_id, next_nonce)] = queue_messages(
            fleet, agency, [sim.active_fan_id(index=1)], 1, label="next"
        )
        wait_for(
            lambda: sim.deliveries(nonce=next_nonce) == 1,
            f"the account's next send within {NEXT_SEND_WITHIN_S} s of the kill",
            timeout_s=NEXT_SEND_WITHIN_S - (time.monotonic() - killed_at),
        )
        wait_for(lambda: fleet.states([first_id])[first_id] == State.SENT, "the recovery")
        first = fleet.rows([first_id])[first_id]
        delivered = sim.admin("GET", "/accounts/creator1/deliveries", params={"nonce": first_nonce})
        assert first.attempts == 2  # the killed worker's claim, then the recovery's
        assert sim.deliveries(nonce=first_nonce) == 1  # exactly once: not sent again
        assert first.platform_message_id == str(delivered["messages"][0]["id"])
        assert fleet.states([next_id])[next_id] == State.SENT
