"""API shapes of the fans domain."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal
from urllib.parse import urlencode

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from huntaze.fans.models import FIELD_KEY_MAX, FIELD_VALUE_MAX, NOTE_MAX, TAG_MAX, VIEW_NAME_MAX


class FanOut(BaseModel):
    """A fan as the API shows them."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    creator_id: str
    platform_account_id: str
    platform_fan_id: str
    username: str
    display_name: str
    status: str
    subscribed_at: dt.datetime | None
    expires_at: dt.datetime | None
    total_spent_cents: int
    spent_subscription_cents: int
    spent_tip_cents: int
    spent_ppv_cents: int
    spent_message_cents: int
    platform_spent_cents: int
    last_purchase_at: dt.datetime | None
    last_message_at: dt.datetime | None
    last_inbound_at: dt.datetime | None
    unread_count: int
    opted_out: bool


class FanFilter(BaseModel):
    """Query parameters of the fan list."""

    model_config = ConfigDict(extra="forbid")

    creator_id: str | None = Field(default=None, max_length=32)
    status: str | None = Field(default=None, pattern="^(active|expired)$")
    q: str | None = Field(default=None, max_length=100)
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=1_000_000)


# The fan CRM's pages (issue 15) ---------------------------------------------------------------

FAN_SORTS = {
    "recent": "Last message",
    "spend": "Total spent",
    "newest": "Newest subscribers",
    "expiring": "Expiring soonest",
    "name": "Username",
}
SPEND_BRACKETS = {
    "none": "Nothing yet",
    "under_50": "Under $50",
    "50_200": "$50 – $200",
    "200_1000": "$200 – $1,000",
    "over_1000": "$1,000 and more",
}
SUBSCRIPTION_STATES = {"active": "Active", "expired": "Expired"}
FANS_PER_PAGE = 50
TIMELINE_PER_PAGE = 50
MAX_PAGE = 100_000


def _blank_is_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value.strip() if isinstance(value, str) else value


def _checkbox(value: object) -> object:
    if value is None or value == "":
        return False
    if value in ("1", "on", "true", True):
        return True
    raise ValueError("expected a checkbox: 1 or blank")


OptionalText = BeforeValidator(_blank_is_none)


class FanListFilter(BaseModel):
    """The fan list's filters as the page's query string carries them (blank: any)."""

    model_config = ConfigDict(extra="ignore")

    creator: Annotated[Annotated[str, Field(max_length=32)] | None, OptionalText] = None
    state: Annotated[Literal["active", "expired"] | None, OptionalText] = None
    spend: Annotated[
        Literal["none", "under_50", "50_200", "200_1000", "over_1000"] | None, OptionalText
    ] = None
    new: Annotated[bool, BeforeValidator(_checkbox)] = False
    tag: Annotated[Annotated[str, Field(max_length=40)] | None, OptionalText] = None
    q: Annotated[Annotated[str, Field(max_length=100)] | None, OptionalText] = None
    sort: Annotated[
        Literal["recent", "spend", "newest", "expiring", "name"],
        BeforeValidator(lambda v: v or "recent"),
    ] = "recent"
    page: Annotated[int, BeforeValidator(lambda v: v or 1), Field(ge=1, le=MAX_PAGE)] = 1

    def query_string(self, *, page: int | None = None) -> str:
        """The filters as a query string (defaults left out), for links and saved views."""
        values: dict[str, str] = {}
        for name in ("creator", "state", "spend", "tag", "q"):
            value = getattr(self, name)
            if value:
                values[name] = value
        if self.new:
            values["new"] = "1"
        if self.sort != "recent":
            values["sort"] = self.sort
        if page and page > 1:
            values["page"] = str(page)
        return urlencode(values)

    @property
    def is_default(self) -> bool:
        """Whether no filter is set (the whole list)."""
        return not self.query_string()


_LABEL = re.compile(r"[\w][\w \-]*")


def _label(value: str) -> str:
    if not _LABEL.fullmatch(value):
        raise ValueError(
            "use letters, digits, spaces and dashes only, starting with a letter or digit"
        )
    return value


NoteText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NOTE_MAX)
]
FieldValue = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=FIELD_VALUE_MAX)
]
ViewName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=VIEW_NAME_MAX)
]


class NoteIn(BaseModel):
    """A note as typed."""

    model_config = ConfigDict(extra="ignore")

    text: NoteText


class TagIn(BaseModel):
    """A tag as typed: letters, digits, spaces, dashes; stored lower-case."""

    model_config = ConfigDict(extra="ignore")

    tag: Annotated[
        str,
        StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=TAG_MAX),
        AfterValidator(_label),
    ]


class FieldIn(BaseModel):
    """A custom field as typed: a short key and its value."""

    model_config = ConfigDict(extra="ignore")

    key: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=FIELD_KEY_MAX),
        AfterValidator(_label),
    ]
    value: FieldValue


class SavedViewIn(BaseModel):
    """A saved view's name as typed."""

    model_config = ConfigDict(extra="ignore")

    name: ViewName
