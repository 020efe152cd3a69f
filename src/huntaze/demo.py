"""Demo data for a first look: an agency, its owner and a few creators with personas.

Loaded by ``make up`` when the database is empty (``huntaze demo --if-empty``). The demo login is
printed; it is meant for a local machine only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.models import Organization
from huntaze.accounts.permissions import Role
from huntaze.accounts.service import accounts
from huntaze.core.tenancy import trusted_org_id
from huntaze.creators.schemas import CreatorCreate, PlatformAccountCreate
from huntaze.creators.service import creators

DEMO_EMAIL = "demo@huntaze.local"
DEMO_PASSWORD = "huntaze-demo"  # published on purpose: local demo only

DEMO_CREATORS = [
    CreatorCreate(
        display_name="Luna Rivers",
        timezone="America/Los_Angeles",
        tone="playful, warm, a little teasing",
        topics=["yoga", "beach days", "behind the scenes"],
        boundaries="No meeting in person. No talk about exes. Never share location.",
        emoji_use="heavy",
        languages=["en", "es"],
        price_min_cents=800,
        price_max_cents=4500,
    ),
    CreatorCreate(
        display_name="Mia Steel",
        timezone="Europe/London",
        tone="confident, witty, direct",
        topics=["fitness", "gym outfits", "meal prep"],
        boundaries="No custom videos with face covered. No discussion of politics.",
        emoji_use="light",
        languages=["en"],
        price_min_cents=1000,
        price_max_cents=6000,
    ),
    CreatorCreate(
        display_name="Aiko Bloom",
        timezone="Asia/Tokyo",
        tone="sweet, shy at first, loves compliments",
        topics=["cosplay", "gaming", "anime"],
        boundaries="No real name. No meeting fans. Cosplay only, no school uniforms.",
        emoji_use="light",
        languages=["en", "ja"],
        price_min_cents=500,
        price_max_cents=3000,
    ),
]


class SimulatorLogin(Protocol):
    """What the simulator says about one of its demo accounts."""

    @property
    def username(self) -> str: ...
    @property
    def password(self) -> str: ...
    @property
    def api_token(self) -> str: ...
    @property
    def otp_code(self) -> str: ...
    @property
    def skin(self) -> str: ...


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """What ``make up`` prints."""

    email: str
    password: str
    created: bool


def database_is_empty(session: Session) -> bool:
    """Whether no organization exists yet."""
    return not session.scalar(select(func.count()).select_from(Organization))


def _demo_actor(session: Session) -> Actor:
    organization = session.scalars(select(Organization).order_by(Organization.created_at)).first()
    if organization is None:
        raise LookupError("load the demo first")
    return Actor(org=trusted_org_id(organization.id), role=Role.OWNER, label="demo loader")


def link_simulator_accounts(
    session: Session, simulator_accounts: Sequence[SimulatorLogin], *, base_url: str
) -> int:
    """Connect the demo creators, in order, to the simulator's demo accounts."""
    actor = _demo_actor(session)
    linked = 0
    for creator, account in zip(
        creators.list_creators(session, actor), simulator_accounts, strict=False
    ):
        secret = json.dumps(
            {
                "username": account.username,
                "password": account.password,
                "api_token": account.api_token,
                "otp_code": account.otp_code,
            }
        )
        data = PlatformAccountCreate.model_validate(
            {
                "platform": "simulator",
                "handle": account.username,
                "base_url": base_url,
                "skin": account.skin,
                "session_secret": secret,
            }
        )
        creators.add_account(session, actor, creator.id, data)
        linked += 1
    return linked


def load_demo(session: Session) -> DemoLogin:
    """Create the demo agency, its owner and creators."""
    organization, owner = accounts.create_organization(
        session,
        name="Demo Agency",
        owner_email=DEMO_EMAIL,
        owner_name="Demo Owner",
        password=DEMO_PASSWORD,
    )
    actor = Actor(
        org=trusted_org_id(organization.id),
        role=Role.OWNER,
        label=f"{owner.name} <{owner.email}> (demo loader)",
        user_id=owner.id,
    )
    for persona in DEMO_CREATORS:
        creators.create(session, actor, persona)
    return DemoLogin(email=DEMO_EMAIL, password=DEMO_PASSWORD, created=True)
