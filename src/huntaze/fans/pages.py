"""The fan CRM pages: the fan list with filters, search and saved views, and one fan's page with
their spend, explainable scores, whole timeline, notes, tags and custom fields (issue 15
"Fans (CRM)"; DESIGN.md §6 "Inbox sync" fills what they show).

Routes stay thin: access comes from the typed aliases (``PageFanFromPath`` loads a fan of the
actor's organization, 404 otherwise, and refuses a chatter a creator they are not on shift for),
forms go through ``parse_form`` and a refused form comes back with its message beside the field.
The conversation itself lives in the inbox (``/inbox/{fan_id}``); this page links to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from starlette.responses import RedirectResponse, Response

from huntaze.accounts.auth import PageAuth, PageUser
from huntaze.accounts.permissions import Permission
from huntaze.core.errors import AppError
from huntaze.core.fields import ObjectId
from huntaze.core.http import DbSession
from huntaze.creators.service import creators
from huntaze.fans.auth import PageFanFromPath
from huntaze.fans.crm import PINNED_TEMPLATE, crm
from huntaze.fans.models import Fan
from huntaze.fans.schemas import (
    FAN_SORTS,
    MAX_PAGE,
    SPEND_BRACKETS,
    SUBSCRIPTION_STATES,
    FanListFilter,
    FieldIn,
    NoteIn,
    SavedViewIn,
    TagIn,
)
from huntaze.web.forms import FormFields, FormState, parse_form
from huntaze.web.templating import register_nav, render

router = APIRouter(include_in_schema=False)
register_nav("Fans", "/fans", Permission.FANS_READ, order=35)
FILTER_FIELDS = ("creator", "state", "spend", "new", "tag", "q", "sort", "page")
TimelinePage = Annotated[int, Query(ge=1, le=MAX_PAGE)]


def _creator_names(session: DbSession, auth: PageAuth) -> dict[str, str]:
    """The creators the actor may see, by id (a chatter on shift: theirs only)."""
    visible = crm.visible_creators(session, auth.actor)
    return {
        c.id: c.display_name
        for c in creators.list_creators(session, auth.actor)
        if visible is None or c.id in visible
    }


def _list_page(
    request: Request,
    session: DbSession,
    auth: PageAuth,
    values: Mapping[str, str],
    *,
    view_form: FormState | None = None,
    status: int = 200,
) -> Response:
    form = FormState(values=dict(values))
    filters = FanListFilter()
    listing = None
    try:
        filters = parse_form(FanListFilter, values)
    except AppError as exc:
        form = FormState.failed(values, exc, fields=FILTER_FIELDS)
        status = exc.status_code
    if status < 400 or view_form is not None:
        listing = crm.browse(session, auth.actor, filters)
    context: dict[str, Any] = {
        "filters": filters,
        "form": form,
        "view_form": view_form or FormState(),
        "listing": listing,
        "creator_names": _creator_names(session, auth),
        "all_tags": crm.all_tags(session, auth.actor),
        "views": crm.views(session, auth.actor),
        "sorts": FAN_SORTS,
        "brackets": SPEND_BRACKETS,
        "states": SUBSCRIPTION_STATES,
    }
    return render(request, "fans/list.html", context, status=status)


@router.get("/fans")
def fan_list(request: Request, auth: PageUser, session: DbSession) -> Response:
    """The fans of every creator the user may see, filtered, searched, sorted and paged."""
    values = {name: request.query_params.get(name, "") for name in FILTER_FIELDS}
    return _list_page(request, session, auth, {k: v for k, v in values.items() if v})


@router.post("/fans/views")
def save_view(request: Request, auth: PageUser, session: DbSession, fields: FormFields) -> Response:
    """Save the list's current filters under a name."""
    filter_values = {name: fields.get(name, "") for name in FILTER_FIELDS if name != "page"}
    values = {"name": fields.get("name", "")}
    try:
        filters = parse_form(FanListFilter, filter_values)
        view = crm.save_view(session, auth.actor, parse_form(SavedViewIn, values), filters)
    except AppError as exc:
        failed = FormState.failed(values, exc)
        shown = {k: v for k, v in filter_values.items() if v}
        return _list_page(request, session, auth, shown, view_form=failed, status=exc.status_code)
    return RedirectResponse(f"/fans?{view.query}", status_code=303)


@router.post("/fans/views/{view_id}/delete")
def delete_view(view_id: ObjectId, auth: PageUser, session: DbSession) -> Response:
    """Delete one of the user's saved views."""
    crm.delete_view(session, auth.actor, view_id)
    return RedirectResponse("/fans", status_code=303)


