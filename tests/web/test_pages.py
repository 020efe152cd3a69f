"""HTML pages through the ASGI client: login, redirects, forms with CSRF, friendly errors."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from tests.factories import PASSWORD, log_in, make_creator, make_member, make_org

from huntaze.accounts.models import ApiKey, Invitation
from huntaze.accounts.permissions import Role
from huntaze.creators.models import Creator


def _login_csrf(client: TestClient) -> str:
    page = client.get("/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match
    return match.group(1)


def test_anonymous_browser_is_sent_to_login(client: TestClient) -> None:
    response = client.get("/creators?x=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/creators%3Fx%3D1"


def test_login_with_password_then_logout(client: TestClient, session: Session) -> None:
    member = make_member(session, make_org(session, name="Rose Agency"), Role.OWNER)
    session.commit()
    response = client.post(
        "/login",
        data={
            "email": member.user.email.upper(),
            "password": PASSWORD,
            "csrf_token": _login_csrf(client),
            "next": "/creators",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/creators"
    home = client.get("/")
    assert home.status_code == 200 and "Rose Agency" in home.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
    assert csrf
    out = client.post("/logout", data={"csrf_token": csrf.group(1)}, follow_redirects=False)
    assert out.headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_wrong_password_shows_message_not_which_part(client: TestClient, session: Session) -> None:
    member = make_member(session, make_org(session), Role.OWNER)
    session.commit()
    for email in (member.user.email, "nobody@example.com"):
        response = client.post(
            "/login",
            data={"email": email, "password": "wrong password!", "csrf_token": _login_csrf(client)},
        )
        assert response.status_code == 401
        assert "Wrong e-mail or password." in response.text


def test_login_without_form_token_is_refused(client: TestClient, session: Session) -> None:
    member = make_member(session, make_org(session), Role.OWNER)
    session.commit()
    response = client.post("/login", data={"email": member.user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "expired" in response.text


def test_open_redirect_is_not_followed(client: TestClient, session: Session) -> None:
    member = make_member(session, make_org(session), Role.OWNER)
    session.commit()
    response = client.post(
        "/login",
        data={
            "email": member.user.email,
            "password": PASSWORD,
            "csrf_token": _login_csrf(client),
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_create_creator_through_the_form(client: TestClient, session: Session) -> None:
    manager = make_member(session, make_org(session), Role.MANAGER)
    csrf = log_in(client, session, manager)
    form = {
        "csrf_token": csrf,
        "display_name": "Nova",
        "timezone": "Europe/Paris",
        "tone": "bubbly",
        "topics": "dance, travel",
        "boundaries": "no meetups",
        "emoji_use": "heavy",
        "languages": "en, fr",
        "price_min": "7.50",
        "price_max": "40",
        "currency": "eur",
    }
    response = client.post("/creators", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    creator = session.scalars(select(Creator).where(Creator.display_name == "Nova")).one()
    assert creator.topics == ["dance", "travel"] and creator.price_min_cents == 750
    assert creator.currency == "EUR"
    page = client.get(response.headers["location"])
    assert "Saved." in page.text and 'value="7.50"' in page.text


def test_form_errors_are_shown_beside_fields(client: TestClient, session: Session) -> None:
    manager = make_member(session, make_org(session), Role.MANAGER)
    csrf = log_in(client, session, manager)
    response = client.post(
        "/creators",
        data={
            "csrf_token": csrf,
            "display_name": "Nova",
            "timezone": "Nowhere/City",
            "price_min": "abc",
            "price_max": "5",
        },
    )
    assert response.status_code == 422
    assert 'data-testid="error-price_min"' in response.text
    assert session.scalars(select(Creator)).all() == []


def test_form_post_without_csrf_is_refused(client: TestClient, session: Session) -> None:
    manager = make_member(session, make_org(session), Role.MANAGER)
    log_in(client, session, manager)
    response = client.post("/creators", data={"display_name": "Nova"})
    assert response.status_code == 403
    assert "Reload the page" in response.text
    assert session.scalars(select(Creator)).all() == []


def test_invite_from_team_page_shows_link_once(client: TestClient, session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    csrf = log_in(client, session, owner)
    response = client.post(
        "/team/invitations",
        data={"csrf_token": csrf, "email": "mate@example.com", "role": "chatter"},
    )
    assert response.status_code == 200
    assert "/invite/" in response.text
    assert session.scalars(select(Invitation)).one().email == "mate@example.com"
    assert "/invite/" not in client.get("/team").text


def test_api_key_page_shows_secret_once(client: TestClient, session: Session) -> None:
    admin = make_member(session, make_org(session), Role.ADMIN)
    csrf = log_in(client, session, admin)
    created = client.post("/settings/api-keys", data={"csrf_token": csrf, "name": "bi"})
    token = re.search(r"hz_[A-Za-z0-9_-]+", created.text)
    assert token
    assert session.scalars(select(ApiKey)).one().name == "bi"
    assert token.group(0) not in client.get("/settings/api-keys").text


def test_viewer_sees_no_write_controls_and_is_refused(client: TestClient, session: Session) -> None:
    org = make_org(session)
    owner = make_member(session, org, Role.OWNER)
    creator = make_creator(session, owner)
    viewer = make_member(session, org, Role.VIEWER)
    csrf = log_in(client, session, viewer)
    page = client.get(f"/creators/{creator.id}")
    assert page.status_code == 200 and 'data-testid="persona-form"' not in page.text
    assert "/team" in page.text and "/audit" not in page.text
    refused = client.post(f"/creators/{creator.id}/delete", data={"csrf_token": csrf})
    assert refused.status_code == 403 and "viewer" in refused.text


def test_other_organizations_creator_page_is_404(client: TestClient, session: Session) -> None:
    owner_a = make_member(session, make_org(session), Role.OWNER)
    creator = make_creator(session, owner_a)
    owner_b = make_member(session, make_org(session), Role.OWNER)
    log_in(client, session, owner_b)
    response = client.get(f"/creators/{creator.id}")
    assert response.status_code == 404
    assert "No such creator" in response.text and "<html" in response.text


def test_organization_switcher(client: TestClient, session: Session) -> None:
    org_a, org_b = make_org(session, name="Alpha Co"), make_org(session, name="Beta Co")
    member = make_member(session, org_a, Role.OWNER)
    make_member(session, org_b, Role.VIEWER, user=member.user)
    csrf = log_in(client, session, member)
    assert "Alpha Co" in client.get("/").text
    response = client.post("/orgs/switch", data={"csrf_token": csrf, "organization_id": org_b.id})
    assert response.status_code == 200 and "<h1>Beta Co</h1>" in response.text


@pytest.mark.parametrize("count", [2, 6])
def test_creator_list_query_count_does_not_grow(
    client: TestClient, session: Session, count: int, request: pytest.FixtureRequest
) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    for n in range(count):
        make_creator(session, owner, name=f"Creator {n}")
    log_in(client, session, owner)
    statements: list[str] = []
    engine = session.get_bind().engine

    def count_statement(*_args: object) -> None:
        statements.append("x")

    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        assert client.get("/creators").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)
    assert len(statements) <= 8, statements
