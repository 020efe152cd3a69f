"""Jinja2 templates for every HTML page, with the helpers every page needs (docs/architecture.md).

Templates live in ``huntaze/web/templates/<area>/``; ``_macros.html`` holds the pieces every page
shares (CSRF input, form field with its error, flash message, table, post button). The base
layout reads the current actor, the CSRF token and the navigation from the request state set by
authentication.

A page answering with an error status rolls its transaction back (DESIGN.md §8.3): whatever the
failed action wrote before it failed is not kept.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2.exceptions import UndefinedError
from starlette.responses import HTMLResponse

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Permission
from huntaze.core.http import roll_back_request

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

templates = Jinja2Templates(directory=str(TEMPLATE_DIR))


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _duration(seconds: float | None) -> str:
    """A span as a person says it: 45 s, 12 min, 3 h 20 min, 2 d 4 h."""
    if seconds is None:
        return "—"
    total = round(seconds)
    if total < 60:
        return f"{total} s"
    minutes = total // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


templates.env.filters["when"] = _when
templates.env.filters["duration"] = _duration


class PermissionFlags:
    """What the actor may do, one flag per :class:`Permission`: ``can.outbox_write``.

    Templates ask these flags, never permission strings; a name that is not a permission fails
    the render instead of reading as "not allowed".
    """

    __slots__ = ("_granted",)

    def __init__(self, actor: Actor | None) -> None:
        self._granted = frozenset(
            p.name.lower() for p in Permission if actor is not None and actor.can(p)
        )

    def __getattr__(self, name: str) -> bool:
        if name.upper() not in Permission.__members__:
            raise UndefinedError(f"{name!r} is not a permission")
        return name in self._granted


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """Render a page; the layout finds the actor and CSRF token on ``request.state``.

    An error status (4xx, 5xx) ends the request's transaction with a rollback.
    """
    if status >= 400:
        roll_back_request(request)
    actor: Actor | None = getattr(request.state, "actor", None)
    values: dict[str, Any] = {
        "actor": actor,
        "can": PermissionFlags(actor),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "navigation": visible_navigation(actor),
        "organizations": getattr(request.state, "organizations", []),
        "current_path": request.url.path,
    }
    values.update(context or {})
    return templates.TemplateResponse(request, template, values, status_code=status)


def is_htmx(request: Request) -> bool:
    """Whether HTMX made this request (it then swaps in a fragment, not a whole page)."""
    return request.headers.get("HX-Request") == "true"


def render_page_or_fragment(
    request: Request,
    *,
    page: str,
    fragment: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The ``fragment`` template for an HTMX request, the whole ``page`` otherwise."""
    template = fragment if is_htmx(request) else page
    return render(request, template, context, status=status)


class NavItem:
    """One entry of the main navigation, shown when the actor has ``permission``."""

    __slots__ = ("href", "label", "order", "permission")

    def __init__(self, label: str, href: str, permission: Permission | None, order: int) -> None:
        self.label = label
        self.href = href
        self.permission = permission
        self.order = order


NAVIGATION: list[NavItem] = []


def register_nav(
    label: str, href: str, permission: Permission | None = None, *, order: int
) -> None:
    """Add an area to the navigation at position ``order`` (areas not built never register).

    Orders by tens follow DESIGN.md §1's seven areas: 10 dashboard, 20 creators, 30 inbox,
    40 marketing, 50 content, 60 analytics, 70 AI, 80 compliance, 90+ team and settings.
    """
    if all(item.href != href for item in NAVIGATION):
        NAVIGATION.append(NavItem(label, href, permission, order))
        NAVIGATION.sort(key=lambda item: item.order)


def visible_navigation(actor: Actor | None) -> list[NavItem]:
    """The areas ``actor`` may open, in navigation order."""
    return [
        item
        for item in NAVIGATION
        if item.permission is None or (actor is not None and actor.can(item.permission))
    ]