def _fan_page(
    request: Request,
    session: DbSession,
    auth: PageAuth,
    fan: Fan,
    *,
    page: int = 1,
    forms: Mapping[str, FormState] | None = None,
    status: int = 200,
) -> Response:
    profile = crm.profile(session, auth.actor, fan, page=page)
    forms = dict(forms or {})
    pinned = profile.pinned
    pinned_text = pinned.text if pinned else PINNED_TEMPLATE
    context = {
        "fan": fan,
        "profile": profile,
        "creator_name": _creator_names(session, auth).get(fan.creator_id, ""),
        "note_form": forms.get("note", FormState()),
        "pinned_form": forms.get("pinned", FormState(values={"text": pinned_text})),
        "tag_form": forms.get("tag", FormState()),
        "field_form": forms.get("field", FormState()),
    }
    return render(request, "fans/detail.html", context, status=status)


@router.get("/fans/{fan_id}")
def fan_page(
    request: Request,
    fan: PageFanFromPath,
    auth: PageUser,
    session: DbSession,
    page: TimelinePage = 1,
) -> Response:
    """One fan: who they are, what they spent, their scores and why, and their timeline."""
    return _fan_page(request, session, auth, fan, page=page)


def _fan_form(
    request: Request,
    session: DbSession,
    auth: PageAuth,
    fan: Fan,
    *,
    name: str,
    schema: type[BaseModel],
    values: Mapping[str, str],
    anchor: str,
    action: Any,
) -> Response:
    """Validate one of the fan page's forms and act; on error, the page with the message."""
    try:
        action(parse_form(schema, values))
    except AppError as exc:
        form = FormState.failed(values, exc)
        return _fan_page(request, session, auth, fan, forms={name: form}, status=exc.status_code)
    return RedirectResponse(f"/fans/{fan.id}#{anchor}", status_code=303)


@router.post("/fans/{fan_id}/notes")
def add_note(
    request: Request, fan: PageFanFromPath, auth: PageUser, session: DbSession, fields: FormFields
) -> Response:
    """Add a free note to the fan."""
    return _fan_form(
        request,
        session,
        auth,
        fan,
        name="note",
        schema=NoteIn,
        values={"text": fields.get("text", "")},
        anchor="notes",
        action=lambda data: crm.add_note(session, auth.actor, fan, data),
    )


@router.post("/fans/{fan_id}/pinned")
def save_pinned(
    request: Request, fan: PageFanFromPath, auth: PageUser, session: DbSession, fields: FormFields
) -> Response:
    """Write the fan's pinned note (managers)."""
    return _fan_form(
        request,
        session,
        auth,
        fan,
        name="pinned",
        schema=NoteIn,
        values={"text": fields.get("text", "")},
        anchor="pinned",
        action=lambda data: crm.save_pinned(session, auth.actor, fan, data),
    )


@router.post("/fans/{fan_id}/notes/{note_id}/delete")
def delete_note(
    fan: PageFanFromPath, note_id: ObjectId, auth: PageUser, session: DbSession
) -> Response:
    """Delete a note (its author, or a manager)."""
    crm.delete_note(session, auth.actor, fan, note_id)
    return RedirectResponse(f"/fans/{fan.id}#notes", status_code=303)


@router.post("/fans/{fan_id}/tags")
def add_tag(
    request: Request, fan: PageFanFromPath, auth: PageUser, session: DbSession, fields: FormFields
) -> Response:
    """Tag the fan."""
    return _fan_form(
        request,
        session,
        auth,
        fan,
        name="tag",
        schema=TagIn,
        values={"tag": fields.get("tag", "")},
        anchor="tags",
        action=lambda data: crm.add_tag(session, auth.actor, fan, data),
    )


@router.post("/fans/{fan_id}/tags/remove")
def remove_tag(
    fan: PageFanFromPath, auth: PageUser, session: DbSession, fields: FormFields
) -> Response:
    """Take a tag off the fan."""
    crm.remove_tag(session, auth.actor, fan, fields.get("tag", ""))
    return RedirectResponse(f"/fans/{fan.id}#tags", status_code=303)


@router.post("/fans/{fan_id}/fields")
def set_field(
    request: Request, fan: PageFanFromPath, auth: PageUser, session: DbSession, fields: FormFields
) -> Response:
    """Set one of the fan's custom fields."""
    return _fan_form(
        request,
        session,
        auth,
        fan,
        name="field",
        schema=FieldIn,
        values={"key": fields.get("key", ""), "value": fields.get("value", "")},
        anchor="fields",
        action=lambda data: crm.set_field(session, auth.actor, fan, data),
    )


@router.post("/fans/{fan_id}/fields/remove")
def remove_field(
    fan: PageFanFromPath, auth: PageUser, session: DbSession, fields: FormFields
) -> Response:
    """Remove one of the fan's custom fields."""
    crm.remove_field(session, auth.actor, fan, fields.get("key", ""))
    return RedirectResponse(f"/fans/{fan.id}#fields", status_code=303)
