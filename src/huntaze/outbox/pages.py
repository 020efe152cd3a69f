"""The outbox page: every outbound message by state, its verdict and provenance, and the
actions a person takes on it — write, approve, send, cancel (DESIGN.md §2.1, §2.3, §6 "Send").

The page never talks to a platform: sending hands the row to the queue, and while messages are
queued or sending the table refreshes itself every few seconds so progress shows without a
reload.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from huntaze.accounts.auth import PageAuth, PageUser
from huntaze.accounts.permissions import Permission
from huntaze.accounts.service import accounts
from huntaze.core.errors import AppError
from huntaze.core.http import DbSession
from huntaze.core.templating import register_nav, render
from huntaze.creators.service import creators
from huntaze.outbox.accounts import account_recovery
from huntaze.outbox.schemas import OutboundCreate, OutboundFilter
from huntaze.outbox.service import outbox
from huntaze.outbox.states import TERMINAL, Kind, State

router = APIRouter(include_in_schema=False)
register_nav("Outbox", "/outbox", Permission.OUTBOX_READ.value, order=35)
ACTIVE = frozenset({State.QUEUED.value, State.SENDING.value})


def _state_filter(state: str | None) -> State | None:
    return State(state) if state in {s.value for s in State} else None


def _context(session: DbSession, auth: PageAuth, state: State | None) -> dict[str, object]:
    messages = outbox.list(session, auth.actor, OutboundFilter(state=state, limit=100))
    people = {m.user_id: m.user.name for m in accounts.members(session, auth.actor)}
    account_rows = creators.all_accounts(session, auth.actor)
    return {
        "messages": messages,
        "state": state.value if state else None,
        "counts": outbox.counts(session, auth.actor),
        "states": [s.value for s in State],
        "terminal": {s.value for s in TERMINAL},
        "people": people,
        "accounts": {a.id: f"{name} · {a.platform} @{a.handle}" for a, name in account_rows},
        "active": any(m.state in ACTIVE for m in messages),
        "can_write": auth.actor.can(Permission.OUTBOX_WRITE),
        "can_approve": auth.actor.can(Permission.OUTBOX_APPROVE),
    }


@router.get("/outbox")
def outbox_page(
    request: Request, auth: PageUser, session: DbSession, state: str | None = None
) -> Response:
    """Outbound messages of one state (or all), with their verdicts and who wrote them."""
    context = _context(session, auth, _state_filter(state))
    template = "outbox/_table.html" if request.headers.get("HX-Request") else "outbox/index.html"
    return render(request, template, context | {"form": {}, "errors": []})


def _price_cents(price: str) -> int | None:
    if not price.strip():
        return None
    try:
        amount = Decimal(price.strip().replace(",", "."))
    except InvalidOperation:
        return -1
    return int((amount * 100).to_integral_value()) if amount.is_finite() else -1


@router.post("/outbox")
def compose(
    request: Request,
    auth: PageUser,
    session: DbSession,
    platform_account_id: Annotated[str, Form(max_length=64)],
    platform_fan_id: Annotated[str, Form(max_length=200)],
    text: Annotated[str, Form(max_length=10_000)],
    price: Annotated[str, Form(max_length=20)] = "",
    action: Annotated[str, Form(pattern="^(draft|send)$")] = "draft",
) -> Response:
    """Write a message to one fan: a draft, or sent at once when compliance allows it."""
    form = {
        "platform_account_id": platform_account_id,
        "platform_fan_id": platform_fan_id,
        "text": text,
        "price": price,
    }
    cents = _price_cents(price)
    try:
        data = OutboundCreate.model_validate(
            {
                "kind": Kind.PPV if cents else Kind.MESSAGE,
                "text": text,
                "platform_fan_id": platform_fan_id.strip() or None,
                "price_cents": cents,
            }
        )
        message = outbox.create(
            session,
            auth.actor,
            platform_account_id=platform_account_id,
            data=data,
            approve=action == "send",
            queue=action == "send",
        )
    except ValidationError as exc:
        errors = [
            f"{'.'.join(str(p) for p in e['loc']) or 'message'}: "
            f"{e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        ]
        return _redisplay(request, auth, session, form, errors)
    except AppError as exc:
        if exc.status_code == 403:
            raise
        return _redisplay(request, auth, session, form, [exc.detail])
    return RedirectResponse(f"/outbox?state={message.state}#m-{message.id}", status_code=303)


def _redisplay(
    request: Request, auth: PageAuth, session: DbSession, form: dict[str, str], errors: list[str]
) -> Response:
    context = _context(session, auth, None)
    return render(
        request, "outbox/index.html", context | {"form": form, "errors": errors}, status=422
    )


def _back(request: Request) -> RedirectResponse:
    state = request.query_params.get("state")
    return RedirectResponse(f"/outbox?state={state}" if state else "/outbox", status_code=303)


@router.post("/outbox/{message_id}/approve")
def approve(request: Request, message_id: str, auth: PageUser, session: DbSession) -> Response:
    """Approve a draft (a review or block verdict needs a role that may override it)."""
    outbox.approve(session, auth.actor, message_id)
    return _back(request)


@router.post("/outbox/{message_id}/send")
def send(request: Request, message_id: str, auth: PageUser, session: DbSession) -> Response:
    """Hand an approved message to the send queue."""
    outbox.queue(session, auth.actor, message_id)
    return _back(request)


@router.post("/outbox/{message_id}/cancel")
def cancel(request: Request, message_id: str, auth: PageUser, session: DbSession) -> Response:
    """Stop a message that has not started sending."""
    outbox.cancel(session, auth.actor, message_id)
    return _back(request)


@router.post("/platform-accounts/{account_id}/check")
def check_connection(
    account_id: str,
    auth: PageUser,
    session: DbSession,
    creator_id: Annotated[str, Form(max_length=64)],
) -> Response:
    """Ask a worker to log in to the account; its state shows on the creator page."""
    account_recovery.check_connection(session, auth.actor, account_id)
    return RedirectResponse(f"/creators/{creator_id}?checking=1", status_code=303)


@router.post("/platform-accounts/{account_id}/retry")
def retry_now(
    account_id: str,
    auth: PageUser,
    session: DbSession,
    creator_id: Annotated[str, Form(max_length=64)],
) -> Response:
    """Send the account's waiting messages now (after fixing its credentials)."""
    woken = account_recovery.retry_now(session, auth.actor, account_id)
    return RedirectResponse(f"/creators/{creator_id}?retried={woken}", status_code=303)
