"""What the similarity API takes and returns (DESIGN.md §4 "embeddings")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from huntaze.ai.similarity.records import ExampleKind, ExampleOutcome
from huntaze.core.fields import BudgetCents

MAX_TEXT = 2000
MAX_ITEMS = 500
MAX_K = 50

ExampleText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)
]
DEFAULT_PERFORMANCE: dict[ExampleOutcome, float] = {
    ExampleOutcome.PURCHASE: 1.0,
    ExampleOutcome.TIP: 0.8,
    ExampleOutcome.REPLY: 0.4,
    ExampleOutcome.NONE: 0.0,
}


class _StrictInput(BaseModel):
    """Request shapes: no unknown fields, no coercion (``false`` is not a number here)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ExampleIn(_StrictInput):
    """One past reply or caption and how it did; ``performance`` defaults from the outcome."""

    kind: Annotated[ExampleKind, Field(strict=False)]
    text: ExampleText
    outcome: Annotated[ExampleOutcome, Field(strict=False)] = ExampleOutcome.NONE
    performance: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)] | None = None
    revenue_cents: BudgetCents = 0
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    source_ref: str | None = Field(default=None, max_length=200)

    def score(self) -> float:
        """The performance given, or the outcome's default."""
        return (
            self.performance if self.performance is not None else DEFAULT_PERFORMANCE[self.outcome]
        )


class ExamplesIn(_StrictInput):
    """A batch of examples to add to one creator."""

    items: list[ExampleIn] = Field(min_length=1, max_length=MAX_ITEMS)


class ExamplesAdded(BaseModel):
    """How many were stored, and whether they were embedded now (else at search time)."""

    added: int
    embedded: bool
    model: str | None


class SearchIn(_StrictInput):
    """Find the creator's examples most like ``text``."""

    text: ExampleText
    kind: Annotated[ExampleKind, Field(strict=False)] | None = None
    k: int = Field(default=5, ge=1, le=MAX_K)
    min_score: float = Field(default=0.0, ge=-1.0, le=1.0, allow_inf_nan=False)
    outcomes: (
        Annotated[list[Annotated[ExampleOutcome, Field(strict=False)]], Field(max_length=4)] | None
    ) = None


class ExampleHit(BaseModel):
    """One found example: how similar it is, and how well it performed."""

    id: str
    kind: ExampleKind
    text: str
    similarity: float
    outcome: ExampleOutcome
    performance: float
    revenue_cents: int
    currency: str
    source_ref: str | None
    created_at: dt.datetime


class SearchOut(BaseModel):
    """The hits, best first, and how they were ranked."""

    method: Literal["embedding", "lexical"]
    model: str | None
    searched: int
    hits: list[ExampleHit]
