"""The inbox's library pages: saved replies (scripts) per creator or for the agency, and the
provenance export of every outbound message of a creator over a period (issue 15; DESIGN.md §1,
§6 "Send"). Included in the inbox's page router (:mod:`huntaze.inbox.pages`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from huntaze.accounts.auth import PageAuth, PageUser
from huntaze.core.db import utcnow
from huntaze.core.errors import AppError, InvalidInputError, field_error
from huntaze.core.http import DbSession
from huntaze.creators.service import creators
from huntaze.inbox.auth import PageScriptFromPath
from huntaze.inbox.provenance import provenance
from huntaze.inbox.scripts import VARIABLES, ScriptIn, scripts
from huntaze.web.forms import FormFields, FormState, parse_form
from huntaze.web.templating import render

router = APIRouter(include_in_schema=False)
SCRIPT_FIELDS = ("title", "text", "price", "creator_id")
DateText = Annotated[str | None, Query(max_length=10)]
MAX_PERIOD_DAYS = 366


def _library(
    request: Request, session: DbSession, auth: PageAuth, form: FormState, status: int
) -> Response:
    creator_names = {c.id: c.display_name for c in creators.list_creators(session, auth.actor)}
    today = utcnow().date()
    context = {
        "scripts": scripts.library(session, auth.actor),
        "creators": creator_names,
        "variables": VARIABLES,
        "form": form,
        "export": {"start": (today - dt.timedelta(days=30)).isoformat(), "end": today.isoformat()},
    }
    return render(request, "inbox/scripts.html", context, status=status)


@router.get("/inbox/scripts")
def library_page(request: Request, auth: PageUser, session: DbSession) -> Response:
    """The saved replies of every creator and of the agency, most used first."""
    return _library(request, session, auth, FormState(), 200)


@router.post("/inbox/scripts")
def create_script(
    request: Request, auth: PageUser, session: DbSession, fields: FormFields
) -> Response:
    """Save a reply for one creator or for the agency; an unknown variable is refused."""
    values = {name: fields.get(name, "") for name in SCRIPT_FIELDS}
    try:
        scripts.create(session, auth.actor, parse_form(ScriptIn, values))
    except AppError as exc:
        return _library(request, session, auth, FormState.failed(values, exc), exc.status_code)
    return RedirectResponse("/inbox/scripts", status_code=303)


@router.post("/inbox/scripts/{script_id}/delete")
def delete_script(script: PageScriptFromPath, auth: PageUser, session: DbSession) -> Response:
    """Remove a saved reply from the library."""
    scripts.delete(session, auth.actor, script)
    return RedirectResponse("/inbox/scripts", status_code=303)


def _day(value: str | None, name: str, default: dt.date) -> dt.date:
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(
            f"{name} must be a date like 2026-11-30.",
            errors=[field_error(name, "expected a date like 2026-11-30")],
        ) from None


@router.get("/inbox/provenance.csv")
def provenance_csv(
    auth: PageUser,
    session: DbSession,
    creator_id: Annotated[str, Query(min_length=1, max_length=64)],
    start: DateText = None,
    end: DateText = None,
) -> Response:
    """Who or what wrote each outbound message of a creator, from ``start`` to ``end``
    (both days included, UTC; the last 30 days by default), as CSV."""
    today = utcnow().date()
    last = _day(end, "end", today)
    first = _day(start, "start", last - dt.timedelta(days=30))
    if first > last or (last - first).days > MAX_PERIOD_DAYS:
        raise InvalidInputError(
            f"The period runs from start to end, at most {MAX_PERIOD_DAYS} days.",
            errors=[field_error("start", "must be on or before end, within a year")],
        )
    begins = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
    ends = dt.datetime.combine(last, dt.time(), tzinfo=dt.UTC) + dt.timedelta(days=1)
    text = provenance.csv_text(session, auth.actor, creator_id=creator_id, start=begins, end=ends)
    name = f"provenance-{creator_id}-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
