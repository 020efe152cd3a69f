"""Pydantic shapes of outbound messages (DESIGN.md §6 "Send")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from huntaze.core.fields import AwareDatetime, Limit, Offset, PriceCents
from huntaze.outbox.states import AuthorKind, Kind, State

FanId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
MediaId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
IdempotencyKey = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_.:\-]{1,128}$")
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class StrictInput(BaseModel):
    """Base of request bodies: no unknown fields, no silent type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True)


class OutboundCreate(StrictInput):
    """A new outbound action; what other domains hand to ``outbox.create``."""

    kind: Annotated[Kind, Field(strict=False)]
    text: Text
    idempotency_key: IdempotencyKey | None = None
    platform_fan_id: FanId | None = None
    recipient_fan_ids: Annotated[list[FanId], Field(max_length=100_000)] | None = None
    media_ids: Annotated[list[MediaId], Field(max_length=20)] = []
    price_cents: PriceCents | None = None
    currency: Currency = "USD"
    publish_at: AwareDatetime | None = None
    author_kind: Annotated[AuthorKind, Field(strict=False)] = AuthorKind.PERSON
    ai_model: Annotated[str, StringConstraints(max_length=120)] | None = None
    ai_prompt_version: Annotated[str, StringConstraints(max_length=64)] | None = None
    source_kind: Annotated[str, StringConstraints(max_length=32)] | None = None
    source_id: Annotated[str, StringConstraints(max_length=64)] | None = None

    @model_validator(mode="after")
    def _shape_of_kind(self) -> OutboundCreate:
        one_fan = self.kind in (Kind.MESSAGE, Kind.PPV)
        if one_fan and self.platform_fan_id is None:
            raise ValueError(f"a {self.kind.value} needs platform_fan_id")
        if not one_fan and self.platform_fan_id is not None:
            raise ValueError(f"a {self.kind.value} has no platform_fan_id")
        if self.kind != Kind.MASS_MESSAGE and self.recipient_fan_ids is not None:
            raise ValueError("only a mass_message has recipient_fan_ids")
        if self.kind == Kind.PPV and not self.price_cents:
            raise ValueError("a ppv needs a price_cents above 0")
        if self.kind in (Kind.MESSAGE, Kind.POST) and self.price_cents:
            raise ValueError(f"a {self.kind.value} has no price; use kind ppv")
        if self.kind != Kind.POST and self.publish_at is not None:
            raise ValueError("only a post has publish_at")
        ai_written = self.author_kind in (AuthorKind.AI_DRAFT_APPROVED, AuthorKind.AUTO_SEND)
        if ai_written and not (self.ai_model and self.ai_prompt_version):
            raise ValueError("AI-written text needs ai_model and ai_prompt_version")
        return self


class OutboundCreateIn(OutboundCreate):
    """The API body: a person types it or approves an AI draft (automations use the service)."""

    @model_validator(mode="after")
    def _typed_by_a_person(self) -> OutboundCreateIn:
        if self.author_kind not in (AuthorKind.PERSON, AuthorKind.AI_DRAFT_APPROVED):
            raise ValueError("author_kind must be person or ai_draft_approved here")
        return self


class OutboundOut(BaseModel):
    """An outbound message as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    platform_account_id: str
    kind: Kind
    state: State
    idempotency_key: str
    nonce: str
    platform_fan_id: str | None
    recipient_fan_ids: list[str] | None
    text: str
    media_ids: list[str]
    price_cents: int | None
    currency: str
    publish_at: dt.datetime | None
    compliance_outcome: str
    compliance_verdict: dict[str, Any]
    compliance_overridden: bool
    author_kind: AuthorKind
    author_user_id: str | None
    approved_by_user_id: str | None
    approved_at: dt.datetime | None
    ai_model: str | None
    ai_prompt_version: str | None
    source_kind: str | None
    source_id: str | None
    attempts: int
    next_attempt_at: dt.datetime | None
    platform_message_id: str | None
    sent_at: dt.datetime | None
    last_error: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class OutboundFilter(BaseModel):
    """Filters of the outbox list."""

    state: State | None = None
    kind: Kind | None = None
    platform_account_id: str | None = None
    source_kind: str | None = None
    source_id: str | None = None
    limit: Limit = 50
    offset: Offset = 0


class CircuitOut(BaseModel):
    """The circuit breaker of a platform account: ``closed`` sends, ``open`` waits until
    ``open_until``, ``half_open`` lets one trial send through (DESIGN.md §6 "Send")."""

    state: Literal["closed", "open", "half_open"]
    since: dt.datetime | None
    reason: str | None
    failures: int
    open_until: dt.datetime | None


class SendLimitOut(BaseModel):
    """How fast one kind of action is sent on the account: a rate and a burst."""

    per_minute: float
    burst: int
    description: str


class SendingOut(BaseModel):
    """How sends to one platform account are going: its circuit and its pacing per kind."""

    circuit: CircuitOut
    limits: dict[str, SendLimitOut]
