"""Every response carries a strict CSP and the framing/sniffing/referrer headers; cookies are
``Secure`` behind TLS (issue: stored XSS in inline handlers, clickjacking, cookies over HTTP)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from limits.storage import MemoryStorage
from sqlalchemy.orm import Session
from tests.conftest import BoundDatabase
from tests.factories import PASSWORD, log_in, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.accounts.service import accounts
from huntaze.config import get_settings
from huntaze.core.ratelimit import RateLimiter

EXPECTED = {
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def _boom() -> None:
    raise RuntimeError("a bug")


def _assert_protected(response_headers: object, what: str) -> None:
    headers = dict(response_headers.items())  # type: ignore[attr-defined]
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, f"{what}: {name}"
    policy = headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_every_kind_of_response_carries_the_security_headers(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    app.add_api_route("/test-boom", _boom, include_in_schema=False)
    owner = make_member(session, make_org(session), Role.OWNER)
    responses = {"login page": client.get("/login")}
    responses["API 401 (problem+json)"] = client.get("/api/v1/creators")
    responses["static file"] = client.get("/static/app.css")
    responses["404 page"] = client.get("/no-such-page", headers={"accept": "text/html"})
    responses["health JSON"] = client.get("/healthz")
    responses["500 page"] = client.get("/test-boom", headers={"accept": "text/html"})
    responses["500 problem"] = client.get("/test-boom", headers={"accept": "application/json"})
    responses["redirect"] = client.get("/creators", follow_redirects=False)
    log_in(client, session, owner)
    responses["dashboard"] = client.get("/")
    responses["API docs"] = client.get("/api/docs")
    responses["OpenAPI"] = client.get("/api/v1/openapi.json")
    assert responses["500 page"].status_code == 500
    for what, response in responses.items():
        _assert_protected(response.headers, what)


def _login_csrf(client: TestClient) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert match
    return match.group(1)


@pytest.fixture
def tls_client(bound_database: BoundDatabase) -> Iterator[TestClient]:
    """The app configured for ``https://``, reached over HTTPS (as behind a TLS proxy)."""
    from huntaze.main import create_app

    settings = get_settings().model_copy(update={"base_url": "https://huntaze.example"})
    app = create_app(settings, database=bound_database, rate_limiter=RateLimiter(MemoryStorage()))
    with TestClient(app, base_url="https://huntaze.example") as c:
        yield c


def _set_cookies(response: object) -> list[str]:
    return list(response.headers.get_list("set-cookie"))  # type: ignore[attr-defined]


def _is_secure(cookie: str) -> bool:
    return "secure" in {part.strip().lower() for part in cookie.split(";")[1:]}


def test_behind_tls_every_cookie_is_secure(tls_client: TestClient, session: Session) -> None:
    organization = make_org(session)
    owner = make_member(session, organization, Role.OWNER)
    session.commit()
    cookies = _set_cookies(tls_client.get("/login"))
    login = tls_client.post(
        "/login",
        data={
            "email": owner.user.email,
            "password": PASSWORD,
            "csrf_token": _login_csrf(tls_client),
        },
        follow_redirects=False,
    )
    assert login.status_code == 303
    cookies += _set_cookies(login)
    assert any(c.startswith("huntaze_session=") for c in cookies)
    assert "strict-transport-security" in login.headers
    home = tls_client.get("/")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
    assert csrf
    cookies += _set_cookies(tls_client.post("/logout", data={"csrf_token": csrf.group(1)}))

    invitation = accounts.invite(session, owner.actor, email="new@example.test", role=Role.CHATTER)
    session.commit()
    token = invitation.accept_url.rsplit("/", 1)[1]
    joined = tls_client.post(
        f"/invite/{token}",
        data={"name": "New Person", "password": "a long new password 1"},
        follow_redirects=False,
    )
    assert joined.status_code == 303
    cookies += _set_cookies(joined)
    assert len(cookies) >= 4
    assert [c for c in cookies if not _is_secure(c)] == []


def test_over_plain_http_cookies_stay_usable(client: TestClient, session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    session.commit()
    response = client.post(
        "/login",
        data={"email": owner.user.email, "password": PASSWORD, "csrf_token": _login_csrf(client)},
        follow_redirects=False,
    )
    session_cookies = [c for c in _set_cookies(response) if c.startswith("huntaze_session=")]
    assert session_cookies and not _is_secure(session_cookies[0])
    assert "httponly" in session_cookies[0].lower()
    assert "strict-transport-security" not in response.headers
