"""The inbox pages: every creator's conversations on one screen, and one conversation with the
fan beside it and a reply box (DESIGN.md §6 "Inbox sync", "Reply").

Replies go through the outbox like everything sent (compliance first, provenance recorded); the
page never talks to a platform. The conversation list refreshes itself while the page is open.
The assistant's reading of the fan's last message and its drafts load into the conversation
after it opens (``/inbox/{fan_id}/assistant``), so a slow reading never holds the page; the
saved replies and the provenance export are in :mod:`huntaze.inbox.library_pages`. Keyboard
shortcuts are ``static/inbox.js``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.responses import RedirectResponse, Response

from huntaze.accounts.auth import PageAuth, PageUser
from huntaze.accounts.permissions import Permission
from huntaze.content.offers import offers
from huntaze.core.errors import AppError, InvalidInputError, field_error
from huntaze.core.fields import PriceText
from huntaze.core.http import DbSession
from huntaze.creators.auth import PagePlatformAccountFromPath
from huntaze.creators.service import creators
from huntaze.fans.auth import PageFanFromPath
from huntaze.fans.crm import crm
from huntaze.fans.models import Fan
from huntaze.fans.service import fans
from huntaze.inbox import library_pages
from huntaze.inbox.assistant import assistant
from huntaze.inbox.replies import EDITABLE, ReplyIn, replies
from huntaze.inbox.scripts import scripts
from huntaze.inbox.service import inbox
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.schemas import OutboundFilter
from huntaze.outbox.service import outbox
from huntaze.web.forms import FormFields, FormState, parse_form
from huntaze.web.templating import register_nav, render, render_page_or_fragment

router = APIRouter(include_in_schema=False)
router.include_router(library_pages.router)
register_nav("Inbox", "/inbox", Permission.FANS_READ, order=30)
VIEWS = {
    "all": "All",
    "unread": "Unread, waiting longest",
    "big": "Big spenders",
    "new": "New (7 days)",
    "expired": "Expired",
}
REPLY_FIELDS = ("text", "price", "suggested", "script_id", "replaces")
REPLY_MAX = 5000
ASSISTANT_WAIT_S = 3.0
"""How long the assistant's panel waits for a cold model before answering with a placeholder."""
QueryId = Annotated[str | None, Query(max_length=64)]


class ReplyForm(BaseModel):
    """The reply box as typed: the price in currency units, blank for a free message; where the
    text came from (the suggestion used, the saved reply inserted, the reply it replaces)."""

    model_config = ConfigDict(extra="ignore")

    text: str = ""
    price: PriceText | None = None
    action: Literal["draft", "send"] = "draft"
    suggested: str = Field(default="", max_length=2000)
    script_id: str = Field(default="", max_length=64)
    replaces: str = Field(default="", max_length=64)

    @field_validator("text")
    @classmethod
    def _sized(cls, text: str) -> str:
        text = text.strip()
        if not text:
            raise ValueError("write a reply first: it is empty")
        if len(text) > REPLY_MAX:
            size = f"{len(text):,}"
            raise ValueError(f"a reply is at most {REPLY_MAX:,} characters; this one has {size}")
        return text


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


def _pending(session: DbSession, auth: PageAuth, fan: Fan) -> list[OutboundMessage]:
    found = outbox.list(
        session,
        auth.actor,
        OutboundFilter(platform_account_id=fan.platform_account_id, limit=200),
    )
    return [m for m in found if m.platform_fan_id == fan.platform_fan_id and m.state != "sent"]


def _conversation(
    request: Request,
    session: DbSession,
    auth: PageAuth,
    fan: Fan,
    form: FormState,
    status: int,
    *,
    notice: str = "",
) -> Response:
    messages = list(reversed(inbox.messages(session, auth.actor, fan, limit=100)))
    can_read_fans = auth.actor.can(Permission.FANS_READ)
    pending = _pending(session, auth, fan)
    context = {
        "fan": fan,
        "messages": messages,
        "pending": pending,
        "editable": {m.id for m in pending if m.state in EDITABLE},
        "written": replies.origins(session, auth.actor, pending),
        "account": _accounts(session, auth).get(fan.platform_account_id, ""),
        "scripts": scripts.library(session, auth.actor, creator_id=fan.creator_id),
        "crm_card": crm.card(session, auth.actor, fan) if can_read_fans else None,
        "vault_had": offers.received_by(session, auth.actor, fan),
        "form": form,
        "notice": notice,
    }
    return render(request, "inbox/conversation.html", context, status=status)


