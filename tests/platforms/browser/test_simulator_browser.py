"""The ``simulator_browser`` connector end to end in real Chromium, on both skins (DESIGN.md §3).

Log in, sync fans and chats incrementally, send a text and a PPV message, find a sent message,
read statements, post; an expired session logs in again; wrong credentials and a missing
one-time code ask a person, with a screenshot.
"""

from __future__ import annotations

import datetime as dt

import pytest
from tests.platforms.browser.conftest import ARTIFACTS, Simulator, connection

from huntaze.platforms.base import NeedsHumanError, OutgoingMessage, OutgoingPost
from huntaze.platforms.browser.pool import BrowserPool
from huntaze.platforms.simulator_browser import SimulatorBrowserConnector
from huntaze.storage.blobs import LocalBlobStore

pytestmark = pytest.mark.browser
USERNAMES = {"classic": "creator1", "api2": "creator2"}


def vault_media_id(sim: Simulator, username: str) -> str:
    token = sim.account(username)["api_token"]
    vault = sim.http.get("/api/v1/vault", headers={"Authorization": f"Bearer {token}"}).json()
    return str(vault["items"][0]["id"])


def active_fan(sim: Simulator, username: str) -> str:
    items = sim.admin("GET", f"/accounts/{username}/fans")["items"]
    return str(next(f["id"] for f in items if f["status"] == "active"))


@pytest.mark.parametrize("skin", ["classic", "api2"])
def test_sync_send_and_post(skin: str, simulator: Simulator, pool: BrowserPool) -> None:
    username = USERNAMES[skin]
    connector = SimulatorBrowserConnector(
        connection(simulator, username, driver="simulator_browser"), pool=pool
    )
    assert connector.check_session().ok

    fans = connector.fans_since(None)
    truth = simulator.admin("GET", f"/accounts/{username}/summary")
    assert len(fans.items) == sum(truth["fans"].values())
    assert connector.fans_since(fans.next_cursor).items == [
        f
        for f in fans.items
        if f.subscribed_at and f.subscribed_at.date().isoformat() == fans.next_cursor
    ]

    first = connector.messages_since(None)
    assert first.items and {m.direction for m in first.items} == {"inbound", "outbound"}
    assert connector.messages_since(first.next_cursor).items == []

    fan_id = active_fan(simulator, username)
    simulator.admin("PATCH", f"/accounts/{username}/fans/{fan_id}", json={"force_buy": True})
    before = dt.datetime.now(dt.UTC) - dt.timedelta(days=3650)
    text = f"Hello from the {skin} browser test"
    receipt = connector.send_message(OutgoingMessage(platform_fan_id=fan_id, text=text, nonce="n1"))
    # The api2 skin, like the platform, refuses a price without media.
    media = [vault_media_id(simulator, username)] if skin == "api2" else []
    ppv = connector.send_message(
        OutgoingMessage(
            platform_fan_id=fan_id,
            text=f"{skin} PPV",
            nonce="n2",
            price_cents=1250,
            media_ids=media,
        )
    )
    new = connector.messages_since(first.next_cursor)
    assert [(m.platform_message_id, m.text, m.price_cents) for m in new.items] == [
        (receipt.platform_message_id, text, None),
        (ppv.platform_message_id, f"{skin} PPV", 1250),
    ]
    found = connector.find_sent(platform_fan_id=fan_id, nonce="n1", text=text, after=before)
    assert found is not None and found.platform_message_id == receipt.platform_message_id

    statements = connector.earnings_since(None)
    assert statements.items
    simulator.admin("POST", "/tick", json={"hours": 3})
    later = connector.earnings_since(statements.next_cursor)
    # api2 statements, like the platform's, name the fan but not the message.
    assert any(
        e.kind == "ppv"
        and e.amount_cents == 1250
        and (
            e.platform_fan_id == fan_id
            if skin == "api2"
            else e.platform_message_id == ppv.platform_message_id
        )
        for e in later.items
    )

    post = connector.create_post(OutgoingPost(caption=f"New set on {skin}", nonce="p1"))
    assert int(post.platform_message_id) > 0
    connector.close()


def test_expired_session_logs_in_again(simulator: Simulator, pool: BrowserPool) -> None:
    conn = connection(simulator, "creator1", driver="simulator_browser", account_id="expiry")
    connector = SimulatorBrowserConnector(conn, pool=pool)
    assert connector.check_session().ok
    saved = pool.states.load("expiry")
    assert saved and saved["cookies"]
    simulator.admin("POST", "/accounts/creator1/faults", json={"mode": "session_expiry"})
    assert connector.fans_since(None).items
    renewed = pool.states.load("expiry")
    assert renewed and renewed["cookies"] != saved["cookies"]
    connector.close()


def test_wrong_password_asks_a_person_with_a_screenshot(
    simulator: Simulator, pool: BrowserPool
) -> None:
    conn = connection(
        simulator, "creator2", driver="simulator_browser", account_id="wrong", password="nope"
    )
    connector = SimulatorBrowserConnector(conn, pool=pool)
    with pytest.raises(NeedsHumanError) as raised:
        connector.fans_since(None)
    key = raised.value.screenshot_key
    assert key and LocalBlobStore(ARTIFACTS / "blobs").get(key).startswith(b"\x89PNG")
    connector.close()


def test_one_time_code(simulator: Simulator, pool: BrowserPool) -> None:
    simulator.admin("PATCH", "/accounts/creator1", json={"otp_enabled": True})
    try:
        code = simulator.admin("GET", "/accounts/creator1/otp")["code"]
        without = SimulatorBrowserConnector(
            connection(simulator, "creator1", driver="simulator_browser", account_id="otp-none"),
            pool=pool,
        )
        state = without.check_session()
        assert not state.ok and "one-time code" in state.detail
        without.close()
        with_code = SimulatorBrowserConnector(
            connection(
                simulator, "creator1", driver="simulator_browser", account_id="otp", otp_code=code
            ),
            pool=pool,
        )
        assert with_code.check_session().ok
        with_code.close()
    finally:
        simulator.admin("PATCH", "/accounts/creator1", json={"otp_enabled": False})
