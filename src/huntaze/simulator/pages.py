"""HTML pages the way a creator sees the platform, in the account's skin (DESIGN.md §3).

``classic`` pages are rendered on the server and carry stable ``data-testid`` attributes.
``api2`` pages are one shell that fetches ``/api2/v2`` JSON and renders it with other markup.
Both skins share the URLs below and the login pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from huntaze.simulator import content, ledger, messaging
from huntaze.simulator.accounts import authenticate, complete_otp, end_session, start_session
from huntaze.simulator.auth import context, page_account, resolve_creator
from huntaze.simulator.errors import SimulatorError, invalid
from huntaze.simulator.faults import SESSION_COOKIE
from huntaze.simulator.models import Creator
from huntaze.simulator.state import get_now

router = APIRouter()
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["money"] = lambda cents: f"${int(cents) / 100:,.2f}"
templates.env.filters["when"] = lambda value: value.strftime("%b %d, %H:%M") if value else ""
FANS_PER_PAGE = 50
NAV = (
    ("chats", "Messages"),
    ("fans", "Fans"),
    ("statements", "Statements"),
    ("posts", "Posts"),
    ("vault", "Vault"),
    ("mass", "Mass message"),
    ("links", "Links"),
)
# The api2 skin lives at the routes of OnlyFans' web app (docs/onlyfans.md); the classic skin at
# the short ones. Both routes work in both skins.
API2_PATHS = {
    "chats": "/my/chats",
    "fans": "/my/collections/user-lists/subscribers/active",
    "statements": "/my/statements/earnings",
    "posts": "/my/posts",
    "vault": "/my/vault",
    "mass": "/my/chats/send",
    "links": "/my/links",
}


def render(
    request: Request,
    session: Session,
    creator: Creator,
    page: str,
    status_code: int = 200,
    **data: Any,
) -> HTMLResponse:
    """A page in the account's skin (``api2`` renders its shell and lets the browser fetch)."""
    data |= {
        "creator": creator,
        "page": page,
        "nav": NAV,
        "api2_paths": API2_PATHS,
        "now": get_now(session),
    }
    name = "api2/app.html" if creator.skin == "api2" else f"classic/{page}.html"
    return templates.TemplateResponse(request, name, data, status_code=status_code)


def parse_price(text: str) -> int:
    """A price typed as dollars (``9.99``) in cents; empty means free."""
    if not text.strip():
        return 0
    try:
        value = Decimal(text.strip().lstrip("$"))
    except InvalidOperation as exc:
        raise invalid("invalid_price", "The price must look like 9.99.") from exc
    if not value.is_finite():
        raise invalid("invalid_price", "The price must look like 9.99.")
    return int((value * 100).to_integral_value())


@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse("/my/chats", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, expired: int = 0) -> HTMLResponse:
    message = "Your session has expired. Please log in again." if expired else ""
    return templates.TemplateResponse(request, "login.html", {"error": message})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, username: str = Form(""), password: str = Form("")) -> Response:
    with context(request).db.session() as session:
        creator = authenticate(session, username, password)
        if creator is None:
            return templates.TemplateResponse(
                request, "login.html", {"error": "Wrong username or password."}, status_code=401
            )
        row = start_session(session, creator)
        target = "/login/code" if row.stage == "otp" else "/my/chats"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, row.token, httponly=True, samesite="lax")
    return response


@router.get("/login/code", response_class=HTMLResponse)
def code_page(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "code.html", {"error": ""})


