"""An agency at work for the team tests: two chatters, a manager, two creators with an account
each, and fans who wrote and wait."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Member, make_creator, make_member
from tests.outbox.helpers import make_agency

from huntaze.accounts.permissions import Role
from huntaze.creators.models import PlatformAccount
from huntaze.creators.schemas import PlatformAccountCreate
from huntaze.creators.service import creators
from huntaze.fans.models import Fan
from huntaze.fans.service import AccountRef, fans
from huntaze.inbox.ingest import ingest_earnings, ingest_messages
from huntaze.platforms.base import EarningEntry, PlatformFan, PlatformMessage
from huntaze.team.schemas import ShiftCreate
from huntaze.team.service import ShiftView, team


@dataclass
class Team:
    owner: Member
    manager: Member
    chatter: Member
    second: Member
    account: PlatformAccount
    other_account: PlatformAccount

    @property
    def creator_id(self) -> str:
        return self.account.creator_id

    @property
    def other_creator_id(self) -> str:
        return self.other_account.creator_id


def make_team(session: Session) -> Team:
    agency = make_agency(session)
    second = make_member(session, agency.owner.organization, Role.CHATTER)
    other = make_creator(session, agency.owner, name="Other Creator")
    other_account = creators.add_account(
        session,
        agency.owner.actor,
        other.id,
        PlatformAccountCreate(platform="simulator", handle=f"o{other.id[:8]}"),
    )
    return Team(agency.owner, agency.manager, agency.chatter, second, agency.account, other_account)


def ref(team_: Team, account: PlatformAccount) -> AccountRef:
    return AccountRef(
        org=team_.owner.actor.org, account_id=account.id, creator_id=account.creator_id
    )


def waiting_fan(
    session: Session,
    team_: Team,
    platform_fan_id: str,
    *,
    name: str,
    waited: dt.timedelta,
    unread: int = 1,
    spent_cents: int = 0,
    account: PlatformAccount | None = None,
    now: dt.datetime,
) -> Fan:
    """A fan who wrote ``unread`` messages, the last one ``waited`` ago, and spent that much."""
    account = account or team_.account
    where = ref(team_, account)
    fans.upsert_from_platform(
        session,
        where,
        [PlatformFan(platform_fan_id=platform_fan_id, username=name.lower(), display_name=name)],
    )
    ingest_messages(
        session,
        where,
        [
            PlatformMessage(
                platform_message_id=f"in-{platform_fan_id}-{n}",
                platform_fan_id=platform_fan_id,
                direction="inbound",
                text=f"message {n} from {name}",
                sent_at=now - waited - dt.timedelta(seconds=unread - 1 - n),
            )
            for n in range(unread)
        ],
    )
    if spent_cents:
        ingest_earnings(
            session,
            where,
            [
                EarningEntry(
                    platform_entry_id=f"e-{platform_fan_id}",
                    kind="tip",
                    amount_cents=spent_cents,
                    occurred_at=now - dt.timedelta(days=3),
                    platform_fan_id=platform_fan_id,
                )
            ],
        )
    session.flush()
    return session.scalars(
        select(Fan).where(
            Fan.platform_account_id == account.id, Fan.platform_fan_id == platform_fan_id
        )
    ).one()


def hhmm(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


def shift_running(
    session: Session,
    team_: Team,
    *,
    chatters: list[Member],
    creator_ids: list[str],
    now: dt.datetime,
    name: str = "Now",
) -> ShiftView:
    """A UTC shift that started an hour ago and ends in two hours."""
    start = now - dt.timedelta(hours=1)
    return team.create_shift(
        session,
        team_.manager.actor,
        ShiftCreate(
            name=name,
            weekdays=[start.weekday()],
            start_time=hhmm(start),
            end_time=hhmm(now + dt.timedelta(hours=2)),
            time_zone="UTC",
            creator_ids=creator_ids,
            chatter_ids=[m.membership.id for m in chatters],
        ),
    )


def shift_later(
    session: Session,
    team_: Team,
    *,
    chatters: list[Member],
    creator_ids: list[str],
    now: dt.datetime,
    name: str = "Later",
) -> ShiftView:
    """A UTC shift that starts in four hours and lasts two."""
    start = now + dt.timedelta(hours=4)
    return team.create_shift(
        session,
        team_.manager.actor,
        ShiftCreate(
            name=name,
            weekdays=[start.weekday()],
            start_time=hhmm(start),
            end_time=hhmm(start + dt.timedelta(hours=2)),
            time_zone="UTC",
            creator_ids=creator_ids,
            chatter_ids=[m.membership.id for m in chatters],
        ),
    )
