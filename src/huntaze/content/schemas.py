"""API shapes of the content vault."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from huntaze.core.fields import PriceCents

# Printable text only: no control characters (PostgreSQL refuses NUL in text).
_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
FolderName = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=100, pattern=_PRINTABLE)
]
TagName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=_PRINTABLE)
]
FileName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)]


class VaultItemOut(BaseModel):
    """A vault item as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    creator_id: str
    kind: str
    media_type: str
    filename: str
    size_bytes: int
    sha256: str
    width: int | None
    height: int | None
    has_thumbnail: bool
    folder: str
    tags: list[str]
    price_cents: int | None
    currency: str
    created_at: dt.datetime


class VaultItemUpdate(BaseModel):
    """What a person may change on an item: its folder, tags and price (null: not for sale)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    folder: FolderName | None = None
    tags: Annotated[list[TagName], Field(max_length=30)] | None = None
    price_cents: PriceCents | None = None
