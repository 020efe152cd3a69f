"""A small fan world for the CRM tests: an agency whose account has three fans with history,
stored the way the sync stores what it reads (fans, messages, statement entries, events)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.outbox.helpers import Agency

from huntaze.analytics.events import record_events
from huntaze.fans.models import Fan
from huntaze.fans.service import AccountRef, fans
from huntaze.inbox.ingest import ingest_earnings, ingest_messages
from huntaze.platforms.base import EarningEntry, PlatformFan, PlatformMessage

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
DAY = dt.timedelta(days=1)


def seed_fans(session: Session, agency: Agency) -> dict[str, Fan]:
    """Mia (new, 2 days, writes), Leo (90 days, bought a $150 PPV, renewed twice) and Zoe
    (expired); by username."""
    ref = AccountRef(
        org=agency.owner.actor.org,
        account_id=agency.account.id,
        creator_id=agency.account.creator_id,
    )
    events = fans.upsert_from_platform(
        session,
        ref,
        [
            PlatformFan(
                platform_fan_id="11",
                username="mia_k",
                display_name="Mia",
                subscribed_at=NOW - 2 * DAY,
                expires_at=NOW + 28 * DAY,
            ),
            PlatformFan(
                platform_fan_id="12",
                username="leo",
                display_name="Leo",
                subscribed_at=NOW - 90 * DAY,
                expires_at=NOW + 5 * DAY,
            ),
            PlatformFan(
                platform_fan_id="13",
                username="zoe_100%",
                display_name="Zoe",
                subscribed_at=NOW - 60 * DAY,
                expires_at=NOW - 30 * DAY,
                is_active=False,
            ),
        ],
    )
    record_events(session, ref.org, events)
    messages = [
        PlatformMessage(
            platform_message_id="m1",
            platform_fan_id="11",
            direction="inbound",
            text="hey, are you there?",
            sent_at=NOW - 3 * dt.timedelta(hours=1),
        ),
        PlatformMessage(
            platform_message_id="m3",
            platform_fan_id="12",
            direction="outbound",
            text="new set for you",
            sent_at=NOW - 5 * dt.timedelta(hours=1),
            price_cents=15000,
            purchased=True,
        ),
        PlatformMessage(
            platform_message_id="m4",
            platform_fan_id="12",
            direction="inbound",
            text="worth every cent",
            sent_at=NOW - 4 * dt.timedelta(hours=1),
        ),
    ]
    ingest_messages(session, ref, messages)
    earnings = [
        EarningEntry(
            platform_entry_id="e1",
            kind="ppv",
            amount_cents=15000,
            occurred_at=NOW - 4 * dt.timedelta(hours=1),
            platform_fan_id="12",
            platform_message_id="m3",
        ),
        *(
            EarningEntry(
                platform_entry_id=f"s{n}",
                kind="subscription",
                amount_cents=999,
                occurred_at=NOW - (90 - 30 * n) * DAY,
                platform_fan_id="12",
                renewal=n > 0,
            )
            for n in range(3)
        ),
        EarningEntry(
            platform_entry_id="t1",
            kind="tip",
            amount_cents=2000,
            occurred_at=NOW - 40 * DAY,
            platform_fan_id="13",
        ),
    ]
    record_events(session, ref.org, ingest_earnings(session, ref, earnings))
    session.commit()
    found = session.scalars(select(Fan).where(Fan.platform_account_id == agency.account.id))
    return {f.username: f for f in found}
