"""Access aliases of the team domain: a shift or member named in the path, loaded for the
request's actor, 404 when it is another organization's (DESIGN.md §8.1, §8.2)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from huntaze.accounts.auth import ApiActor, PageUser
from huntaze.accounts.models import Membership
from huntaze.accounts.permissions import Permission
from huntaze.core.fields import ObjectId
from huntaze.core.http import DbSession
from huntaze.team.models import Shift
from huntaze.team.repository import shifts_repo
from huntaze.team.service import team

ShiftId = Annotated[ObjectId, Path(description="A shift of the organization.")]
MembershipId = Annotated[ObjectId, Path(description="A member of the organization.")]


def _shift_for_api(shift_id: ShiftId, actor: ApiActor, session: DbSession) -> Shift:
    actor.require(Permission.FANS_READ)
    return shifts_repo.get(session, actor.org, shift_id)


def _shift_for_page(shift_id: ShiftId, auth: PageUser, session: DbSession) -> Shift:
    auth.actor.require(Permission.FANS_READ)
    return shifts_repo.get(session, auth.actor.org, shift_id)


def _member_for_api(membership_id: MembershipId, actor: ApiActor, session: DbSession) -> Membership:
    return team.member(session, actor, membership_id)


def _member_for_page(membership_id: MembershipId, auth: PageUser, session: DbSession) -> Membership:
    return team.member(session, auth.actor, membership_id)


ShiftFromPath = Annotated[Shift, Depends(_shift_for_api)]
PageShiftFromPath = Annotated[Shift, Depends(_shift_for_page)]
MemberFromPath = Annotated[Membership, Depends(_member_for_api)]
PageMemberFromPath = Annotated[Membership, Depends(_member_for_page)]
