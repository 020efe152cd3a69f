"""HTML pages of creators: the list, the persona editor, platform accounts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from huntaze.accounts.auth import PageUser
from huntaze.accounts.permissions import Permission
from huntaze.core.errors import AppError
from huntaze.core.http import DbSession
from huntaze.creators.auth import PageCreatorFromPath, PagePlatformAccountFromPath
from huntaze.creators.forms import EMPTY_FORM, creator_from_form, form_from_creator, form_values
from huntaze.creators.models import Creator
from huntaze.creators.schemas import CreatorUpdate, PlatformAccountCreate
from huntaze.creators.service import creators
from huntaze.outbox.health import sending_status
from huntaze.web.forms import FormFields, FormState, parse_form, render_form
from huntaze.web.templating import register_nav, render

router = APIRouter(include_in_schema=False)
register_nav("Creators", "/creators", Permission.CREATORS_READ, order=20)
ACCOUNT_FIELDS = ("platform", "handle", "base_url", "skin")


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
    return render_form(request, "creators/new.html", {}, values=EMPTY_FORM)


@router.post("/creators")
def create_creator(
    request: Request, auth: PageUser, session: DbSession, fields: FormFields
) -> Response:
    """Save a new creator; errors come back beside their fields."""
    values = form_values(fields)
    try:
        creator = creators.create(session, auth.actor, creator_from_form(values))
    except AppError as exc:
        return render_form(request, "creators/new.html", {}, values=values, error=exc)
    return RedirectResponse(f"/creators/{creator.id}?saved=1", status_code=303)


def _detail(
    request: Request,
    auth: PageUser,
    session: DbSession,
    creator: Creator,
    *,
    persona: FormState | None = None,
    account_form: FormState | None = None,
    status: int = 200,
) -> Response:
    accounts = creators.accounts(session, auth.actor, creator.id)
    return render(
        request,
        "creators/detail.html",
        {
            "creator": creator,
            "form": persona or FormState(values=form_from_creator(creator)),
            "account_form": account_form or FormState(),
            "accounts": accounts,
            "sending": sending_status(session, [(a.id, a.platform) for a in accounts]),
            # Waiting messages can be retried by hand on an account that is not linked.
            "retryable": {a.id for a in accounts if a.link_state != "linked"},
            "saved": request.query_params.get("saved") == "1",
        },
        status=status,
    )


@router.get("/creators/{creator_id}")
def creator_detail(
    request: Request, creator: PageCreatorFromPath, auth: PageUser, session: DbSession
) -> Response:
    """A creator's persona editor and platform accounts."""
    return _detail(request, auth, session, creator)


@router.post("/creators/{creator_id}")
def update_creator(
    request: Request,
    creator: PageCreatorFromPath,
    auth: PageUser,
    session: DbSession,
    fields: FormFields,
) -> Response:
    """Save the persona."""
    values = form_values(fields)
    try:
        data = creator_from_form(values)
        creators.update(session, auth.actor, creator.id, CreatorUpdate(**data.model_dump()))
    except AppError as exc:
        persona = FormState.failed(values, exc)
        return _detail(request, auth, session, creator, persona=persona, status=exc.status_code)
    return RedirectResponse(f"/creators/{creator.id}?saved=1", status_code=303)


@router.post("/creators/{creator_id}/delete")
def delete_creator(creator: PageCreatorFromPath, auth: PageUser, session: DbSession) -> Response:
    """Remove a creator."""
    creators.delete(session, auth.actor, creator.id)
    return RedirectResponse("/creators", status_code=303)


@router.post("/creators/{creator_id}/accounts")
def add_account(
    request: Request,
    creator: PageCreatorFromPath,
    auth: PageUser,
    session: DbSession,
    fields: FormFields,
) -> Response:
    """Connect a platform account."""
    values = {name: fields.get(name, "").strip() for name in ACCOUNT_FIELDS}
    try:
        data = parse_form(
            PlatformAccountCreate, {name: value or None for name, value in values.items()}
        )
        creators.add_account(session, auth.actor, creator.id, data)
    except AppError as exc:
        failed = FormState.failed(values, exc)
        return _detail(request, auth, session, creator, account_form=failed, status=exc.status_code)
    return RedirectResponse(f"/creators/{creator.id}", status_code=303)


@router.get("/platform-accounts/{account_id}/screenshot")
def account_screenshot(
    account: PagePlatformAccountFromPath, auth: PageUser, session: DbSession
) -> Response:
    """The page as a worker saw it when the account's last error happened."""
    image = creators.last_screenshot(session, auth.actor, account.id)
    return Response(image, media_type="image/png", headers={"Cache-Control": "private, max-age=60"})


@router.post("/platform-accounts/{account_id}/delete")
def remove_account(
    account: PagePlatformAccountFromPath, auth: PageUser, session: DbSession
) -> Response:
    """Disconnect a platform account."""
    creators.remove_account(session, auth.actor, account.id)
    return RedirectResponse(f"/creators/{account.creator_id}", status_code=303)
