"""Analytics: a creator's 90-day dashboard over 1 million events, beside a plain indexed aggregate
of the same rows; event ingest beside a bulk insert.

Run with ``.venv/bin/python -m bench.analytics`` (``--events N``, 1,000,000 by default;
``--postgresql URL`` adds a PostgreSQL run, e.g. the test database). One creator gets ``N``
events over 90 days (messages, purchases of every type, subscriptions, expiries) from 20,000
fans. The dashboard is the real path (:meth:`AnalyticsService.creator_dashboard`: the period,
the previous period and the one before for the anomaly baseline, from the rollups; distinct
spenders and top fans from the spend per fan and month, and per fan and day at the ragged ends
of a period; the fans' names). Distinct spenders and top fans are also timed alone, from the
months as the dashboard reads them and from the days alone as it read them before. The
baseline is one plain aggregate over the raw events of the 90 days, on the index by creator and
time (revenue per day and type, distinct spenders) — what a dashboard without rollups would run
at least.
Ingest: :func:`record_events` (the domains' path, skipping duplicates) in batches of 1,000,
beside one SQLAlchemy Core insert per batch of the same rows. Results go to the ``analytics``
section of docs/benchmarks.md (issue target: dashboard under 200 ms on PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy import func, insert, select, text

from bench.report import write_section
from huntaze.accounts.actor import Actor
from huntaze.accounts.models import Organization
from huntaze.accounts.permissions import Role
from huntaze.analytics import kpis, rollups
from huntaze.analytics.events import EventIn, record_events
from huntaze.analytics.kpis import Period
from huntaze.analytics.models import DomainEvent, FanDay
from huntaze.analytics.service import analytics
from huntaze.core import migrations
from huntaze.core.db import Database, new_id, utcnow
from huntaze.core.tenancy import trusted_org_id
from huntaze.creators.models import Creator

DAYS = 90
FANS = 20_000
BATCH = 1_000
SAMPLE = 100_000
END = dt.date(2026, 3, 31)
KINDS = (
    ("message.received", 35),
    ("message.sent", 30),
    ("purchase.made", 30),
    ("fan.subscribed", 3),
    ("fan.expired", 2),
)
PURCHASES = (("subscription", 1200), ("tip", 2000), ("ppv", 900), ("message", 500), ("post", 700))


def _events(creator_id: str, count: int, *, prefix: str, seed: int) -> list[EventIn]:
    rng = random.Random(seed)
    start = dt.datetime.combine(END - dt.timedelta(days=DAYS - 1), dt.time(), tzinfo=dt.UTC)
    kinds = [k for k, weight in KINDS for _ in range(weight)]
    events = []
    for n in range(count):
        kind = rng.choice(kinds)
        at = start + dt.timedelta(seconds=rng.randrange(DAYS * 86_400))
        fan = f"fan{rng.randrange(FANS):05d}"
        payload: dict[str, Any] = {}
        amount = None
        if kind == "purchase.made":
            ptype, amount = rng.choice(PURCHASES)
            payload = {"kind": ptype}
        elif kind == "message.sent":
            payload = {"price_cents": rng.choice((0, 0, 0, 900, 1500))}
        events.append(
            EventIn(
                kind,
                f"{prefix}:{n}",
                at,
                creator_id=creator_id,
                fan_id=fan,
                amount_cents=amount,
                payload=payload,
            )
        )
    return events


def _rows(org: str, events: list[EventIn]) -> list[dict[str, Any]]:
    now = utcnow()
    return [
        {
            "id": new_id(),
            "organization_id": org,
            "kind": e.kind,
            "dedupe_key": e.dedupe_key,
            "occurred_at": e.occurred_at,
            "recorded_at": now,
            "creator_id": e.creator_id,
            "platform_account_id": None,
            "fan_id": e.fan_id,
            "amount_cents": e.amount_cents,
            "payload": e.payload,
        }
        for e in events
    ]


def _world(database: Database) -> tuple[Actor, Creator]:
    with database.session_scope() as session:
        org = Organization(id=new_id(), name="Bench agency")
        session.add(org)
        session.flush()
        creator = Creator(id=new_id(), organization_id=org.id, display_name="Bench")
        session.add(creator)
        session.flush()
        session.expunge(creator)
        actor = Actor(org=trusted_org_id(org.id), role=Role.OWNER, label="bench")
        return actor, creator


def _timed(fn: Any, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _existing_world(database: Database) -> tuple[Actor, Creator]:
    with database.session_scope() as session:
        creator = session.scalars(select(Creator).where(Creator.display_name == "Bench")).one()
        session.expunge(creator)
        org = trusted_org_id(creator.organization_id)
        return Actor(org=org, role=Role.OWNER, label="bench"), creator


def measure(
    url: str, count: int, console: Console, *, reuse: bool = False, rates_url: str = ""
) -> dict[str, float]:
    """Ingest and bulk rates (events/s), rollup build (s), dashboard and baseline (ms).

    With ``reuse``, the database already holds the events of an earlier run: the rates are
    measured on a fresh database (``rates_url``, a file beside a SQLite one by default), the
    rest on the events there (the rollups rebuilt from scratch)."""
    if reuse:
        fresh = rates_url or url.rsplit("/", 1)[0] + "/rates.sqlite3"
        rates = measure_rates(fresh, min(SAMPLE, count), console)
        database = Database(url)
        migrations.upgrade(database.engine)
        actor, creator = _existing_world(database)
        return rates | measure_dashboard(database, actor, creator, console)
    database = Database(url)
    migrations.upgrade(database.engine)
    actor, creator = _world(database)
    rates = _rates(database, actor, creator, min(SAMPLE, count), console)
    _load(database, actor, creator, count - 2 * min(SAMPLE, count), console)
    return rates | measure_dashboard(database, actor, creator, console)


def measure_rates(url: str, sample: int, console: Console) -> dict[str, float]:
    """Ingest and bulk insert rates on a fresh database."""
    database = Database(url)
    migrations.upgrade(database.engine)
    actor, creator = _world(database)
    rates = _rates(database, actor, creator, sample, console)
    database.dispose()
    return rates


def _rates(
    database: Database, actor: Actor, creator: Creator, sample: int, console: Console
) -> dict[str, float]:
    org = actor.org
    console.print(f"  ingest of {sample:,} events through record_events…")
    events = _events(creator.id, sample, prefix="ingest", seed=1)
    started = time.perf_counter()
    for i in range(0, sample, BATCH):
        with database.session_scope() as session:
            record_events(session, org, events[i : i + BATCH])
    ingest = sample / (time.perf_counter() - started)
    console.print(f"  bulk insert of {sample:,} events (baseline)…")
    rows = _rows(org, _events(creator.id, sample, prefix="bulk", seed=2))
    started = time.perf_counter()
    for i in range(0, sample, BATCH):
        with database.session_scope() as session:
            session.execute(insert(DomainEvent), rows[i : i + BATCH])
    bulk = sample / (time.perf_counter() - started)
    return {"ingest": ingest, "bulk": bulk}


def _load(database: Database, actor: Actor, creator: Creator, rest: int, console: Console) -> None:
    org = actor.org
    console.print(f"  loading the other {max(rest, 0):,} events…")
    for i in range(0, max(rest, 0), 50_000):
        chunk = _rows(
            org, _events(creator.id, min(50_000, rest - i), prefix=f"load{i}", seed=i + 3)
        )
        with database.session_scope() as session:
            for j in range(0, len(chunk), BATCH):
                session.execute(insert(DomainEvent), chunk[j : j + BATCH])


def measure_dashboard(
    database: Database, actor: Actor, creator: Creator, console: Console
) -> dict[str, float]:
    """Rollup build from scratch (s), then the dashboard and the plain aggregate (ms)."""
    org = actor.org
    if database.engine.dialect.name == "postgresql":
        with database.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    console.print("  building the rollups…")
    started = time.perf_counter()
    with database.session_scope() as session:
        rollups.rebuild(session, org, zone=rollups.UTC)
    build = time.perf_counter() - started
    if database.engine.dialect.name == "postgresql":
        # The statistics of the rollup tables just filled (autovacuum's analyze, at once).
        with database.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    with database.session_scope(writes=False) as session:
        total = session.scalar(select(func.count()).select_from(DomainEvent))
    period = Period(END - dt.timedelta(days=DAYS - 1), END)

    def dashboard() -> None:
        with database.session_scope(writes=False) as session:
            board = analytics.creator_dashboard(session, actor, creator, period)
            assert board.current.gross_cents > 0

    start_at = dt.datetime.combine(period.start, dt.time(), tzinfo=dt.UTC)
    end_at = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)

    def baseline() -> None:
        day = func.date(DomainEvent.occurred_at)
        with database.session_scope(writes=False) as session:
            session.execute(
                select(day, DomainEvent.kind, func.sum(DomainEvent.amount_cents), func.count())
                .where(
                    DomainEvent.creator_id == creator.id,
                    DomainEvent.occurred_at >= start_at,
                    DomainEvent.occurred_at < end_at,
                )
                .group_by(day, DomainEvent.kind)
            ).all()
            session.scalar(
                select(func.count(func.distinct(DomainEvent.fan_id))).where(
                    DomainEvent.creator_id == creator.id,
                    DomainEvent.kind == "purchase.made",
                    DomainEvent.occurred_at >= start_at,
                    DomainEvent.occurred_at < end_at,
                )
            )

    def spenders_from_months() -> None:
        with database.session_scope(writes=False) as session:
            kpis.spender_count(session, org, rollups.UTC, [creator.id], period)
            kpis.top_fans(session, org, rollups.UTC, creator.id, period)

    def spenders_from_days() -> None:
        mine = (
            FanDay.organization_id == org,
            FanDay.zone == rollups.UTC,
            FanDay.creator_id == creator.id,
            FanDay.day >= period.start,
            FanDay.day <= period.end,
        )
        spent = func.sum(FanDay.spent_cents)
        with database.session_scope(writes=False) as session:
            session.scalar(
                select(func.count(func.distinct(FanDay.fan_id))).where(*mine, FanDay.purchases > 0)
            )
            session.execute(
                select(FanDay.fan_id, spent, func.sum(FanDay.purchases))
                .where(*mine)
                .group_by(FanDay.fan_id)
                .order_by(spent.desc(), FanDay.fan_id)
                .limit(10)
            ).all()

    console.print("  timing the dashboard and the baseline…")
    load_before = os.getloadavg()[0]
    result = {
        "events": float(total or 0),
        "build": build,
        "dashboard": _timed(dashboard),
        "months": _timed(spenders_from_months),
        "days": _timed(spenders_from_days),
        "baseline": _timed(baseline, runs=3),
    }
    result["load"] = (load_before + os.getloadavg()[0]) / 2
    database.dispose()
    return result


def main(argv: list[str] | None = None) -> None:
    """Measure, print and record the results."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--postgresql", default=os.environ.get("HUNTAZE_TEST_DATABASE_URL", ""))
    parser.add_argument("--only", choices=("sqlite", "postgresql"), default=None)
    parser.add_argument("--reuse-sqlite", default="", help="a SQLite file of an earlier run")
    parser.add_argument(
        "--reuse-postgresql",
        default="",
        help="an empty database for the rates: --postgresql holds an earlier run's events",
    )
    parser.add_argument("--json-out", default="", help="write the figures there, not the report")
    parser.add_argument("--combine", nargs="*", default=[], help="report from --json-out files")
    parser.add_argument("--note", default="", help="a sentence added under the table")
    args = parser.parse_args(argv if argv is not None else [])
    console = Console()
    results: dict[str, dict[str, float]] = {}
    for name in args.combine:
        results |= json.loads(Path(name).read_text())
    if not args.combine and args.only != "postgresql":
        console.print("SQLite")
        if args.reuse_sqlite:
            url = f"sqlite:///{args.reuse_sqlite}"
            results["SQLite"] = measure(url, args.events, console, reuse=True)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
                results["SQLite"] = measure(url, args.events, console)
    if not args.combine and args.postgresql and args.only != "sqlite":
        console.print("PostgreSQL")
        results["PostgreSQL"] = measure(
            args.postgresql,
            args.events,
            console,
            reuse=bool(args.reuse_postgresql),
            rates_url=args.reuse_postgresql,
        )
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results))
        return
    rows = "".join(
        f"| {name} | {r['events']:,.0f} | {r['dashboard']:,.1f} | {r['baseline']:,.1f} | "
        f"{r['months']:,.1f} | {r['days']:,.1f} | "
        f"{r['build']:,.1f} | {r['ingest']:,.0f} | {r['bulk']:,.0f} | {r['load']:.1f} |\n"
        for name, r in results.items()
    )
    body = (
        f"One creator, {args.events:,} events over {DAYS} days from {FANS:,} fans. Dashboard = "
        "the creator page's computation (this period, the previous one and the one before for "
        "the anomaly baseline from the daily rollups; distinct spenders and top fans from the "
        "spend per fan and month, and per fan and day at a period's ragged ends; fans' names), "
        "median of 7 runs; baseline = one plain aggregate "
        "of the raw events over the same 90 days on the index by creator and time (revenue per "
        "day and type, distinct spenders), median of 3 runs. Spenders + top fans = the distinct "
        "spenders and the top 10 fans of the 90 days alone, one query each, from the spend per "
        "fan and month (`spender_count` and `top_fans`; the dashboard gets both from one "
        "grouping) and from the spend per fan and day alone (as the dashboard read them "
        "before), median of 7 runs. Load = the 1-minute load average of the machine while "
        "the dashboard and the rest were timed (the mean of its values before and after). "
        "Rollup build = recomputing all 90 "
        f"days from scratch. Ingest = `record_events` (skips duplicates) on {SAMPLE:,} events in "
        f"batches of {BATCH:,}; bulk = one Core insert per batch of the same kind of rows.\n\n"
        "| database | events | dashboard ms | plain aggregate ms | "
        "spenders + top fans from months ms | from days ms | rollup build s | "
        "ingest events/s | bulk insert events/s | load |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        f"{rows}\nTarget: the dashboard under 200 ms on PostgreSQL."
    )
    if args.note:
        body += f"\n\n{args.note}"
    console.print(body)
    console.print(
        f"written to {write_section('analytics', 'Analytics dashboard and ingest', body)}"
    )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
