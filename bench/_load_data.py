"""Fills the load benchmark's database: run as ``python -m bench._load_data`` with ``HUNTAZE_*``
set, it migrates, loads the demo agency, adds what a working team has (a platform account per
creator, outbound messages in every state a team leaves them, an API key and a login session for
the owner) and prints what the load clients need as one JSON line.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from huntaze.accounts.actor import Actor
from huntaze.accounts.api_keys import api_key_service
from huntaze.accounts.models import User
from huntaze.accounts.permissions import Role
from huntaze.accounts.sessions import login
from huntaze.core import migrations
from huntaze.core.db import get_database
from huntaze.core.tenancy import trusted_org_id
from huntaze.creators.schemas import PlatformAccountCreate
from huntaze.creators.service import creators
from huntaze.demo import load_demo
from huntaze.outbox.schemas import OutboundCreate
from huntaze.outbox.service import outbox
from huntaze.outbox.states import Kind

MESSAGES_PER_ACCOUNT = 40
TEXTS = [
    "Thanks for subscribing, it means a lot!",
    "New set is up on my wall tonight 💕",
    "Did you see the teaser? Full video unlocks at 9pm",
    "Good morning! What are you up to today?",
]


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
            for m in range(MESSAGES_PER_ACCOUNT):
                message = outbox.create(
                    session,
                    actor,
                    platform_account_id=account.id,
                    data=OutboundCreate(
                        kind=Kind.MESSAGE, platform_fan_id=str(m), text=TEXTS[m % len(TEXTS)]
                    ),
                    approve=m % 3 == 0,
                )
                message_ids.append(message.id)
    print(
        json.dumps(
            {
                "api_key": api_key.token,
                "session_cookie": started.cookie_value,
                "creator_ids": creator_ids,
                "account_ids": account_ids,
                "message_ids": message_ids,
            }
        )
    )


if __name__ == "__main__":
    main()
