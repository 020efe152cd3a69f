"""The shape of a simulator skin as the browser connector sees it (DESIGN.md §3).

Only structure lives here; the selectors themselves are in one file per skin
(``selectors_classic.py``, ``selectors_api2.py``). A :class:`ListSpec` field is read from each
list item as: ``"@attr"`` an attribute of the item, ``":class"`` its class list, ``":text"`` its
text, anything else the text of the first element matching that sub-selector.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from huntaze.platforms.browser.login import LoginSelectors


@dataclass(frozen=True, slots=True)
class ListSpec:
    """Items of a list on a page and the fields read from each."""

    item: str
    id_attr: str | None
    fields: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Pager:
    """What loads the next items: a button that appends, or a link to the next page."""

    selector: str
    appends: bool


@dataclass(frozen=True, slots=True)
class FormSelectors:
    """A composer: text, optional price and schedule, media picking, submit, error."""

    text: str
    submit: str
    error: str
    navigates: bool
    price: str | None = None
    schedule: str | None = None
    media_open: str | None = None
    media_pick: str | None = None  # with ``{id}``
    done: str | None = None


@dataclass(frozen=True, slots=True)
class Skin:
    """Everything the connector needs to find on one skin's pages."""

    name: str
    login: LoginSelectors
    ready: str
    clock: str
    clock_format: str
    time_format: str
    chats_path: str
    chat_list: ListSpec
    chats_pager: Pager
    unread_token: str
    chat_path: str
    messages: ListSpec
    outbound_token: str
    unpaid_marker: str
    older_messages: str | None
    composer: FormSelectors
    fans_path: str
    fans_all_tab: str | None
    fans_all_tab_loads: str | None  # URL glob of what the tab fetches
    fans: ListSpec
    fans_pager: Pager
    since_format: str
    statements_path: str
    transactions: ListSpec
    kind_prefix: str
    posts_path: str
    post_form: FormSelectors
    posts: ListSpec
    mass_path: str
    mass_form: FormSelectors


def skin_named(name: str | None) -> Skin:
    """The skin called ``name`` (``classic`` when not given)."""
    from huntaze.platforms.simulator_browser import selectors_api2, selectors_classic

    skins = {"classic": selectors_classic.SKIN, "api2": selectors_api2.SKIN}
    try:
        return skins[name or "classic"]
    except KeyError:
        raise LookupError(f"unknown simulator skin {name!r}; known: classic, api2") from None