def _prefill(
    session: DbSession,
    auth: PageAuth,
    fan: Fan,
    *,
    draft: int | None,
    script: str | None,
    edit: str | None,
) -> dict[str, str]:
    """The reply box filled from a suggestion, a saved reply or a waiting reply to edit."""
    if edit:
        return {"text": replies.editable(session, auth.actor, fan, edit), "replaces": edit}
    if script:
        chosen = scripts.get(session, auth.actor, script)
        price = f"{chosen.price_cents / 100:.2f}" if chosen.price_cents else ""
        text = scripts.fill(session, auth.actor, chosen, fan)
        return {"text": text, "price": price, "script_id": chosen.id}
    if draft:
        suggestion = assistant.suggest(session, auth.actor, fan)
        drafts = suggestion.drafts if suggestion is not None else ()
        if draft > len(drafts):
            raise InvalidInputError(
                "There is no such suggestion for this message any more.",
                errors=[field_error("draft", "no such suggestion")],
            )
        text = drafts[draft - 1].text
        return {"text": text, "suggested": text}
    return {}


@router.get("/inbox/{fan_id}")
def conversation(
    request: Request,
    fan: PageFanFromPath,
    auth: PageUser,
    session: DbSession,
    draft: Annotated[int | None, Query(ge=1, le=9)] = None,
    script: QueryId = None,
    edit: QueryId = None,
    held: QueryId = None,
) -> Response:
    """One conversation: the messages, the fan's spend and state, and the reply box (filled
    from a suggestion, a saved reply or a waiting reply to edit when one is named)."""
    notice = "Saved for a manager: this conversation is flagged." if held == "1" else ""
    try:
        values = _prefill(session, auth, fan, draft=draft, script=script, edit=edit)
    except AppError as exc:
        form = FormState.failed({}, exc)
        return _conversation(request, session, auth, fan, form, exc.status_code)
    return _conversation(request, session, auth, fan, FormState(values=values), 200, notice=notice)


@router.get("/inbox/{fan_id}/assistant")
def assistant_panel(
    request: Request, fan: PageFanFromPath, auth: PageUser, session: DbSession
) -> Response:
    """The reading of the fan's last message, its flags and the drafts (a fragment for HTMX);
    while the model is still loading, a placeholder that asks again shortly."""
    if not assistant.ready(wait_s=ASSISTANT_WAIT_S):
        context: dict[str, object] = {"fan": fan, "loading": True}
    else:
        context = {"fan": fan, "suggestion": assistant.suggest(session, auth.actor, fan)}
    return render_page_or_fragment(
        request, page="inbox/assistant.html", fragment="inbox/_assistant.html", context=context
    )


@router.get("/inbox/{fan_id}/next")
def next_conversation(fan: PageFanFromPath, auth: PageUser, session: DbSession) -> Response:
    """The next conversation waiting for an answer after this one (the inbox when none)."""
    waiting = fans.conversations(session, auth.actor, view="unread", limit=20)
    following = next((f for f in waiting if f.id != fan.id), None)
    target = f"/inbox/{following.id}" if following is not None else "/inbox?view=unread"
    return RedirectResponse(target, status_code=303)


@router.post("/inbox/{fan_id}/reply")
def reply(
    request: Request, fan: PageFanFromPath, auth: PageUser, session: DbSession, fields: FormFields
) -> Response:
    """Answer the fan: sent at once when compliance allows it, else a draft for a manager."""
    values = {name: fields.get(name, "") for name in REPLY_FIELDS}
    try:
        typed = parse_form(ReplyForm, {**fields, **values})
        done = replies.reply(
            session,
            auth.actor,
            fan,
            ReplyIn(
                text=typed.text,
                price_cents=typed.price or None,
                send=typed.action == "send",
                suggested=typed.suggested,
                script_id=typed.script_id,
                replaces=typed.replaces,
            ),
        )
    except AppError as exc:
        form = FormState.failed(values, exc, fields=("action", "script", "draft"))
        return _conversation(request, session, auth, fan, form, exc.status_code)
    held = "?held=1" if done.held_for_manager else ""
    return RedirectResponse(f"/inbox/{fan.id}{held}#reply", status_code=303)


@router.post("/inbox/{fan_id}/read")
def mark_read(fan: PageFanFromPath, auth: PageUser, session: DbSession) -> Response:
    """Mark the conversation read."""
    fans.mark_read(session, auth.actor, fan)
    return RedirectResponse("/inbox?view=unread", status_code=303)
