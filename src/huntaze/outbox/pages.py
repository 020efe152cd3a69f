"""The outbox page: every outbound message by state, its verdict and provenance, and the
actions a person takes on it — write, approve, send, cancel (DESIGN.md §2.1, §2.3, §6 "Send").

The page never talks to a platform: sending hands the row to the queue, and while messages are
queued or sending the table refreshes itself every few seconds so progress shows without a
reload. The buttons of each row are the actions the state machine and the person's role allow
(:func:`huntaze.outbox.auth.allowed_actions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict
from starlette.responses import RedirectResponse, Response

from huntaze.accounts.auth import PageAuth, PageUser
from huntaze.accounts.permissions import Permission
from huntaze.accounts.service import accounts
from huntaze.core.errors import AppError
from huntaze.core.fields import ObjectId, PriceText
from huntaze.core.http import DbSession
from huntaze.creators.auth import PagePlatformAccountFromPath
from huntaze.creators.service import creators
from huntaze.outbox.accounts import account_recovery
from huntaze.outbox.auth import PageOutboundMessageFromPath, allowed_actions
from huntaze.outbox.schemas import OutboundCreate, OutboundFilter
from huntaze.outbox.service import outbox
from huntaze.outbox.states import Kind, State
from huntaze.web.forms import FormFields, FormState, parse_form
from huntaze.web.templating import register_nav, render, render_page_or_fragment

router = APIRouter(include_in_schema=False)
register_nav("Outbox", "/outbox", Permission.OUTBOX_READ, order=35)
ACTIVE = frozenset({State.QUEUED, State.SENDING})
# The newest messages shown per state; the page refreshes every few seconds while sends run,
# so it stays light (the API pages through everything).
PAGE_ROWS = 50
COMPOSE_FIELDS = ("platform_account_id", "platform_fan_id", "text", "price")


class ComposeForm(BaseModel):
    """The "write a message" form as typed: the price in currency units, blank for none."""

    model_config = ConfigDict(extra="ignore")

    platform_account_id: ObjectId
    platform_fan_id: str = ""
    text: str = ""
    price: PriceText | None = None
    action: Literal["draft", "send"] = "draft"


def _state_filter(state: str | None) -> State | None:
    return State(state) if state in {s.value for s in State} else None


def _context(
    session: DbSession, auth: PageAuth, state: State | None, form: FormState
) -> dict[str, object]:
    messages = outbox.list(session, auth.actor, OutboundFilter(state=state, limit=PAGE_ROWS))
    people = {m.user_id: m.user.name for m in accounts.members(session, auth.actor)}
    account_rows = creators.all_accounts(session, auth.actor)
    return {
        "messages": messages,
        "actions": {m.id: allowed_actions(auth.actor, m.state) for m in messages},
        "retry_at": {m.id: m.next_attempt_at for m in messages if m.state == State.QUEUED.value},
        "state": state.value if state else None,
        "counts": outbox.counts(session, auth.actor),
        "states": [s.value for s in State],
        "people": people,
        "accounts": {a.id: f"{name} · {a.platform} @{a.handle}" for a, name in account_rows},
        "active": any(m.state in ACTIVE for m in messages),
        "form": form,
    }


@router.get("/outbox")
def outbox_page(
    request: Request, auth: PageUser, session: DbSession, state: str | None = None
) -> Response:
    """Outbound messages of one state (or all), with their verdicts and who wrote them."""
    context = _context(session, auth, _state_filter(state), FormState())
    return render_page_or_fragment(
        request, page="outbox/index.html", fragment="outbox/_table.html", context=context
    )


def _compose(session: DbSession, auth: PageAuth, values: Mapping[str, str]) -> tuple[str, str]:
    typed = parse_form(ComposeForm, values)
    data = parse_form(
        OutboundCreate,
        {
            "kind": Kind.PPV if typed.price else Kind.MESSAGE,
            "text": typed.text,
            "platform_fan_id": typed.platform_fan_id.strip() or None,
            "price_cents": typed.price or None,
        },
        renames={"price_cents": "price"},
    )
    message = outbox.create(
        session,
        auth.actor,
        platform_account_id=typed.platform_account_id,
        data=data,
        approve=typed.action == "send",
        queue=typed.action == "send",
    )
    return message.id, message.state


@router.post("/outbox")
def compose(request: Request, auth: PageUser, session: DbSession, fields: FormFields) -> Response:
    """Write a message to one fan: a draft, or sent at once when compliance allows it."""
    values = {name: fields.get(name, "") for name in COMPOSE_FIELDS}
    try:
        message_id, state = _compose(session, auth, {**fields, **values})
    except AppError as exc:
        form = FormState.failed(values, exc, fields=("action",))
        context = _context(session, auth, None, form)
        return render(request, "outbox/index.html", context, status=exc.status_code)
    return RedirectResponse(f"/outbox?state={state}#m-{message_id}", status_code=303)


def _back(request: Request) -> RedirectResponse:
    state = _state_filter(request.query_params.get("state"))
    return RedirectResponse(f"/outbox?state={state}" if state else "/outbox", status_code=303)


@router.post("/outbox/{message_id}/approve")
def approve(
    request: Request, message: PageOutboundMessageFromPath, auth: PageUser, session: DbSession
) -> Response:
    """Approve a draft (a review or block verdict needs a role that may override it)."""
    outbox.approve(session, auth.actor, message.id)
    return _back(request)


@router.post("/outbox/{message_id}/send")
def send(
    request: Request, message: PageOutboundMessageFromPath, auth: PageUser, session: DbSession
) -> Response:
    """Hand an approved message to the send queue."""
    outbox.queue(session, auth.actor, message.id)
    return _back(request)


@router.post("/outbox/{message_id}/cancel")
def cancel(
    request: Request, message: PageOutboundMessageFromPath, auth: PageUser, session: DbSession
) -> Response:
    """Stop a message that has not started sending."""
    outbox.cancel(session, auth.actor, message.id)
    return _back(request)


@router.post("/platform-accounts/{account_id}/check")
def check_connection(
    account: PagePlatformAccountFromPath, auth: PageUser, session: DbSession
) -> Response:
    """Ask a worker to log in to the account; its state shows on the creator page."""
    account_recovery.check_connection(session, auth.actor, account.id)
    return RedirectResponse(f"/creators/{account.creator_id}?checking=1", status_code=303)


@router.post("/platform-accounts/{account_id}/retry")
def retry_now(account: PagePlatformAccountFromPath, auth: PageUser, session: DbSession) -> Response:
    """Send the account's waiting messages now (after fixing its credentials)."""
    woken = account_recovery.retry_now(session, auth.actor, account.id)
    return RedirectResponse(f"/creators/{account.creator_id}?retried={woken}", status_code=303)
