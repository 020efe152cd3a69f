"""Turning the persona form of the creators pages into validated schemas.

People type prices in currency units ("12.50") and lists as comma-separated text; the API takes
cents and JSON lists. Prices are read by the shared ``PriceText`` field type; errors name the form
field so the page can show them beside it (``huntaze.web.forms``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from huntaze.core.fields import PriceText
from huntaze.creators.models import Creator
from huntaze.creators.schemas import CreatorCreate
from huntaze.web.forms import GENERAL, parse_form

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
    "custom_min",
    "never_discount",
    "pet_names",
    "avoid_topics",
    "make_good",
)
# The persona's one rule across fields (price range) is shown beside the highest price.
_API_TO_FORM = {
    "price_min_cents": "price_min",
    "price_max_cents": "price_max",
    "custom_min_cents": "custom_min",
    GENERAL: "price_max",
}
EMPTY_FORM = {
    "display_name": "",
    "timezone": "UTC",
    "tone": "",
    "topics": "",
    "boundaries": "",
    "emoji_use": "light",
    "languages": "en",
    "price_min": "5.00",
    "price_max": "50.00",
    "currency": "USD",
    "custom_min": "",
    "never_discount": "",
    "pet_names": "",
    "avoid_topics": "",
    "make_good": "",
}


class _PersonaPrices(BaseModel):
    """The two typed prices of the form, in cents (blank: the default)."""

    model_config = ConfigDict(extra="ignore")

    price_min: PriceText | None = None
    price_max: PriceText | None = None
    custom_min: PriceText | None = None


def form_values(values: Mapping[str, str]) -> dict[str, str]:
    """The persona form's fields as plain strings (for redisplay)."""
    return {name: values.get(name, "") for name in FORM_FIELDS}


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def creator_from_form(values: Mapping[str, str]) -> CreatorCreate:
    """A validated ``CreatorCreate`` from the form; ``InvalidInputError`` naming form fields."""
    prices = parse_form(_PersonaPrices, values)
    data: dict[str, Any] = {
        "display_name": values["display_name"],
        "timezone": values["timezone"] or "UTC",
        "tone": values["tone"],
        "topics": _split(values["topics"]),
        "boundaries": values["boundaries"],
        "emoji_use": values["emoji_use"] or "light",
        "languages": _split(values["languages"]) or ["en"],
        "currency": (values["currency"] or "USD").upper(),
        "price_min_cents": 500 if prices.price_min is None else prices.price_min,
        "price_max_cents": 5000 if prices.price_max is None else prices.price_max,
        "custom_min_cents": prices.custom_min,
        "never_discount": values.get("never_discount", "") in ("on", "true", "1"),
        "pet_names": _split(values.get("pet_names", "")),
        "avoid_topics": _split(values.get("avoid_topics", "")),
        "make_good": values.get("make_good", ""),
    }
    return parse_form(CreatorCreate, data, renames=_API_TO_FORM)


def form_from_creator(creator: Creator) -> dict[str, str]:
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
        "custom_min": (
            "" if creator.custom_min_cents is None else f"{creator.custom_min_cents / 100:.2f}"
        ),
        "never_discount": "on" if creator.never_discount else "",
        "pet_names": ", ".join(creator.pet_names or []),
        "avoid_topics": ", ".join(creator.avoid_topics or []),
        "make_good": creator.make_good or "",
    }
