"""HTML pages of creators: the list, the persona editor, platform accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from huntaze.accounts.auth import PageUser
from huntaze.accounts.permissions import Permission
from huntaze.core.errors import AppError
from huntaze.core.http import DbSession
from huntaze.core.templating import register_nav, render
from huntaze.creators.forms import (
    PersonaFormError,
    creator_from_form,
    form_from_creator,
    form_values,
)
from huntaze.creators.schemas import CreatorUpdate, PlatformAccountCreate
from huntaze.creators.service import creators

router = APIRouter(include_in_schema=False)
register_nav("Creators", "/creators", Permission.CREATORS_READ.value, order=20)


async def _persona_form(request: Request) -> dict[str, str]:
    return form_values(await request.form())


PersonaForm = Annotated[dict[str, str], Depends(_persona_form)]
EMPTY_FORM = {
    "display_name": "",
    "timezone": "UTC",
    "tone": "",
    "topics": "",
    "boundaries": "",
    "emoji_use": "light",
    "languages": "en",
    "price_min": "5.00",
    "price_max": "50.00",
    "currency": "USD",
}


@router.get("/creators")
def creator_list(request: Request, auth: PageUser, session: DbSession) -> Response:
    """Every creator with their connected platform accounts."""
    items = creators.list_creators(session, auth.actor)
    return render(
        request,
        "creators/list.html",
        {
            "creators": items,
            "accounts": creators.accounts_by_creator(session, auth.actor, items),
        },
    )


@router.get("/creators/new")
def new_creator(request: Request, auth: PageUser) -> Response:
    """The form for a new creator and their persona."""
    auth.actor.require(Permission.CREATORS_WRITE)
    return render(request, "creators/new.html", {"form": EMPTY_FORM, "errors": {}})


@router.post("/creators")
def create_creator(
    request: Request, auth: PageUser, session: DbSession, values: PersonaForm
) -> Response:
    """Save a new creator; errors come back beside their fields."""
    try:
        data = creator_from_form(values)
    except PersonaFormError as exc:
        return render(
            request, "creators/new.html", {"form": values, "errors": exc.errors}, status=422
        )
    creator = creators.create(session, auth.actor, data)
    return RedirectResponse(f"/creators/{creator.id}?saved=1", status_code=303)


def _detail(
    request: Request,
    auth: PageUser,
    session: DbSession,
    creator_id: str,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    account_error: str | None = None,
    status: int = 200,
) -> Response:
    creator = creators.get(session, auth.actor, creator_id)
    return render(
        request,
        "creators/detail.html",
        {
            "creator": creator,
            "form": form or form_from_creator(creator),
            "errors": errors or {},
            "accounts": creators.accounts(session, auth.actor, creator_id),
            "account_error": account_error,
            "saved": request.query_params.get("saved") == "1",
            "can_write": auth.actor.can(Permission.CREATORS_WRITE),
        },
        status=status,
    )


@router.get("/creators/{creator_id}")
def creator_detail(
    request: Request, creator_id: str, auth: PageUser, session: DbSession
) -> Response:
    """A creator's persona editor and platform accounts."""
    return _detail(request, auth, session, creator_id)


@router.post("/creators/{creator_id}")
def update_creator(
    request: Request, creator_id: str, auth: PageUser, session: DbSession, values: PersonaForm
) -> Response:
    """Save the persona."""
    try:
        data = creator_from_form(values)
    except PersonaFormError as exc:
        return _detail(
            request, auth, session, creator_id, form=values, errors=exc.errors, status=422
        )
    creators.update(session, auth.actor, creator_id, CreatorUpdate(**data.model_dump()))
    return RedirectResponse(f"/creators/{creator_id}?saved=1", status_code=303)


@router.post("/creators/{creator_id}/delete")
def delete_creator(creator_id: str, auth: PageUser, session: DbSession) -> Response:
    """Remove a creator."""
    creators.delete(session, auth.actor, creator_id)
    return RedirectResponse("/creators", status_code=303)


@router.post("/creators/{creator_id}/accounts")
def add_account(
    request: Request,
    creator_id: str,
    auth: PageUser,
    session: DbSession,
    platform: Annotated[str, Form(max_length=32)],
    handle: Annotated[str, Form(max_length=200)],
    base_url: Annotated[str, Form(max_length=400)] = "",
    skin: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Connect a platform account."""
    raw = {
        "platform": platform,
        "handle": handle,
        "base_url": base_url or None,
        "skin": skin or None,
    }
    try:
        data = PlatformAccountCreate.model_validate(raw)
        creators.add_account(session, auth.actor, creator_id, data)
    except ValidationError as exc:
        message = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
        return _detail(request, auth, session, creator_id, account_error=message, status=422)
    except AppError as exc:
        if exc.status_code in (404, 403):
            raise
        return _detail(
            request, auth, session, creator_id, account_error=exc.detail, status=exc.status_code
        )
    return RedirectResponse(f"/creators/{creator_id}", status_code=303)


@router.get("/platform-accounts/{account_id}/screenshot")
def account_screenshot(account_id: str, auth: PageUser, session: DbSession) -> Response:
    """The page as a worker saw it when the account's last error happened."""
    image = creators.last_screenshot(session, auth.actor, account_id)
    return Response(image, media_type="image/png", headers={"Cache-Control": "private, max-age=60"})


@router.post("/platform-accounts/{account_id}/delete")
def remove_account(
    account_id: str,
    auth: PageUser,
    session: DbSession,
    creator_id: Annotated[str, Form(max_length=64)],
) -> Response:
    """Disconnect a platform account."""
    creators.remove_account(session, auth.actor, account_id)
    return RedirectResponse(f"/creators/{creator_id}", status_code=303)
