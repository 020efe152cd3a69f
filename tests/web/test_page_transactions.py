"""A page that shows an error rolls its transaction back (DESIGN.md §8.3): whatever the failed
action wrote before it failed is not kept, and no page calls ``rollback()`` itself
(``tests/test_architecture.py``)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.responses import Response
from tests.factories import log_in, make_member, make_org

from huntaze.accounts.auth import PageUser
from huntaze.accounts.models import AuditLog
from huntaze.accounts.permissions import Role
from huntaze.core.errors import ConflictError
from huntaze.core.http import DbSession
from huntaze.creators.models import Creator
from huntaze.creators.schemas import CreatorCreate
from huntaze.creators.service import creators
from huntaze.web.forms import render_form

# A page whose action writes through a real service, then fails in a way the page shows on its
# form (as a service that checks something after its first write would).
half_done = APIRouter()


@half_done.post("/creators-half-done")
def create_then_fail(request: Request, auth: PageUser, session: DbSession) -> Response:
    creators.create(session, auth.actor, CreatorCreate(display_name="Half done"))
    session.flush()
    refused = ConflictError("Refused after the first write.")
    return render_form(request, "creators/new.html", {}, values={}, error=refused)


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_page_showing_an_error_keeps_none_of_its_writes(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    app.include_router(half_done)
    manager = make_member(session, make_org(session), Role.MANAGER)
    csrf = log_in(client, session, manager)
    audits = _count(session, AuditLog)
    response = client.post("/creators-half-done", data={"csrf_token": csrf})
    assert response.status_code == 409
    assert "Refused after the first write." in response.text
    assert _count(session, Creator) == 0
    assert _count(session, AuditLog) == audits


def test_a_form_error_on_a_real_page_keeps_nothing(client: TestClient, session: Session) -> None:
    manager = make_member(session, make_org(session), Role.MANAGER)
    csrf = log_in(client, session, manager)
    audits = _count(session, AuditLog)
    response = client.post(
        "/creators",
        data={"csrf_token": csrf, "display_name": "Nova", "price_min": "9", "price_max": "1"},
    )
    assert response.status_code == 422
    assert 'data-testid="error-price_max"' in response.text
    assert _count(session, Creator) == 0 and _count(session, AuditLog) == audits