@router.post("/login/code", response_class=HTMLResponse)
def code(request: Request, code: str = Form("")) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    with context(request).db.session() as session:
        if not complete_otp(session, token, code):
            return templates.TemplateResponse(
                request, "code.html", {"error": "That code is not right."}, status_code=401
            )
    return RedirectResponse("/my/chats", status_code=303)


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    with context(request).db.session() as session:
        end_session(session, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/my/chats", response_class=HTMLResponse)
def chats(request: Request, offset: int = 0) -> HTMLResponse:
    with page_account(request) as (session, creator):
        rows, more = messaging.list_chats(session, creator, limit=30, offset=max(offset, 0))
        last = messaging.last_messages(session, rows)
        return render(
            request, session, creator, "chats", chats=rows, last=last, more=more, offset=offset
        )


@router.get("/my/chats/chat/{fan_id:int}", response_class=HTMLResponse)
@router.get("/my/chats/{fan_id:int}", response_class=HTMLResponse)
def chat(request: Request, fan_id: int, error: str = "") -> HTMLResponse:
    with page_account(request) as (session, creator):
        return _chat(request, session, creator, fan_id, error=error)


def _chat(
    request: Request,
    session: Session,
    creator: Creator,
    fan_id: int,
    *,
    error: str,
    status: int = 200,
) -> HTMLResponse:
    fan = messaging.get_fan(session, creator, fan_id)
    rows, more = messaging.chat_messages(session, creator, fan_id, limit=50)
    if creator.skin == "classic":
        messaging.mark_read(session, creator, fan_id)
    vault = content.list_vault(session, creator, limit=24, offset=0)
    return render(
        request,
        session,
        creator,
        "chat",
        status,
        fan=fan,
        messages=rows,
        more=more,
        vault=vault,
        error=error,
    )


@router.post("/my/chats/{fan_id}/send", response_class=HTMLResponse)
def send(
    request: Request,
    fan_id: int,
    text: str = Form(""),
    price: str = Form(""),
    media: list[int] = Form(default_factory=list),
) -> Response:
    with page_account(request) as (session, creator):
        try:
            messaging.send_message(
                session,
                creator,
                fan_id=fan_id,
                text=text,
                price_cents=parse_price(price),
                media_ids=media,
            )
        except SimulatorError as exc:
            if exc.status == 404:
                raise
            session.rollback()
            return _chat(request, session, creator, fan_id, error=exc.message, status=exc.status)
    return RedirectResponse(f"/my/chats/{fan_id}", status_code=303)


@router.get("/my/collections/user-lists/subscribers/{status}", response_class=HTMLResponse)
@router.get("/my/fans", response_class=HTMLResponse)
def fans(
    request: Request, status: str = "active", offset: int = 0, order: str = "recent"
) -> HTMLResponse:
    if status not in ledger.FAN_STATUSES:
        status = "active"
    with page_account(request) as (session, creator):
        rows, total = ledger.fans_page(
            session, creator, status=status, limit=FANS_PER_PAGE, offset=offset, order=order
        )
        return render(
            request,
            session,
            creator,
            "fans",
            fans=rows,
            total=total,
            status=status,
            offset=offset,
            order=order,
            per_page=FANS_PER_PAGE,
        )


@router.get("/my/statements/earnings", response_class=HTMLResponse)
@router.get("/my/statements", response_class=HTMLResponse)
def statements(request: Request, days: int = 30) -> HTMLResponse:
    with page_account(request) as (session, creator):
        rows = ledger.earnings_by_day(session, creator, days=min(max(days, 1), 366))
        recent, _more = ledger.latest_transactions(session, creator, limit=50)
        fans = ledger.fan_names(session, {t.fan_id for t in recent})
        return render(
            request,
            session,
            creator,
            "statements",
            days=rows,
            totals=ledger.totals(rows),
            transactions=recent,
            fans=fans,
        )


@router.get("/my/posts", response_class=HTMLResponse)
def posts(request: Request, error: str = "") -> HTMLResponse:
    with page_account(request) as (session, creator):
        rows = content.list_posts(session, creator, limit=30, offset=0)
        vault = content.list_vault(session, creator, limit=24, offset=0)
        return render(request, session, creator, "posts", posts=rows, vault=vault, error=error)


@router.post("/my/posts", response_class=HTMLResponse)
def create_post(
    request: Request,
    text: str = Form(""),
    schedule: str = Form(""),
    media: list[int] = Form(default_factory=list),
) -> Response:
    with page_account(request) as (session, creator):
        try:
            publish_at = (
                dt.datetime.fromisoformat(schedule).replace(tzinfo=dt.UTC) if schedule else None
            )
            content.create_post(session, creator, text=text, media_ids=media, publish_at=publish_at)
        except ValueError:
            return RedirectResponse("/my/posts?error=The+schedule+is+not+a+date.", status_code=303)
        except SimulatorError as exc:
            session.rollback()
            return RedirectResponse(f"/my/posts?error={quote(exc.message)}", status_code=303)
    return RedirectResponse("/my/posts", status_code=303)


@router.get("/my/vault", response_class=HTMLResponse)
def vault(request: Request, error: str = "") -> HTMLResponse:
    with page_account(request) as (session, creator):
        rows = content.list_vault(session, creator, limit=100, offset=0)
        return render(request, session, creator, "vault", items=rows, error=error)


@router.post("/my/vault")
async def upload(request: Request, file: UploadFile) -> Response:
    data = await file.read(content.MAX_UPLOAD_BYTES + 1)
    with page_account(request) as (session, creator):
        try:
            content.add_vault_item(
                session,
                creator,
                filename=file.filename or "upload",
                content_type=file.content_type or "application/octet-stream",
                data=data,
            )
        except SimulatorError as exc:
            session.rollback()
            return RedirectResponse(f"/my/vault?error={quote(exc.message)}", status_code=303)
    return RedirectResponse("/my/vault", status_code=303)


@router.get("/my/chats/send", response_class=HTMLResponse)
@router.get("/my/mass", response_class=HTMLResponse)
def mass_page(request: Request, sent: int = 0, error: str = "") -> HTMLResponse:
    with page_account(request) as (session, creator):
        active, total = ledger.fans_page(
            session, creator, status="active", limit=100, offset=0, order="spent"
        )
        vault = content.list_vault(session, creator, limit=24, offset=0)
        return render(
            request,
            session,
            creator,
            "mass",
            fans=active,
            total=total,
            vault=vault,
            sent=sent,
            error=error,
        )


@router.post("/my/mass")
def mass_send(
    request: Request,
    text: str = Form(""),
    price: str = Form(""),
    audience: str = Form("all_active"),
    fan_ids: list[int] = Form(default_factory=list),
    media: list[int] = Form(default_factory=list),
) -> Response:
    with page_account(request) as (session, creator):
        try:
            mass = messaging.send_mass_message(
                session,
                creator,
                text=text,
                price_cents=parse_price(price),
                media_ids=media,
                fan_ids=None if audience == "all_active" else fan_ids,
            )
        except SimulatorError as exc:
            session.rollback()
            return RedirectResponse(f"/my/mass?error={quote(exc.message)}", status_code=303)
    return RedirectResponse(f"/my/mass?sent={mass.recipients}", status_code=303)


@router.get("/my/links", response_class=HTMLResponse)
def links(request: Request, error: str = "") -> HTMLResponse:
    with page_account(request) as (session, creator):
        stats = content.link_stats(session, creator)
        base = str(request.base_url).rstrip("/")
        return render(request, session, creator, "links", links=stats, base=base, error=error)


@router.post("/my/links")
def create_link(
    request: Request, name: str = Form(""), kind: str = Form("tracking"), trial_days: int = Form(7)
) -> Response:
    with page_account(request) as (session, creator):
        try:
            content.create_link(session, creator, name=name, kind=kind, trial_days=trial_days)
        except SimulatorError as exc:
            session.rollback()
            return RedirectResponse(f"/my/links?error={quote(exc.message)}", status_code=303)
    return RedirectResponse("/my/links", status_code=303)


@router.get("/media/{item_id}")
def media(request: Request, item_id: int) -> Response:
    with context(request).db.session() as session:
        creator = resolve_creator(session, request)
        item = content.get_vault_item(session, creator, item_id)
        return Response(
            item.data, media_type=item.content_type, headers={"Cache-Control": "private"}
        )
