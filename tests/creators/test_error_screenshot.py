"""An account that needs a person shows its state, last error and screenshot; nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import log_in, make_member, make_org
from tests.outbox.helpers import make_agency, make_message

from huntaze.accounts.permissions import Role
from huntaze.outbox.states import State
from huntaze.platforms import registry
from huntaze.platforms.base import NeedsHumanError, PlatformConnector
from huntaze.platforms.registry import AccountConnection
from huntaze.storage.blobs import blob_store

PNG = b"\x89PNG\r\n\x1a\nscreenshot-of-the-login-wall"


class LoginWall:
    """A platform double at the process boundary: every action meets a security check."""

    def __init__(self, connection: AccountConnection) -> None:
        self.key = f"screenshots/{connection.account_id}/login-wall.png"

    def __getattr__(self, name: str) -> object:
        if name == "close":
            return lambda: None
        blob_store().put(self.key, PNG, content_type="image/png")
        raise NeedsHumanError("The platform asks for a security check.", screenshot_key=self.key)


@pytest.fixture
def login_wall() -> Iterator[None]:
    def factory(connection: AccountConnection) -> PlatformConnector:
        return LoginWall(connection)  # type: ignore[return-value]

    registry.register_driver("test_login_wall", factory, needs_browser=False)
    yield


def test_blocked_account_shows_state_error_and_screenshot(
    client: TestClient, session: Session, login_wall: None
) -> None:
    agency = make_agency(session)
    agency.account.connection = {"driver": "test_login_wall"}
    message = make_message(session, agency, approve=True, queue=True)
    session.commit()
    session.refresh(message)
    session.refresh(agency.account)
    assert message.state == State.QUEUED, "a message waiting for a person is not lost"
    assert agency.account.link_state == "needs_attention"
    assert agency.account.last_error == "The platform asks for a security check."

    log_in(client, session, agency.owner)
    page = client.get(f"/creators/{agency.account.creator_id}")
    assert "needs attention" in page.text and "security check" in page.text
    shot = client.get(f"/platform-accounts/{agency.account.id}/screenshot")
    assert shot.status_code == 200 and shot.content == PNG
    assert shot.headers["content-type"] == "image/png"

    stranger = make_member(session, make_org(session), Role.OWNER)
    log_in(client, session, stranger)
    assert client.get(f"/platform-accounts/{agency.account.id}/screenshot").status_code == 404


def test_linked_again_clears_the_screenshot(session: Session) -> None:
    from huntaze.creators.service import creators

    agency = make_agency(session)
    creators.record_link_state(
        session,
        agency.account,
        state="needs_attention",
        error="check",
        screenshot_key="screenshots/x.png",
    )
    assert agency.account.last_screenshot_key == "screenshots/x.png"
    creators.record_link_state(session, agency.account, state="linked")
    assert agency.account.last_screenshot_key is None and agency.account.last_error is None
