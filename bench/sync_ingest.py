"""Inbox sync ingest: messages per second with dedupe, beside a plain bulk insert of the same rows.

Run with ``.venv/bin/python -m bench.sync_ingest`` (``--messages N``, 100,000 by default;
``--postgresql URL`` adds a PostgreSQL run, e.g. the test database). The ingest path is the real
one (:func:`huntaze.inbox.ingest.ingest_messages`: fans looked up and placeholders made, one
insert that skips rows already there, fans' counters updated, events recorded), fed pages of 200
messages from 2,000 fans, each page in its own transaction as the sync commits them. The
baseline inserts the same rows with one SQLAlchemy Core ``insert`` per page, in the same run, on
the same database. A second pass over the same pages measures a re-sync (everything skipped).
Results go to the ``sync_ingest`` section of docs/benchmarks.md (issue target: at least half
the bulk insert's rate).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from sqlalchemy import delete, insert, select

from bench.report import write_section
from huntaze.accounts.models import Organization
from huntaze.analytics.events import record_events
from huntaze.core import migrations
from huntaze.core.db import Database, new_id
from huntaze.core.tenancy import trusted_org_id
from huntaze.creators.models import Creator, PlatformAccount
from huntaze.fans.models import Fan
from huntaze.fans.service import AccountRef
from huntaze.inbox.ingest import ingest_messages
from huntaze.inbox.models import ChatMessage
from huntaze.platforms.base import PlatformMessage

PAGE = 200
FANS = 2_000
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _world(database: Database) -> AccountRef:
    with database.session_scope() as session:
        org = Organization(id=new_id(), name="Bench agency")
        session.add(org)
        session.flush()
        creator = Creator(id=new_id(), organization_id=org.id, display_name="Bench")
        session.add(creator)
        session.flush()
        account = PlatformAccount(
            id=new_id(),
            organization_id=org.id,
            creator_id=creator.id,
            platform="simulator",
            handle="bench",
        )
        session.add(account)
        session.flush()
        return AccountRef(org=trusted_org_id(org.id), account_id=account.id, creator_id=creator.id)


def _pages(count: int) -> list[list[PlatformMessage]]:
    messages = [
        PlatformMessage(
            platform_message_id=str(n),
            platform_fan_id=str(n % FANS),
            direction="inbound" if n % 3 else "outbound",
            text=f"message number {n}, hey there 😘",
            sent_at=START + dt.timedelta(seconds=n),
        )
        for n in range(count)
    ]
    return [messages[i : i + PAGE] for i in range(0, count, PAGE)]


def _ingest(
    database: Database,
    account: AccountRef,
    pages: list[list[PlatformMessage]],
    progress: Progress,
    label: str,
) -> float:
    task = progress.add_task(label, total=len(pages))
    started = time.perf_counter()
    for page in pages:
        with database.session_scope() as session:
            record_events(session, account.org, ingest_messages(session, account, page))
        progress.advance(task)
    return time.perf_counter() - started


def _bulk(
    database: Database, account: AccountRef, pages: list[list[PlatformMessage]], progress: Progress
) -> float:
    """The same rows with one Core insert per page (fan ids already known: no lookups)."""
    with database.session_scope() as session:
        query = select(Fan.platform_fan_id, Fan.id).where(
            Fan.platform_account_id == account.account_id
        )
        fan_ids = {platform_id: fan_id for platform_id, fan_id in session.execute(query)}
        session.execute(
            delete(ChatMessage).where(ChatMessage.platform_account_id == account.account_id)
        )
    task = progress.add_task("bulk insert (baseline)", total=len(pages))
    started = time.perf_counter()
    for page in pages:
        rows = [
            {
                "id": new_id(),
                "organization_id": account.org,
                "platform_account_id": account.account_id,
                "fan_id": fan_ids[m.platform_fan_id],
                "platform_message_id": m.platform_message_id,
                "direction": m.direction,
                "text": m.text,
                "sent_at": m.sent_at,
                "price_cents": None,
                "purchased": False,
                "nonce": None,
                "synced_at": m.sent_at,
            }
            for m in page
        ]
        with database.session_scope() as session:
            session.execute(insert(ChatMessage), rows)
        progress.advance(task)
    return time.perf_counter() - started


def measure(url: str, count: int, console: Console) -> dict[str, float]:
    """Rates on one database: ingest, re-sync, bulk insert (messages per second)."""
    database = Database(url)
    migrations.upgrade(database.engine)
    account = _world(database)
    pages = _pages(count)
    with Progress(console=console, transient=True) as progress:
        first = _ingest(database, account, pages, progress, "sync ingest")
        again = _ingest(database, account, pages, progress, "re-sync (all duplicates)")
        bulk = _bulk(database, account, pages, progress)
    database.dispose()
    return {"ingest": count / first, "resync": count / again, "bulk": count / bulk}


def main(argv: list[str] | None = None) -> None:
    """Measure, print and record the results."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--postgresql", default=os.environ.get("HUNTAZE_TEST_DATABASE_URL", ""))
    args = parser.parse_args(argv if argv is not None else [])
    console = Console()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = measure(
            f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.messages, console
        )
    if args.postgresql:
        results["PostgreSQL"] = measure(args.postgresql, args.messages, console)
    rows = "".join(
        f"| {name} | {r['ingest']:,.0f} | {r['resync']:,.0f} | {r['bulk']:,.0f} | "
        f"{r['ingest'] / r['bulk']:.0%} |\n"
        for name, r in results.items()
    )
    body = (
        f"{args.messages:,} messages from {FANS:,} fans in pages of {PAGE}, one transaction per "
        "page; ingest = the sync's real path (fan lookups, insert skipping duplicates, fans' "
        "counters, events); re-sync = the same pages again (all skipped); baseline = one "
        "SQLAlchemy Core insert per page of the same rows.\n\n"
        "| database | ingest msg/s | re-sync msg/s | bulk insert msg/s | ingest / bulk |\n"
        "|---|---:|---:|---:|---:|\n"
        f"{rows}\nTarget: ingest at least half the bulk insert's rate."
    )
    console.print(body)
    console.print(f"written to {write_section('sync_ingest', 'Inbox sync ingest', body)}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
