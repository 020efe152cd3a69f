"""Validated field types shared by the JSON API and the page forms (DESIGN.md §8.1, §8.6).

Input is checked once, at the edge, by these ``Annotated`` types: money in integer cents (typed
amounts such as ``12.50`` are parsed here and nowhere else), aware datetimes that stay inside the
range every database and ``datetime`` can hold after conversion to UTC, a month ``YYYY-MM``,
offsets and limits a database can use, and short bounded strings. Each type documents its bounds
in the OpenAPI schema, so the document refuses what the server refuses.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

# Money ---------------------------------------------------------------------------------------

MAX_PRICE_CENTS = 100_000_00
"""$100,000: above any real price or persona price on a fan platform."""
MAX_BUDGET_CENTS = 10**10
"""Caps and budgets (an organization's monthly AI cap, say): large, but far from overflow."""


def _json_integer(value: Any) -> Any:
    # JSON Schema counts 5.0 as an integer, so the API takes it; 5.5, NaN, "5" and true are not.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WholeNumber = BeforeValidator(_json_integer)
"""Makes a strict ``int`` take the integral JSON numbers (``5.0``) its document allows."""

PriceCents = Annotated[int, WholeNumber, Field(strict=True, ge=0, le=MAX_PRICE_CENTS)]
"""A price in integer cents, as the API takes it (``true``, ``"5"`` or ``5.5`` are refused)."""
BudgetCents = Annotated[int, WholeNumber, Field(strict=True, ge=0, le=MAX_BUDGET_CENTS)]
"""A cap or budget in integer cents, as the API takes it."""

_AMOUNT = re.compile(r"^(?P<units>\d{1,12})(?:[.,](?P<fraction>\d{1,2}))?$")


def cents_from_text(text: str, *, max_cents: int = MAX_PRICE_CENTS) -> int | None:
    """An amount typed in currency units (``12.50``, ``$7``, ``3,5``) in cents; None if blank.

    Digits only, at most two decimals: ``1e999999``, ``NaN``, ``Infinity`` and negative amounts
    are refused with a :class:`ValueError` whose message can be shown beside the field.
    """
    cleaned = text.strip().removeprefix("$").strip()
    if not cleaned:
        return None
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise ValueError("enter an amount such as 12.50 (digits, at most two decimals)")
    fraction = (match["fraction"] or "").ljust(2, "0")
    cents = int(match["units"]) * 100 + int(fraction or "0")
    if cents > max_cents:
        raise ValueError(f"enter an amount of at most {max_cents // 100:,}")
    return cents


def _typed_amount(max_cents: int) -> BeforeValidator:
    def parse(value: Any) -> Any:
        if isinstance(value, str):
            return cents_from_text(value, max_cents=max_cents)
        if isinstance(value, bool | float):
            raise ValueError("enter an amount such as 12.50")
        return value

    return BeforeValidator(parse)


PriceText = Annotated[
    Annotated[int, Field(strict=False, ge=0, le=MAX_PRICE_CENTS)] | None,
    _typed_amount(MAX_PRICE_CENTS),
]
"""A form's price typed in currency units, validated into cents; blank is None."""
BudgetText = Annotated[
    Annotated[int, Field(strict=False, ge=0, le=MAX_BUDGET_CENTS)] | None,
    _typed_amount(MAX_BUDGET_CENTS),
]
"""A form's cap or budget typed in currency units, validated into cents; blank is None."""

# Time ----------------------------------------------------------------------------------------

DATETIME_PATTERN = (
    r"^(19[7-9][0-9]|2[01][0-9]{2})-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}"
    r"(\.[0-9]{1,6})?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)
"""RFC 3339 with seconds and an offset, written in the years 1970–2199: in those years no offset
can carry the moment out of what ``datetime`` and the databases hold once it is in UTC."""


def _rfc3339_in_range(value: Any) -> Any:
    # Lax datetime parsing would read numbers (and digit strings) as Unix times, and accept dates
    # without a time or an offset; the document promises RFC 3339, so that is what is taken.
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or re.fullmatch(DATETIME_PATTERN, value) is None:
        raise ValueError(
            "expected a date and time with its offset between the years 1970 and 2199, "
            "e.g. 2026-11-30T18:00:00+01:00"
        )
    return value


def _in_utc(value: dt.datetime) -> dt.datetime:
    if value.utcoffset() is None:
        raise ValueError("needs a time zone offset, e.g. 2026-11-30T18:00:00Z")
    return value.astimezone(dt.UTC)


AwareDatetime = Annotated[
    dt.datetime,
    BeforeValidator(_rfc3339_in_range),
    AfterValidator(_in_utc),
    Field(
        strict=False,
        description="RFC 3339 with an offset, years 1970 to 2199; stored in UTC.",
        json_schema_extra={"pattern": DATETIME_PATTERN},
    ),
]
"""A moment written with its offset in the years 1970–2199 (no overflow), returned in UTC."""

MONTH_PATTERN = r"^(19[7-9][0-9]|2[01][0-9][0-9])-(0[1-9]|1[0-2])$"
Month = Annotated[
    str,
    StringConstraints(pattern=MONTH_PATTERN),
    Field(description="A month as YYYY-MM, 1970-01 to 2199-12.", examples=["2026-11"]),
]
"""A calendar month ``YYYY-MM`` whose bounds (start, next month) are valid datetimes."""

# Paging --------------------------------------------------------------------------------------

MAX_OFFSET = 2**31 - 1
"""Far past any real list, and within every database's OFFSET (an SQLite/PostgreSQL bigint)."""
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
Limit = Annotated[int, Field(ge=1, le=200)]

# Short strings -------------------------------------------------------------------------------


ProviderName = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$"),
    Field(description="Lower-case name used in task routes (at most 40 characters)."),
]
ModelName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""A model or deployment name: the AI usage table holds 200 characters."""
ObjectId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
"""An id of one of our rows (or of a platform's), as it comes in a path, query or form."""
