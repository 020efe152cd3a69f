"""Factories for inbox tests: a fan of the agency's account who wrote some messages."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session
from tests.outbox.helpers import Agency

from huntaze.fans.models import Fan
from huntaze.fans.service import AccountRef, fans
from huntaze.inbox.ingest import ingest_earnings, ingest_messages
from huntaze.platforms.base import EarningEntry, PlatformFan, PlatformMessage

_ids = itertools.count(1)


def fan_who_wrote(
    session: Session,
    agency: Agency,
    *texts: str,
    name: str = "Mia",
    bought_cents: int | None = None,
) -> Fan:
    """A fan of the agency's account whose messages are ``texts`` (oldest first), optionally
    with one PPV bought two days ago."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    ref = AccountRef(
        org=agency.owner.actor.org,
        account_id=agency.account.id,
        creator_id=agency.account.creator_id,
    )
    platform_fan_id = str(next(_ids) + 1000)
    fans.upsert_from_platform(
        session,
        ref,
        [
            PlatformFan(
                platform_fan_id=platform_fan_id,
                username=name.lower(),
                display_name=name,
                subscribed_at=now - dt.timedelta(days=20),
            )
        ],
    )
    ingest_messages(
        session,
        ref,
        [
            PlatformMessage(
                platform_message_id=f"{platform_fan_id}-{n}",
                platform_fan_id=platform_fan_id,
                direction="inbound",
                text=text,
                sent_at=now - dt.timedelta(minutes=len(texts) - n),
            )
            for n, text in enumerate(texts)
        ],
    )
    if bought_cents:
        ingest_earnings(
            session,
            ref,
            [
                EarningEntry(
                    platform_entry_id=f"{platform_fan_id}-e",
                    kind="ppv",
                    amount_cents=bought_cents,
                    occurred_at=now - dt.timedelta(days=2),
                    platform_fan_id=platform_fan_id,
                )
            ],
        )
    session.commit()
    return fans.ensure(session, ref, [platform_fan_id])[platform_fan_id]
