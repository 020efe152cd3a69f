"""The shared web layer: permission flags, form errors, allowed actions, HTMX fragments."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from jinja2.exceptions import UndefinedError
from sqlalchemy.orm import Session
from tests.factories import log_in, make_member, make_org

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Role
from huntaze.core.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from huntaze.core.tenancy import trusted_org_id
from huntaze.outbox.auth import allowed_actions
from huntaze.outbox.states import PersonAction, State
from huntaze.web.forms import FormState
from huntaze.web.templating import PermissionFlags


def _actor(role: Role) -> Actor:
    return Actor(org=trusted_org_id("org"), role=role, label=role.value, user_id="u")


def test_permission_flags_follow_the_role_and_refuse_unknown_names() -> None:
    assert PermissionFlags(_actor(Role.CHATTER)).outbox_write is True
    assert PermissionFlags(_actor(Role.VIEWER)).outbox_write is False
    assert PermissionFlags(None).creators_read is False
    with pytest.raises(UndefinedError):
        _ = PermissionFlags(_actor(Role.OWNER)).outbox_wirte


def test_form_errors_go_beside_known_fields_and_the_rest_on_top() -> None:
    error = InvalidInputError(
        "Please check.",
        errors=[
            {"field": "price", "message": "enter an amount"},
            {"field": "kind", "message": "unknown kind"},
        ],
    )
    form = FormState.failed({"price": "abc"}, error)
    assert form.errors == {"price": "enter an amount"}
    assert form.general_errors == ("kind: unknown kind",)
    assert form.price == "abc" and form.missing == ""
    assert FormState.failed({}, InvalidInputError("Nope.")).general_errors == ("Nope.",)


@pytest.mark.parametrize("error", [PermissionDeniedError("no"), NotFoundError("gone")])
def test_errors_no_form_can_fix_go_on_to_the_error_page(error: Exception) -> None:
    with pytest.raises(type(error)):
        FormState.failed({}, error)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("role", "state", "actions"),
    [
        (Role.CHATTER, State.DRAFT, {PersonAction.APPROVE, PersonAction.CANCEL}),
        (Role.CHATTER, State.APPROVED, {PersonAction.SEND, PersonAction.CANCEL}),
        (Role.CHATTER, State.QUEUED, {PersonAction.CANCEL}),
        (Role.OWNER, State.SENDING, set()),
        (Role.OWNER, State.SENT, set()),
        (Role.VIEWER, State.DRAFT, set()),
    ],
)
def test_allowed_actions_come_from_the_state_machine_and_the_role(
    role: Role, state: State, actions: set[PersonAction]
) -> None:
    assert allowed_actions(_actor(role), state) == actions


def test_htmx_gets_the_fragment_and_a_browser_the_page(
    client: TestClient, session: Session
) -> None:
    log_in(client, session, make_member(session, make_org(session), Role.OWNER))
    fragment = client.get("/outbox", headers={"HX-Request": "true"})
    page = client.get("/outbox")
    assert fragment.status_code == page.status_code == 200
    assert 'data-testid="outbox-table"' in fragment.text and "<html" not in fragment.text
    assert 'data-testid="outbox-table"' in page.text and "<html" in page.text
