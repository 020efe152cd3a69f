"""Invitation links point at the configured public address, whatever Host the request named."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import api_headers, log_in, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.config import get_settings

FORGED_HOST = "evil.example"


def test_api_invitation_link_ignores_a_forged_host(client: TestClient, session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    headers = api_headers(client, session, owner) | {"Host": FORGED_HOST}
    response = client.post(
        "/api/v1/invitations", json={"email": "x@example.test", "role": "viewer"}, headers=headers
    )
    assert response.status_code == 201, response.text
    accept_url = response.json()["accept_url"]
    assert accept_url.startswith(get_settings().base_url.rstrip("/") + "/invite/")
    assert FORGED_HOST not in accept_url


def test_team_page_invitation_link_ignores_a_forged_host(
    client: TestClient, session: Session
) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    csrf = log_in(client, session, owner)
    response = client.post(
        "/team/invitations",
        data={"csrf_token": csrf, "email": "y@example.test", "role": "viewer"},
        headers={"Host": FORGED_HOST},
    )
    assert response.status_code == 200, response.text
    links = re.findall(r"[a-z]+://[^\s\"'<]+/invite/[\w-]+", response.text)
    assert links, "the page shows the link to send"
    assert all(link.startswith(get_settings().base_url.rstrip("/")) for link in links)
    assert FORGED_HOST not in response.text
