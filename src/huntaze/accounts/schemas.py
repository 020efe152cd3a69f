"""Pydantic shapes of the accounts API: strict on input, explicit on output."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

RoleName = Literal["owner", "admin", "manager", "chatter", "viewer"]
# A deliberately plain check: self-hosted teams use internal domains (.local, .lan) too.
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class StrictInput(BaseModel):
    """Base of request bodies: no unknown fields, no silent type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True)


class OrganizationOut(BaseModel):
    id: str
    name: str


class UserOut(BaseModel):
    id: str
    email: str
    name: str


class MeOut(BaseModel):
    user: UserOut | None
    api_key_id: str | None
    organization: OrganizationOut
    role: RoleName
    organizations: list[OrganizationOut]


class OrganizationUpdate(StrictInput):
    name: Name


class MemberOut(BaseModel):
    id: str
    user_id: str
    email: str
    name: str
    role: RoleName
    joined_at: dt.datetime


class MemberRoleUpdate(StrictInput):
    role: RoleName


class InvitationCreate(StrictInput):
    email: Email
    role: RoleName


class InvitationOut(BaseModel):
    id: str
    email: str
    role: RoleName
    state: Literal["pending", "accepted", "revoked", "expired"]
    expires_at: dt.datetime
    created_at: dt.datetime


class InvitationCreated(InvitationOut):
    accept_url: str = Field(description="Shown once: send it to the person invited.")


class ApiKeyCreate(StrictInput):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    role: RoleName = "viewer"


class ApiKeyOut(BaseModel):
    id: str
    name: str
    role: RoleName
    display_prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class ApiKeyCreated(ApiKeyOut):
    token: str = Field(description="Shown once; only a hash is stored.")


class AuditEntryOut(BaseModel):
    id: str
    actor_label: str
    action: str
    target_type: str
    target_id: str | None
    before: dict[str, object] | None
    after: dict[str, object] | None
    request_id: str | None
    created_at: dt.datetime
