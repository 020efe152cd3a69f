"""The routing decision: ``next chat`` for a chatter, p50/p95, beside a plain indexed query.

Run with ``.venv/bin/python -m bench.routing`` (``--chatters 200 --waiting 20000``;
``--postgresql URL`` adds a PostgreSQL run, e.g. the test database). One agency with 20
creators, 200 chatters clocked in on one running shift that covers them all (capacity 50 each)
and 20,000 conversations waiting (unread fan messages over the last two hours, spend and unread
counts varied). Each decision is the real path (``routing.next_chat``: requeue of silent chats,
shift and capacity checks, the queue's weighted ORDER BY, the claiming insert) in its own
transaction, for a random chatter. The baseline, in the same run on the same table, is a plain
``SELECT id FROM fan WHERE organization_id = … ORDER BY last_message_at LIMIT 1`` served by the
``(organization_id, last_message_at)`` index. A last pass runs 8 threads of decisions at once
and checks that no conversation was handed out twice. Results go to the ``routing`` section of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

from rich.console import Console
from sqlalchemy import func, insert, select
from sqlalchemy.exc import OperationalError

from bench.report import write_section
from huntaze.accounts.actor import Actor
from huntaze.accounts.models import Membership, Organization, User
from huntaze.accounts.permissions import Role
from huntaze.core import migrations
from huntaze.core.db import Database, new_id, utcnow
from huntaze.core.tenancy import in_organization, trusted_org_id
from huntaze.creators.models import Creator, PlatformAccount
from huntaze.fans.models import Fan
from huntaze.team.models import (
    ChatAssignment,
    ChatterProfile,
    Shift,
    ShiftChatter,
    ShiftCreator,
    TimeEntry,
)
from huntaze.team.routing import routing

CREATORS = 20
DECISIONS = 400
THREADS = 8


def _world(database: Database, chatters: int, waiting: int) -> list[Actor]:
    rng = random.Random(7)
    now = utcnow()
    start = now - dt.timedelta(hours=1)
    with database.session_scope() as session:
        org = Organization(id=new_id(), name="Bench agency")
        session.add(org)
        session.flush()
        accounts = []
        for n in range(CREATORS):
            creator = Creator(id=new_id(), organization_id=org.id, display_name=f"Creator {n}")
            session.add(creator)
            session.flush()
            account = PlatformAccount(
                id=new_id(),
                organization_id=org.id,
                creator_id=creator.id,
                platform="simulator",
                handle=f"bench{n}",
            )
            session.add(account)
            accounts.append(account)
        shift = Shift(
            id=new_id(),
            organization_id=org.id,
            name="Everyone",
            weekdays=[start.weekday()],
            start_time=start.strftime("%H:%M"),
            end_time=(now + dt.timedelta(hours=3)).strftime("%H:%M"),
            time_zone="UTC",
        )
        session.add(shift)
        session.flush()
        session.execute(
            insert(ShiftCreator),
            [
                {"shift_id": shift.id, "creator_id": a.creator_id, "organization_id": org.id}
                for a in accounts
            ],
        )
        actors = []
        for n in range(chatters):
            user = User(
                id=new_id(),
                email=f"c{n}.{org.id}@bench.test",
                name=f"Chatter {n}",
                password_hash="x",
            )
            session.add(user)
            session.flush()
            member = Membership(
                id=new_id(), organization_id=org.id, user_id=user.id, role=Role.CHATTER.value
            )
            session.add(member)
            session.flush()
            session.add(
                ShiftChatter(shift_id=shift.id, membership_id=member.id, organization_id=org.id)
            )
            session.add(
                ChatterProfile(membership_id=member.id, organization_id=org.id, capacity=50)
            )
            session.add(
                TimeEntry(
                    id=new_id(),
                    organization_id=org.id,
                    membership_id=member.id,
                    clocked_in_at=now,
                    last_seen_at=now,
                )
            )
            actors.append(
                Actor(
                    org=trusted_org_id(org.id), role=Role.CHATTER, label=user.email, user_id=user.id
                )
            )
        rows = []
        for n in range(waiting):
            account = accounts[n % CREATORS]
            inbound = now - dt.timedelta(seconds=rng.randint(1, 7200))
            rows.append(
                {
                    "id": new_id(),
                    "organization_id": org.id,
                    "creator_id": account.creator_id,
                    "platform_account_id": account.id,
                    "platform_fan_id": str(n),
                    "username": f"fan{n}",
                    "display_name": "",
                    "status": "active",
                    "platform_spent_cents": 0,
                    "spend_is_net": False,
                    "spent_subscription_cents": rng.choice([0, 999, 1999]),
                    "spent_tip_cents": rng.choice([0, 0, 500, 5000]),
                    "spent_ppv_cents": rng.choice([0, 0, 0, 1500, 30000]),
                    "spent_message_cents": 0,
                    "spent_other_cents": 0,
                    "last_message_at": inbound,
                    "last_inbound_at": inbound,
                    "unread_count": rng.randint(1, 6),
                    "opted_out": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        for i in range(0, len(rows), 2000):
            session.execute(insert(Fan), rows[i : i + 2000])
    return actors


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return statistics.median(ordered) * 1000, p95 * 1000


def measure(url: str, chatters: int, waiting: int, console: Console) -> dict[str, float]:
    """Decision and baseline latencies (ms) on one database, and the concurrent check."""
    database = Database(url)
    migrations.upgrade(database.engine)
    actors = _world(database, chatters, waiting)
    org = actors[0].org
    rng = random.Random(11)
    baseline: list[float] = []
    plain = in_organization(select(Fan.id), org, Fan).order_by(Fan.last_message_at).limit(1)
    for _ in range(DECISIONS):
        with database.session_scope() as session:
            started = time.perf_counter()
            session.execute(plain).scalar_one()
            baseline.append(time.perf_counter() - started)
    decisions: list[float] = []
    assigned = 0
    for _ in range(DECISIONS):
        actor = rng.choice(actors)
        with database.session_scope() as session:
            started = time.perf_counter()
            found = routing.next_chat(session, actor)
            decisions.append(time.perf_counter() - started)
            assigned += found.fan_id is not None
    handed: list[str] = []
    lock = threading.Lock()

    refused: list[str] = []

    def worker(seed: int) -> None:
        local = random.Random(seed)
        for _ in range(DECISIONS // THREADS):
            try:
                with database.session_scope() as session:
                    found = routing.next_chat(session, local.choice(actors))
            except OperationalError as exc:  # SQLite: the write lock was not free in time
                with lock:
                    refused.append(type(exc.orig).__name__)
                continue
            if found.fan_id is not None:
                with lock:
                    handed.append(found.fan_id)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    concurrent_s = time.perf_counter() - started
    with database.session_scope() as session:
        held = session.scalar(
            in_organization(select(func.count()).select_from(ChatAssignment), org, ChatAssignment)
        )
    database.dispose()
    d50, d95 = _percentiles(decisions)
    b50, b95 = _percentiles(baseline)
    console.print(f"{url.split(':')[0]}: assigned {assigned}/{DECISIONS}, concurrent {len(handed)}")
    return {
        "d50": d50,
        "d95": d95,
        "b50": b50,
        "b95": b95,
        "assigned": float(assigned),
        "concurrent": float(len(handed)),
        "distinct": float(len(set(handed))),
        "held": float(held or 0),
        "rate": len(handed) / concurrent_s,
        "refused": float(len(refused)),
    }


def main(argv: list[str] | None = None) -> None:
    """Measure, print and record the results."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--chatters", type=int, default=200)
    parser.add_argument("--waiting", type=int, default=20_000)
    parser.add_argument("--postgresql", default=os.environ.get("HUNTAZE_TEST_DATABASE_URL", ""))
    args = parser.parse_args(argv if argv is not None else [])
    console = Console()
    load_before = os.getloadavg()[0]
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = measure(
            f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.chatters, args.waiting, console
        )
    if args.postgresql:
        results["PostgreSQL"] = measure(args.postgresql, args.chatters, args.waiting, console)
    rows = "".join(
        f"| {name} | {r['d50']:.2f} | {r['d95']:.2f} | {r['b50']:.2f} | {r['b95']:.2f} | "
        f"{r['concurrent']:.0f} handed, {r['distinct']:.0f} distinct, {r['rate']:.0f}/s, "
        f"{r['refused']:.0f} lock timeouts |\n"
        for name, r in results.items()
    )
    body = (
        f"{args.chatters} chatters clocked in on one running shift over {CREATORS} creators, "
        f"{args.waiting:,} conversations waiting; {DECISIONS} decisions one after another, each "
        "in its own transaction (`routing.next_chat`: silent chats requeued, clock, capacity and "
        "shift checks, the weighted queue ORDER BY, the claiming insert). Baseline, same run: "
        "`SELECT id FROM fan WHERE organization_id = … ORDER BY last_message_at LIMIT 1` on the "
        f"same table (indexed). Then {THREADS} threads decide at once: every conversation handed "
        "out must be distinct.\n\n"
        "| database | decision p50 ms | decision p95 ms | baseline p50 ms | baseline p95 ms | "
        f"{THREADS} threads |\n"
        "|---|---:|---:|---:|---:|---|\n"
        f"{rows}\nThe queue's order (waiting time × value) changes with the clock, so no index "
        "serves it: the decision sorts the waiting conversations of the chatter's creators.\n\n"
        f"Load average (1 min) at the start and end of the run: {load_before:.1f} and "
        f"{os.getloadavg()[0]:.1f}; figures taken on a busier machine than its cores vary widely."
    )
    console.print(body)
    console.print(f"written to {write_section('routing', 'Routing: next chat', body)}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
