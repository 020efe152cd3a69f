"""Turning the persona form of the creators pages into validated schemas.

People type prices in currency units ("12.50") and lists as comma-separated text; the API takes
cents and JSON lists. Errors name the form field so the page can show them beside it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from huntaze.creators.schemas import CreatorCreate

FORM_FIELDS = (
    "display_name",
    "timezone",
    "tone",
    "topics",
    "boundaries",
    "emoji_use",
    "languages",
    "price_min",
    "price_max",
    "currency",
)
_API_TO_FORM = {"price_min_cents": "price_min", "price_max_cents": "price_max"}


class PersonaFormError(Exception):
    """The form has errors; ``errors`` maps form field names to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("invalid form")
        self.errors = errors


def form_values(form: FormData) -> dict[str, str]:
    """The persona form's fields as plain strings (for redisplay)."""
    return {name: str(form.get(name, "") or "") for name in FORM_FIELDS}


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _cents(text: str, field: str, errors: dict[str, str]) -> int | None:
    try:
        amount = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        errors[field] = "enter an amount such as 12.50"
        return None
    if not amount.is_finite() or amount < 0 or amount > 100_000:
        errors[field] = "enter an amount between 0 and 100000"
        return None
    return int((amount * 100).to_integral_value())


def creator_from_form(values: dict[str, str]) -> CreatorCreate:
    """A validated ``CreatorCreate`` from the form; :class:`PersonaFormError` otherwise."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {
        "display_name": values["display_name"],
        "timezone": values["timezone"] or "UTC",
        "tone": values["tone"],
        "topics": _split(values["topics"]),
        "boundaries": values["boundaries"],
        "emoji_use": values["emoji_use"] or "light",
        "languages": _split(values["languages"]) or ["en"],
        "currency": (values["currency"] or "USD").upper(),
        "price_min_cents": _cents(values["price_min"] or "5", "price_min", errors),
        "price_max_cents": _cents(values["price_max"] or "50", "price_max", errors),
    }
    if errors:
        raise PersonaFormError(errors)
    try:
        return CreatorCreate.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "price_max_cents"
            errors[_API_TO_FORM.get(field, field)] = err["msg"].removeprefix("Value error, ")
        raise PersonaFormError(errors) from None


def form_from_creator(creator: Any) -> dict[str, str]:
    """The persona form pre-filled from a creator."""
    return {
        "display_name": creator.display_name,
        "timezone": creator.timezone,
        "tone": creator.tone,
        "topics": ", ".join(creator.topics),
        "boundaries": creator.boundaries,
        "emoji_use": creator.emoji_use,
        "languages": ", ".join(creator.languages),
        "price_min": f"{creator.price_min_cents / 100:.2f}",
        "price_max": f"{creator.price_max_cents / 100:.2f}",
        "currency": creator.currency,
    }
