"""The page of one vault item, and the form of a folder's price ladder (issue 16).

The item page answers the agency's first question about any item — who already received or
bought it — with its performance (offers, buy rate, revenue), the price its next offer would go
out at, and the history of its prices (who changed what, when).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from starlette.responses import Response

from huntaze.accounts.auth import PageUser
from huntaze.content.auth import PageVaultItemFromPath
from huntaze.content.offers import offers
from huntaze.content.pricing import MAX_STEPS, prices, suggested_price
from huntaze.content.schemas import FolderName
from huntaze.core.fields import MAX_PRICE_CENTS, cents_from_text
from huntaze.core.http import DbSession
from huntaze.creators.service import creators
from huntaze.web.templating import render

router = APIRouter(include_in_schema=False)


def _steps(value: object) -> object:
    if not isinstance(value, str):
        return value
    parts = [part for part in value.replace(";", ",").split(",") if part.strip()]
    if len(parts) > MAX_STEPS:
        raise ValueError(f"at most {MAX_STEPS} prices")
    steps = []
    for part in parts:
        cents = cents_from_text(part, max_cents=MAX_PRICE_CENTS)
        if cents is None or cents == 0:
            raise ValueError("each price is an amount above 0, such as 12.50")
        steps.append(cents)
    return steps


class LadderForm(BaseModel):
    """A folder and its prices, typed as ``20, 15, 10`` (blank: no ladder)."""

    model_config = ConfigDict(extra="ignore")

    folder: Annotated[FolderName, StringConstraints(min_length=1)]
    steps: Annotated[list[int], BeforeValidator(_steps), Field(max_length=MAX_STEPS)] = []


@router.get("/vault/{item_id}")
def item_page(
    request: Request, item: PageVaultItemFromPath, auth: PageUser, session: DbSession
) -> Response:
    """The item with who received or bought it, how it sells and its price history."""
    creator = creators.get(session, auth.actor, item.creator_id)
    found = offers.of_item(session, auth.actor, item)
    ladder = prices.ladder_of(session, auth.actor, item)
    context = {
        "creator": creator,
        "item": item,
        "performance": found.performance,
        "fans": found.fans,
        "ladder": ladder,
        "first_offer": suggested_price(item, ladder, unbought_offers=0),
        "next_offers": {
            entry.fan_id: suggested_price(item, ladder, unbought_offers=entry.unbought_offers)
            for entry in found.fans
        },
        "history": prices.history(session, auth.actor, item),
    }
    return render(request, "content/item.html", context)
