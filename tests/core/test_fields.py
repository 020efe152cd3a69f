"""The shared field types refuse what would overflow, and keep what people type."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from huntaze.core.fields import (
    MAX_OFFSET,
    AwareDatetime,
    BudgetCents,
    Month,
    Offset,
    PriceCents,
    PriceText,
    cents_from_text,
)


class Shapes(BaseModel):
    model_config = ConfigDict(strict=True)

    price: PriceCents | None = None
    budget: BudgetCents | None = None
    typed_price: PriceText | None = None
    at: AwareDatetime | None = None
    month: Month | None = None
    offset: Offset = 0


@pytest.mark.parametrize(
    ("text", "cents"),
    [("12.50", 1250), ("$7", 700), ("3,5", 350), (" 0.99 ", 99), ("", None), ("100000", 10**7)],
)
def test_typed_amounts_become_cents(text: str, cents: int | None) -> None:
    assert cents_from_text(text) == cents


@pytest.mark.parametrize(
    "text",
    ["1e999999", "NaN", "sNaN", "Infinity", "-inf", "-1", "1.234", "1e20", "0x10", "1_000", "abc"],
)
def test_typed_amounts_that_are_not_money_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="amount"):
        cents_from_text(text)


def test_typed_amount_above_the_bound_is_refused() -> None:
    with pytest.raises(ValueError, match="at most 100,000"):
        cents_from_text("100000.01")
    assert cents_from_text("99999999", max_cents=10**10) == 9_999_999_900


def test_api_cents_take_integral_json_numbers() -> None:
    assert Shapes.model_validate({"price": 5.0}).price == 5


def test_typed_price_field_parses_text() -> None:
    assert Shapes.model_validate({"typed_price": "9.99"}).typed_price == 999
    with pytest.raises(ValidationError):
        Shapes.model_validate({"typed_price": "Infinity"})


@pytest.mark.parametrize("value", [True, 5.5, "5", -1, 10**20, 1e20, float("nan"), float("inf")])
def test_api_cents_take_only_bounded_integers(value: object) -> None:
    with pytest.raises(ValidationError):
        Shapes.model_validate({"price": value})
    with pytest.raises(ValidationError):
        Shapes.model_validate({"budget": value})


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "1969-12-31T23:59:59Z",
        "2200-01-01T00:00:00Z",
        "2026-11-30T18:00:00",
        "2026-11-30",
        "1700000000",
        "2026-11-30 18:00:00+01:00x",
    ],
)
def test_datetimes_out_of_range_or_without_offset_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        Shapes.model_validate({"at": text})


def test_numbers_are_not_read_as_datetimes() -> None:
    with pytest.raises(ValidationError):
        Shapes.model_validate({"at": 1_700_000_000})


def test_datetimes_come_back_in_utc() -> None:
    at = Shapes.model_validate({"at": "2026-11-30T18:00:00+01:00"}).at
    assert at == dt.datetime(2026, 11, 30, 17, tzinfo=dt.UTC)
    assert at is not None and at.tzinfo is dt.UTC


@pytest.mark.parametrize("month", ["9999-12", "0000-01", "2026-13", "2026-00", "2026-1", "26-11"])
def test_months_out_of_range_are_refused(month: str) -> None:
    with pytest.raises(ValidationError):
        Shapes.model_validate({"month": month})


def test_month_bounds_hold_datetimes() -> None:
    assert Shapes.model_validate({"month": "2199-12"}).month == "2199-12"


def test_offsets_stay_within_what_a_database_holds() -> None:
    assert Shapes.model_validate({"offset": MAX_OFFSET}).offset == MAX_OFFSET
    with pytest.raises(ValidationError):
        Shapes.model_validate({"offset": 2**63})
