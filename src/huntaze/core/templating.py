"""Jinja2 templates for every HTML page, with the helpers every page needs.

Templates live in ``huntaze/web/templates/<area>/``; the base layout reads the current actor,
the CSRF token and the navigation from the request state set by authentication.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "web" / "templates"

templates = Jinja2Templates(directory=str(TEMPLATE_DIR))


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    return value.strftime("%Y-%m-%d %H:%M UTC")


templates.env.filters["when"] = _when


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """Render a page; the layout finds the actor and CSRF token on ``request.state``."""
    values: dict[str, Any] = {
        "actor": getattr(request.state, "actor", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "nav": getattr(request.state, "nav", []),
        "organizations": getattr(request.state, "organizations", []),
        "current_path": request.url.path,
    }
    values.update(context or {})
    return templates.TemplateResponse(request, template, values, status_code=status)


class NavItem:
    """One entry of the main navigation, shown when the actor has ``permission``."""

    __slots__ = ("href", "label", "order", "permission")

    def __init__(self, label: str, href: str, permission: str | None, order: int) -> None:
        self.label = label
        self.href = href
        self.permission = permission
        self.order = order


NAVIGATION: list[NavItem] = []


def register_nav(label: str, href: str, permission: str | None = None, *, order: int) -> None:
    """Add an area to the navigation at position ``order`` (areas not built never register).

    Orders by tens follow DESIGN.md §1's seven areas: 10 dashboard, 20 creators, 30 inbox,
    40 marketing, 50 content, 60 analytics, 70 AI, 80 compliance, 90+ team and settings.
    """
    if all(item.href != href for item in NAVIGATION):
        NAVIGATION.append(NavItem(label, href, permission, order))
        NAVIGATION.sort(key=lambda item: item.order)


templates.env.globals["navigation"] = NAVIGATION
