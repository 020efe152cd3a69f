"""Fills the load benchmark's database: run as ``python -m bench._load_data`` with ``HUNTAZE_*``
set, it migrates, loads the demo agency, adds what a working team has (a platform account per
creator; its fans, their chats and statement entries written by the inbox sync's own ingest
functions, as a sync of the simulator writes them; the analytics rollups built from the events
that revealed; outbound messages in every state a team leaves them; segments and campaigns; an
API key and a login session for the owner) and prints what the load clients need as one JSON line.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.api_keys import api_key_service
from huntaze.accounts.models import User
from huntaze.accounts.permissions import Role
from huntaze.accounts.sessions import login
from huntaze.analytics import rollups
from huntaze.analytics.events import record_events
from huntaze.campaigns.schemas import CampaignIn, SegmentIn
from huntaze.campaigns.service import campaigns
from huntaze.core import migrations
from huntaze.core.db import get_database
from huntaze.core.tenancy import trusted_org_id
from huntaze.creators.schemas import PlatformAccountCreate
from huntaze.creators.service import creators
from huntaze.demo import load_demo
from huntaze.fans.models import Fan
from huntaze.fans.service import AccountRef, fans
from huntaze.inbox.ingest import ingest_earnings, ingest_messages
from huntaze.outbox.schemas import OutboundCreate
from huntaze.outbox.service import outbox
from huntaze.outbox.states import Kind
from huntaze.platforms.base import EarningEntry, PlatformFan, PlatformMessage

MESSAGES_PER_ACCOUNT = 40
# What a sync of a working account brings: fans, the last weeks of their chats, what they paid.
FANS_PER_ACCOUNT = 200
CHAT_MESSAGES_PER_FAN = 8
DAYS_OF_HISTORY = 30
PAGE = 500  # items per ingest call, as a sync page
CAMPAIGNS_PER_ACCOUNT = 4
T = TypeVar("T")
TEXTS = [
    "Thanks for subscribing, it means a lot!",
    "New set is up on my wall tonight 💕",
    "Did you see the teaser? Full video unlocks at 9pm",
    "Good morning! What are you up to today?",
]


def _pages(items: list[T]) -> list[list[T]]:
    return [items[n : n + PAGE] for n in range(0, len(items), PAGE)]


def _sync_history(session: Session, account: AccountRef, seed: int) -> None:
    """Fans, chats and statement entries of one account, through the sync's ingest functions."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    platform_fans: list[PlatformFan] = []
    chat: list[PlatformMessage] = []
    entries: list[EarningEntry] = []
    for n in range(FANS_PER_ACCOUNT):
        fan_id = f"{seed}-{n}"
        subscribed = now - dt.timedelta(days=rng.uniform(1, 120))
        active = rng.random() > 0.15
        platform_fans.append(
            PlatformFan(
                platform_fan_id=fan_id,
                username=f"fan_{seed}_{n}",
                display_name=f"Fan {n}",
                subscribed_at=subscribed,
                expires_at=None if active else now - dt.timedelta(days=rng.uniform(0, 20)),
                is_active=active,
            )
        )
        for m in range(CHAT_MESSAGES_PER_FAN):
            sent_at = now - dt.timedelta(hours=rng.uniform(0, 24 * DAYS_OF_HISTORY))
            inbound = m % 2 == 0
            chat.append(
                PlatformMessage(
                    platform_message_id=f"{fan_id}-m{m}",
                    platform_fan_id=fan_id,
                    direction="inbound" if inbound else "outbound",
                    text=TEXTS[m % len(TEXTS)] if not inbound else "hey, how are you today? 😊",
                    sent_at=sent_at,
                    price_cents=None if inbound or m % 3 else 1500,
                )
            )
        paid = [("subscription", 999)] + [
            (rng.choice(("tip", "ppv", "message")), rng.choice((500, 1500, 2500, 5000)))
            for _ in range(rng.randint(0, 4))
        ]
        for k, (kind, cents) in enumerate(paid):
            entries.append(
                EarningEntry(
                    platform_entry_id=f"{fan_id}-e{k}",
                    kind=kind,
                    amount_cents=cents,
                    net_cents=cents * 8 // 10,
                    occurred_at=now - dt.timedelta(hours=rng.uniform(0, 24 * DAYS_OF_HISTORY)),
                    platform_fan_id=fan_id,
                )
            )
    for fans_page in _pages(platform_fans):
        record_events(session, account.org, fans.upsert_from_platform(session, account, fans_page))
    for chat_page in _pages(chat):
        record_events(session, account.org, ingest_messages(session, account, chat_page))
    for entries_page in _pages(entries):
        record_events(session, account.org, ingest_earnings(session, account, entries_page))


def main() -> None:
    database = get_database()
    migrations.upgrade(database.engine)
    with database.session_scope() as session:
        load_demo(session)
        owner = session.scalars(select(User)).one()
        started = login.start(session, user=owner)
        actor = Actor(
            org=trusted_org_id(started.login_session.organization_id),
            role=Role.OWNER,
            label=f"{owner.name} <{owner.email}>",
            user_id=owner.id,
        )
        api_key = api_key_service.create(session, actor, name="load benchmark", role=Role.OWNER)
        creator_ids, account_ids, message_ids = [], [], []
        for n, creator in enumerate(creators.list_creators(session, actor)):
            creator_ids.append(creator.id)
            account = creators.add_account(
                session,
                actor,
                creator.id,
                PlatformAccountCreate.model_validate(
                    {
                        "platform": "simulator",
                        "handle": f"bench{n}",
                        "base_url": "http://127.0.0.1:9",
                    }
                ),
            )
            account_ids.append(account.id)
            ref = AccountRef(org=actor.org, account_id=account.id, creator_id=creator.id)
            _sync_history(session, ref, n)
            segment = campaigns.create_segment(
                session,
                actor,
                SegmentIn.model_validate(
                    {"platform_account_id": account.id, "name": f"Everyone of bench{n}"}
                ),
            )
            for c in range(CAMPAIGNS_PER_ACCOUNT):
                campaigns.create(
                    session,
                    actor,
                    CampaignIn.model_validate(
                        {
                            "segment_id": segment.id,
                            "name": f"Weekend set {c} of bench{n}",
                            "text": "My new weekend set is out, have a look 💕",
                        }
                    ),
                )
            for m in range(MESSAGES_PER_ACCOUNT):
                message = outbox.create(
                    session,
                    actor,
                    platform_account_id=account.id,
                    data=OutboundCreate(
                        kind=Kind.MESSAGE,
                        platform_fan_id=f"{n}-{m}",
                        text=TEXTS[m % len(TEXTS)],
                    ),
                    approve=m % 3 == 0,
                )
                message_ids.append(message.id)
        rollups.refresh(session, actor.org)
        fan_ids = list(session.scalars(select(Fan.id).order_by(Fan.id)))
    print(
        json.dumps(
            {
                "api_key": api_key.token,
                "session_cookie": started.cookie_value,
                "csrf_token": started.login_session.csrf_token,
                "fan_ids": fan_ids,
                "creator_ids": creator_ids,
                "account_ids": account_ids,
                "message_ids": message_ids,
            }
        )
    )


if __name__ == "__main__":
    main()
