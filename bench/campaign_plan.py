"""Campaign planning: recipients planned per second beside a bulk insert of the same rows.

Run with ``.venv/bin/python -m bench.campaign_plan`` (``--fans 1000 10000 100000`` by default;
``--postgresql URL`` adds a PostgreSQL run). Planning is the worker's real path
(:func:`huntaze.campaigns.dispatch.advance`): the audience snapshot (the segment's SQL, the
exclusions, the hold-out draw, one recipient row per fan), then batches of 1,000 recipients, each
rendered with the fan's name, checked by compliance once per distinct text, inserted as queued
outbound messages with their idempotency keys and marked on the recipient rows, one transaction
per batch. Two things are left out so that planning alone is measured: the send tasks are not
enqueued, and the cap of one batch in flight is lifted (no worker drains the outbox here). The
baseline inserts the same outbound and recipient rows with one SQLAlchemy Core insert per 1,000,
in the same run, on the same database. Results go to the ``campaign_plan`` section of
docs/benchmarks.md (issue target: planning at least 25% of the bulk insert's rate).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy import insert, select

from bench.report import write_section
from huntaze.accounts.actor import Actor
from huntaze.accounts.models import Organization
from huntaze.accounts.permissions import Role
from huntaze.campaigns import dispatch
from huntaze.campaigns.models import CampaignRecipient
from huntaze.campaigns.schemas import CampaignIn, SegmentIn
from huntaze.campaigns.service import campaigns
from huntaze.core import migrations
from huntaze.core.bulk import insert_new
from huntaze.core.db import Database, new_id, set_database, utcnow
from huntaze.core.tenancy import trusted_org_id
from huntaze.creators.models import Creator, PlatformAccount
from huntaze.fans.models import Fan
from huntaze.outbox import batch
from huntaze.outbox.models import OutboundMessage

BATCH = 1_000
TEXT = "Hey {{name}}, a little something new for you from {{creator}} 💕"


def _world(database: Database, fans: int) -> tuple[Actor, str]:
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
            handle=f"bench{fans}",
        )
        session.add(account)
        session.flush()
        now = utcnow()
        rows = [
            {
                "id": new_id(),
                "organization_id": org.id,
                "creator_id": creator.id,
                "platform_account_id": account.id,
                "platform_fan_id": str(n),
                "username": f"fan{n}",
                "display_name": f"Fan {n % 5000}" if n % 3 else "",
                "status": "active" if n % 10 else "expired",
                "platform_spent_cents": 0,
                "spend_is_net": False,
                "spent_subscription_cents": 999,
                "spent_tip_cents": (n % 7) * 500,
                "spent_ppv_cents": 0,
                "spent_message_cents": 0,
                "spent_other_cents": 0,
                "unread_count": 0,
                "opted_out": n % 50 == 0,
                "time_zone": None,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(fans)
        ]
        for start in range(0, fans, 10_000):
            insert_new(
                session,
                Fan,
                rows[start : start + 10_000],
                conflict=("platform_account_id", "platform_fan_id"),
                returning="id",
            )
        actor = Actor(org=trusted_org_id(org.id), role=Role.OWNER, label="bench")
        return actor, account.id


def _plan(database: Database, actor: Actor, account_id: str) -> tuple[float, str, int]:
    with database.session_scope() as session:
        segment = campaigns.create_segment(
            session,
            actor,
            SegmentIn(
                platform_account_id=account_id,
                name=new_id(),
                rules={"subscription": "active", "spent_min_cents": 500},  # type: ignore[arg-type]
            ),
        )
        campaign = campaigns.create(
            session,
            actor,
            CampaignIn(
                name="bench",
                segment_id=segment.id,
                text=TEXT,
                batch_size=BATCH,
                exclude_messaged_hours=None,
            ),
        )
        campaigns.start(session, actor, campaign)
        campaign_id = campaign.id
    started = time.perf_counter()
    state = dispatch.advance(campaign_id, max_batches=10**6)
    elapsed = time.perf_counter() - started
    with database.session_scope(writes=False) as session:
        planned = len(
            session.scalars(
                select(CampaignRecipient.id).where(CampaignRecipient.campaign_id == campaign_id)
            ).all()
        )
    return elapsed, campaign_id, planned if state else 0


def _bulk(database: Database, campaign_id: str) -> float:
    """The same outbound and recipient rows again (new ids and keys), one insert per 1,000."""
    with database.session_scope(writes=False) as session:
        messages = [
            {c.name: getattr(m, c.name) for c in OutboundMessage.__table__.columns}
            for m in session.scalars(
                select(OutboundMessage).where(OutboundMessage.source_id == campaign_id)
            )
        ]
        recipients = [
            {c.name: getattr(r, c.name) for c in CampaignRecipient.__table__.columns}
            for r in session.scalars(
                select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign_id)
            )
        ]
    copy_id = new_id()
    for row in messages:
        row["id"] = new_id()
        row["idempotency_key"] = f"{row['idempotency_key']}:{copy_id[:8]}"
    with database.session_scope() as session:
        other = session.get(dispatch.Campaign, campaign_id)  # type: ignore[attr-defined]
        assert other is not None
        clone = {c.name: getattr(other, c.name) for c in dispatch.Campaign.__table__.columns}  # type: ignore[attr-defined]
        clone["id"] = copy_id
        session.execute(insert(dispatch.Campaign), [clone])  # type: ignore[attr-defined]
    for row in recipients:
        row["id"] = new_id()
        row["campaign_id"] = copy_id
    started = time.perf_counter()
    for rows, model in ((messages, OutboundMessage), (recipients, CampaignRecipient)):
        for start in range(0, len(rows), BATCH):
            with database.session_scope() as session:
                session.execute(insert(model), rows[start : start + BATCH])
    return time.perf_counter() - started


def measure(url: str, sizes: list[int], console: Console) -> list[dict[str, Any]]:
    """Planning and bulk-insert rates on one database, for each audience size."""
    database = Database(url)
    migrations.upgrade(database.engine)
    set_database(database)
    results = []
    try:
        for fans in sizes:
            actor, account_id = _world(database, fans)
            plan_s, campaign_id, recipients = _plan(database, actor, account_id)
            bulk_s = _bulk(database, campaign_id)
            result = {
                "fans": fans,
                "recipients": recipients,
                "plan_s": plan_s,
                "plan_rate": recipients / plan_s,
                "bulk_rate": recipients / bulk_s,
            }
            console.print(result)
            results.append(result)
    finally:
        set_database(None)
        database.dispose()
    return results


def main(argv: list[str] | None = None) -> None:
    """Measure, print and record the results."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--fans", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--postgresql", default=os.environ.get("HUNTAZE_TEST_DATABASE_URL", ""))
    args = parser.parse_args(argv if argv is not None else [])
    console = Console()
    # Planning alone: no send tasks, and no cap of one batch in flight (no worker drains it).
    batch.wake_after_commit = lambda *a, **k: None  # type: ignore[assignment]
    dispatch.IN_FLIGHT = ()
    results: dict[str, list[dict[str, Any]]] = {}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = measure(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.fans, console)
    if args.postgresql:
        results["PostgreSQL"] = measure(args.postgresql, args.fans, console)
    load_after = os.getloadavg()[0]
    rows = "".join(
        f"| {name} | {r['fans']:,} | {r['recipients']:,} | {r['plan_s']:.1f} | "
        f"{r['plan_rate']:,.0f} | {r['bulk_rate']:,.0f} | {r['plan_rate'] / r['bulk_rate']:.0%} |\n"
        for name, found in results.items()
        for r in found
    )
    body = (
        "Fans of one account, 90% active, a segment of active fans who spent at least $5 "
        "(recipients = the frozen audience: treated, held out and excluded); the text "
        f"`{TEXT}` rendered per fan (about 5,000 distinct names). Planning = the worker's path: "
        "snapshot, then batches of 1,000 (render, compliance once per distinct text, queued "
        "outbound rows with idempotency keys, recipients marked), one transaction per batch; "
        "send tasks not enqueued and the in-flight cap lifted. Baseline = one SQLAlchemy Core "
        "insert per 1,000 of the same outbound and recipient rows.\n\n"
        "| database | fans | recipients | planning s | planned/s | bulk-inserted/s | "
        "planned / bulk |\n|---|---:|---:|---:|---:|---:|---:|\n"
        f"{rows}\nBulk-inserted/s counts recipients (each one outbound row and one recipient "
        "row). How planning time grows from 1,000 to 100,000 fans is the `planning s` column. "
        "A campaign's progress, its in-flight count and a cancel read the "
        "outbox by its source (`ix_outbound_message_source`: source kind, source id, state; "
        "without it SQLite scans every message of the organization and sorts them).\n\n"
        f"Load average (1 min) at the start and end of the run: {load_before:.1f} and "
        f"{load_after:.1f} ({os.cpu_count()} cores); the machine is shared with other suites, "
        "so the rates vary with its load; planning and its baseline ran one after the other in "
        "the same process. Target: planning at least 25% of the bulk insert's rate."
    )
    console.print(body)
    console.print(f"written to {write_section('campaign_plan', 'Campaign planning', body)}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
