"""Factories for outbox tests: an organization with a platform account and outbound rows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session
from tests.factories import Member, make_creator, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.creators.models import PlatformAccount
from huntaze.creators.schemas import PlatformAccountCreate
from huntaze.creators.service import creators
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.schemas import OutboundCreate
from huntaze.outbox.service import outbox
from huntaze.outbox.states import Kind


@dataclass
class Agency:
    owner: Member
    manager: Member
    chatter: Member
    account: PlatformAccount


def make_agency(
    session: Session, *, base_url: str | None = None, secret: str | None = None
) -> Agency:
    org = make_org(session)
    owner = make_member(session, org, Role.OWNER)
    creator = make_creator(session, owner)
    data = {"platform": "simulator", "handle": f"h{org.id[:8]}"}
    if base_url:
        data["base_url"] = base_url
    if secret:
        data["session_secret"] = secret
    account = creators.add_account(
        session, owner.actor, creator.id, PlatformAccountCreate.model_validate(data)
    )
    return Agency(
        owner=owner,
        manager=make_member(session, org, Role.MANAGER),
        chatter=make_member(session, org, Role.CHATTER),
        account=account,
    )


def make_message(
    session: Session,
    agency: Agency,
    *,
    text: str = "Thanks for subscribing!",
    fan_id: str = "1",
    key: str | None = None,
    price_cents: int | None = None,
    approve: bool = False,
    queue: bool = False,
) -> OutboundMessage:
    data = OutboundCreate(
        kind=Kind.PPV if price_cents else Kind.MESSAGE,
        platform_fan_id=fan_id,
        text=text,
        price_cents=price_cents,
        idempotency_key=key,
    )
    return outbox.create(
        session,
        agency.chatter.actor,
        platform_account_id=agency.account.id,
        data=data,
        approve=approve,
        queue=queue,
    )
