"""The inbox pages: every creator's conversations on one screen, and one conversation with the
fan beside it and a reply box (DESIGN.md §6 "Inbox sync", "Reply").

Replies go through the outbox like everything sent (compliance first, provenance recorded); the
page never talks to a platform. The conversation list refreshes itself while the page is open.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict
from starlette.responses import RedirectResponse, Response

from huntaze.accounts.auth import PageAuth, PageUser
from huntaze.accounts.permissions import Permission
from huntaze.core.errors import AppError
from huntaze.core.fields import PriceText
from huntaze.core.http import DbSession
from huntaze.creators.auth import PagePlatformAccountFromPath
from huntaze.creators.service import creators
from huntaze.fans.auth import PageFanFromPath
from huntaze.fans.models import Fan
from huntaze.fans.service import fans
from huntaze.inbox.service import inbox
from huntaze.outbox.schemas import OutboundCreate, OutboundFilter
from huntaze.outbox.service import outbox
from huntaze.outbox.states import Kind
from huntaze.team.routing import routing
from huntaze.web.forms import FormFields, FormState, parse_form
from huntaze.web.templating import register_nav, render, render_page_or_fragment

router = APIRouter(include_in_schema=False)
register_nav("Inbox", "/inbox", Permission.FANS_READ, order=30)
VIEWS = {
    "all": "All",
    "unread": "Unread, waiting longest",
    "big": "Big spenders",
    "new": "New (7 days)",
    "expired": "Expired",
}
REPLY_FIELDS = ("text", "price")


class ReplyForm(BaseModel):
    """The reply box as typed: the price in currency units, blank for a free message."""

    model_config = ConfigDict(extra="ignore")

    text: str = ""
    price: PriceText | None = None
    action: Literal["draft", "send"] = "draft"


def _view(value: str | None) -> str:
    return value if value in VIEWS else "all"


def _accounts(session: DbSession, auth: PageAuth) -> dict[str, str]:
    rows = creators.all_accounts(session, auth.actor)
    return {a.id: f"{name} · {a.platform} @{a.handle}" for a, name in rows}


@router.get("/inbox")
def inbox_page(
    request: Request, auth: PageUser, session: DbSession, view: str | None = None
) -> Response:
    """Every creator's conversations, in one of the views a chatter works from."""
    chosen = _view(view)
    context = {
        "view": chosen,
        "views": VIEWS,
        "conversations": fans.conversations(session, auth.actor, view=chosen),
        "accounts": _accounts(session, auth),
        "sync": inbox.sync_status(session, auth.actor),
    }
    return render_page_or_fragment(
        request, page="inbox/index.html", fragment="inbox/_list.html", context=context
    )


@router.post("/inbox/accounts/{account_id}/sync")
def sync_now(account: PagePlatformAccountFromPath, auth: PageUser, session: DbSession) -> Response:
    """Queue a sync of one account now."""
    inbox.request_sync(session, auth.actor, account)
    return RedirectResponse("/inbox?synced=" + account.id, status_code=303)


def _conversation(
    request: Request, session: DbSession, auth: PageAuth, fan: Fan, form: FormState, status: int
) -> Response:
    messages = list(reversed(inbox.messages(session, auth.actor, fan, limit=100)))
    pending = [
        m
        for m in outbox.list(
            session,
            auth.actor,
            OutboundFilter(platform_account_id=fan.platform_account_id, limit=200),
        )
        if m.platform_fan_id == fan.platform_fan_id and m.state != "sent"
    ]
    context = {
        "fan": fan,
        "messages": messages,
        "pending": pending,
        "account": _accounts(session, auth).get(fan.platform_account_id, ""),
        "form": form,
    }
    return render(request, "inbox/conversation.html", context, status=status)


@router.get("/inbox/{fan_id}")
def conversation(
    request: Request, fan: PageFanFromPath, auth: PageUser, session: DbSession
) -> Response:
    """One conversation: the messages, the fan's spend and state, and the reply box."""
    return _conversation(request, session, auth, fan, FormState(), 200)


def _reply(session: DbSession, auth: PageAuth, fan: Fan, values: Mapping[str, str]) -> None:
    typed = parse_form(ReplyForm, values)
    routing.before_reply(session, auth.actor, fan)
    data = parse_form(
        OutboundCreate,
        {
            "kind": Kind.PPV if typed.price else Kind.MESSAGE,
            "text": typed.text,
            "platform_fan_id": fan.platform_fan_id,
            "price_cents": typed.price or None,
        },
        renames={"price_cents": "price"},
    )
    outbox.create(
        session,
        auth.actor,
        platform_account_id=fan.platform_account_id,
        data=data,
        approve=typed.action == "send",
        queue=typed.action == "send",
    )
    fans.mark_read(session, auth.actor, fan)


@router.post("/inbox/{fan_id}/reply")
def reply(
    request: Request, fan: PageFanFromPath, auth: PageUser, session: DbSession, fields: FormFields
) -> Response:
    """Answer the fan: sent at once when compliance allows it, else a draft for a manager."""
    values = {name: fields.get(name, "") for name in REPLY_FIELDS}
    try:
        _reply(session, auth, fan, {**fields, **values})
    except AppError as exc:
        form = FormState.failed(values, exc, fields=("action",))
        return _conversation(request, session, auth, fan, form, exc.status_code)
    return RedirectResponse(f"/inbox/{fan.id}#reply", status_code=303)


@router.post("/inbox/{fan_id}/read")
def mark_read(fan: PageFanFromPath, auth: PageUser, session: DbSession) -> Response:
    """Mark the conversation read."""
    fans.mark_read(session, auth.actor, fan)
    return RedirectResponse("/inbox?view=unread", status_code=303)
