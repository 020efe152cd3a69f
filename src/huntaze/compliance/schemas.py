"""Pydantic shapes of the compliance API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

MAX_MESSAGE_CHARS = 10_000


class StrictInput(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class CheckRequest(StrictInput):
    text: Annotated[str, StringConstraints(max_length=MAX_MESSAGE_CHARS)]
    direction: Literal["outbound", "inbound"] = "outbound"
    creator_id: Annotated[str, StringConstraints(max_length=64)] | None = None


class HitOut(BaseModel):
    rule: str
    category: str
    severity: Literal["block", "review"]
    reason: str
    span: tuple[int, int] | None
    matched: str | None = None
    detail: str | None = None
    overridable: bool = True


class VerdictOut(BaseModel):
    text: str
    direction: Literal["outbound", "inbound"]
    verdict: Literal["allow", "review", "block"]
    hits: list[HitOut]
    opt_out: bool


class RulesIn(StrictInput):
    yaml_text: Annotated[str, StringConstraints(max_length=100_000)]


class RulesOut(BaseModel):
    creator_id: str | None
    yaml_text: str
    updated_by: str | None
