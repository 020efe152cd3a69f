"""The OnlyFans connector end to end against the simulator's ``api2`` skin (DESIGN.md §3).

It reads the JSON the page fetches and acts through the page; the live site is never reached.
"""

from __future__ import annotations

import datetime as dt

import pytest
from tests.platforms.browser.conftest import Simulator, connection

from huntaze.platforms.base import NeedsHumanError, OutgoingMessage, OutgoingPost
from huntaze.platforms.browser.pool import BrowserPool
from huntaze.platforms.onlyfans import OnlyFansConnector

pytestmark = pytest.mark.browser


def test_sync_send_and_post_on_api2(simulator: Simulator, pool: BrowserPool) -> None:
    connector = OnlyFansConnector(connection(simulator, "creator2", driver="onlyfans"), pool=pool)
    assert connector.check_session().ok

    fans = connector.fans_since(None)
    truth = simulator.admin("GET", "/accounts/creator2/summary")
    assert len(fans.items) == sum(truth["fans"].values())

    first = connector.messages_since(None)
    assert first.items and {m.direction for m in first.items} == {"inbound", "outbound"}
    assert truth["messages"] >= len(first.items)
    assert connector.messages_since(first.next_cursor).items == []

    fan_id = str(
        next(
            f["id"]
            for f in simulator.admin("GET", "/accounts/creator2/fans")["items"]
            if f["status"] == "active"
        )
    )
    simulator.admin("PATCH", f"/accounts/creator2/fans/{fan_id}", json={"force_buy": True})
    start = dt.datetime.fromisoformat(simulator.admin("GET", "/clock")["now"])
    text = "Hi from the OnlyFans connector"
    receipt = connector.send_message(OutgoingMessage(platform_fan_id=fan_id, text=text, nonce="o1"))
    ppv = connector.send_message(
        OutgoingMessage(platform_fan_id=fan_id, text="OF PPV", nonce="o2", price_cents=999)
    )
    new = connector.messages_since(first.next_cursor)
    assert [(m.platform_message_id, m.price_cents) for m in new.items] == [
        (receipt.platform_message_id, None),
        (ppv.platform_message_id, 999),
    ]
    delivered = simulator.admin("GET", f"/accounts/creator2/deliveries?fan_id={fan_id}&text={text}")
    assert delivered["count"] == 1
    found = connector.find_sent(platform_fan_id=fan_id, nonce="o1", text=text, after=start)
    assert found is not None and found.platform_message_id == receipt.platform_message_id

    statements = connector.earnings_since(None)
    assert statements.items
    simulator.admin("POST", "/tick", json={"hours": 3})
    later = connector.earnings_since(statements.next_cursor)
    assert any(
        e.kind == "ppv"
        and e.platform_message_id == ppv.platform_message_id
        and e.amount_cents == 999
        for e in later.items
    )
    post = connector.create_post(OutgoingPost(caption="New on OF", nonce="op1"))
    assert int(post.platform_message_id) > 0
    connector.close()


def test_expired_session_logs_in_again(simulator: Simulator, pool: BrowserPool) -> None:
    conn = connection(simulator, "creator2", driver="onlyfans", account_id="of-expiry")
    connector = OnlyFansConnector(conn, pool=pool)
    assert connector.check_session().ok
    simulator.admin("POST", "/accounts/creator2/faults", json={"mode": "session_expiry"})
    assert connector.earnings_since(None).items
    connector.close()


def test_imported_session_without_password_asks_a_person(
    simulator: Simulator, pool: BrowserPool
) -> None:
    conn = connection(simulator, "creator2", driver="onlyfans", account_id="of-nopass")
    conn = type(conn)(
        account_id=conn.account_id,
        platform="onlyfans",
        handle=conn.handle,
        driver="onlyfans",
        base_url=conn.base_url,
        secret={"storage_state": {"cookies": [], "origins": []}},
    )
    connector = OnlyFansConnector(conn, pool=pool)
    with pytest.raises(NeedsHumanError) as raised:
        connector.fans_since(None)
    assert raised.value.screenshot_key
    connector.close()
