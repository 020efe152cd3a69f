"""The OnlyFans connector end to end against the simulator's ``api2`` skin (DESIGN.md §3).

The skin serves the routes and JSON shapes of the platform's web app as public clients describe
them (``docs/onlyfans.md``); the connector reads the JSON the page fetches and acts through the
page, in real Chromium. Ground truth comes from the simulator's admin API.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import httpx
import pytest
from tests.platforms.browser.conftest import Simulator, connection

from huntaze.platforms.agency import AgencyReader
from huntaze.platforms.base import (
    NeedsHumanError,
    OutcomeUnknownError,
    OutgoingMassMessage,
    OutgoingMessage,
    OutgoingPost,
    RejectedError,
)
from huntaze.platforms.browser.pool import BrowserPool
from huntaze.platforms.onlyfans import OnlyFansConnector

pytestmark = pytest.mark.browser
USER = "creator2"


def active_fan(sim: Simulator, index: int = 0) -> str:
    items = sim.admin("GET", f"/accounts/{USER}/fans")["items"]
    return str([f["id"] for f in items if f["status"] == "active"][index])


def vault_media_id(sim: Simulator) -> str:
    token = sim.account(USER)["api_token"]
    vault = sim.http.get("/api/v1/vault", headers={"Authorization": f"Bearer {token}"}).json()
    return str(vault["items"][0]["id"])


def as_creator(sim: Simulator) -> httpx.Client:
    """The web app's own session, for setting up what the connector only reads."""
    client = httpx.Client(base_url=sim.url, timeout=30)
    account = sim.account(USER)
    client.post("/login", data={"username": USER, "password": account["password"]})
    return client


def now(sim: Simulator) -> dt.datetime:
    return dt.datetime.fromisoformat(sim.admin("GET", "/clock")["now"])


def test_sync_send_and_post_on_api2(simulator: Simulator, pool: BrowserPool) -> None:
    connector = OnlyFansConnector(connection(simulator, USER, driver="onlyfans"), pool=pool)
    assert connector.check_session().ok

    fans = connector.fans_since(None)
    truth = simulator.admin("GET", f"/accounts/{USER}/summary")
    assert len(fans.items) == sum(truth["fans"].values())
    assert Counter(f.is_active for f in fans.items) == {
        True: truth["fans"].get("active", 0),
        False: truth["fans"].get("expired", 0),
    }

    first = connector.messages_since(None)
    ours = {m["id"] for m in simulator.admin("GET", f"/accounts/{USER}/deliveries")["messages"]}
    assert {int(m.platform_message_id) for m in first.items if m.direction == "outbound"} == ours
    assert len(first.items) == truth["messages"]
    assert connector.messages_since(first.next_cursor).items == []

    fan_id = active_fan(simulator)
    media = vault_media_id(simulator)
    simulator.admin("PATCH", f"/accounts/{USER}/fans/{fan_id}", json={"force_buy": True})
    start = now(simulator)
    with pytest.raises(RejectedError, match="without media"):
        connector.send_message(
            OutgoingMessage(
                platform_fan_id=fan_id, text="PPV, no media", nonce="o0", price_cents=999
            )
        )
    assert simulator.admin("GET", f"/accounts/{USER}/deliveries?text=PPV, no media")["count"] == 0
    text = "Tom & Jerry's <3\nsee you soon"
    receipt = connector.send_message(OutgoingMessage(platform_fan_id=fan_id, text=text, nonce="o1"))
    ppv = connector.send_message(
        OutgoingMessage(
            platform_fan_id=fan_id, text="OF PPV", nonce="o2", price_cents=999, media_ids=[media]
        )
    )
    new = connector.messages_since(first.next_cursor)
    assert [(m.platform_message_id, m.direction, m.text, m.price_cents) for m in new.items] == [
        (receipt.platform_message_id, "outbound", text, None),
        (ppv.platform_message_id, "outbound", "OF PPV", 999),
    ]
    assert new.items[1].media_ids == [media]
    delivered = simulator.admin("GET", f"/accounts/{USER}/deliveries", params={"text": text})
    assert delivered["count"] == 1
    found = connector.find_sent(platform_fan_id=fan_id, nonce="o1", text=text, after=start)
    assert found is not None and found.platform_message_id == receipt.platform_message_id

    simulator.admin("POST", "/tick", json={"hours": 3})
    bought = simulator.admin(
        "GET", f"/accounts/{USER}/purchases?message_id={ppv.platform_message_id}"
    )
    assert bought["count"] == 1
    simulator.admin(
        "POST", f"/accounts/{USER}/transactions/{bought['items'][0]['id']}/chargeback", json={}
    )
    truth = simulator.admin("GET", f"/accounts/{USER}/summary")
    statements = connector.earnings_since(None)
    by_kind: Counter[str] = Counter()
    for entry in statements.items:
        by_kind[entry.kind] += entry.amount_cents
    assert dict(by_kind) == truth["revenue_cents"]
    chargeback = [e for e in statements.items if e.status == "chargeback"]
    assert [(e.kind, e.platform_fan_id, e.amount_cents) for e in chargeback] == [
        ("ppv", fan_id, 999)
    ]
    revenue = sum(e.amount_cents for e in statements.items if e.counts_as_revenue)
    assert revenue == sum(truth["revenue_cents"].values()) - 999
    month_ago = now(simulator) - dt.timedelta(days=30)
    stats = {t.kind: t for t in connector.earnings_statistics()}
    assert stats["all"].gross_cents == sum(
        e.amount_cents
        for e in statements.items
        if e.counts_as_revenue and e.occurred_at >= month_ago
    )
    later = connector.earnings_since(statements.next_cursor)
    assert {e.platform_entry_id for e in later.items} <= {
        e.platform_entry_id for e in statements.items
    }

    post = connector.create_post(OutgoingPost(caption="New on OF & more", nonce="op1"))
    assert int(post.platform_message_id) > 0
    assert connector.find_post(nonce="op1", text="New on OF & more", after=start) == post
    connector.close()


def test_mass_message_lists_and_vault(simulator: Simulator, pool: BrowserPool) -> None:
    connector = OnlyFansConnector(
        connection(simulator, USER, driver="onlyfans", account_id="of-mass"), pool=pool
    )
    assert isinstance(connector, AgencyReader)
    web = as_creator(simulator)
    try:
        made = web.post("/api2/v2/vault/lists", json={"name": "Beach"}).json()
        web.post(
            f"/api2/v2/vault/lists/{made['id']}/media",
            json={"mediaIds": [int(vault_media_id(simulator))]},
        )
    finally:
        web.close()
    assert [(v.name, v.media_count) for v in connector.vault_lists()] == [("Beach", 1)]
    fans = simulator.admin("GET", f"/accounts/{USER}/summary")["fans"]
    lists = {f.platform_list_id: f.fans_count for f in connector.fan_lists()}
    assert lists == {"fans": fans.get("active", 0), "expired": fans.get("expired", 0)}

    start = now(simulator)
    text = "Mass & class: new set tonight"
    receipt = connector.send_mass_message(OutgoingMassMessage(text=text, nonce="m1"))
    sent = simulator.admin("GET", f"/accounts/{USER}/mass-messages", params={"text": text})
    assert sent["count"] == 1 and str(sent["ids"][0]) == receipt.platform_message_id
    stats = next(
        m for m in connector.mass_messages() if m.platform_mass_id == receipt.platform_message_id
    )
    assert (stats.text, stats.sent, stats.unsent) == (text, fans["active"], False)
    assert connector.find_sent_mass(nonce="m1", text=text, after=start) == receipt
    everyone = connector.send_mass_message(
        OutgoingMassMessage(text="To expired fans only", nonce="m2", platform_list_ids=["expired"])
    )
    expired = simulator.admin(
        "GET", f"/accounts/{USER}/mass-messages", params={"text": "To expired fans only"}
    )
    assert expired["recipients"] == [fans["expired"]]
    assert everyone.platform_message_id == str(expired["ids"][0])
    connector.unsend_mass_message(receipt.platform_message_id)
    taken_back = next(
        m for m in connector.mass_messages() if m.platform_mass_id == receipt.platform_message_id
    )
    assert taken_back.unsent
    links = connector.promo_links()
    assert {link.kind for link in links} <= {"tracking", "trial"}
    connector.close()


def test_lost_responses_end_with_exactly_one_delivery(
    simulator: Simulator, pool: BrowserPool
) -> None:
    connector = OnlyFansConnector(
        connection(simulator, USER, driver="onlyfans", account_id="of-lost"), pool=pool
    )
    fan_id = active_fan(simulator, 1)
    start = now(simulator)
    lose = {"mode": "lost_response", "count": 1}

    text = "Lost & found: are you there?"
    # Opening the chat marks it read (a write of its own) before the message is sent.
    simulator.admin("POST", f"/accounts/{USER}/faults", json=lose | {"count": 2})
    with pytest.raises(OutcomeUnknownError):
        connector.send_message(OutgoingMessage(platform_fan_id=fan_id, text=text, nonce="l1"))
    found = connector.find_sent(platform_fan_id=fan_id, nonce="l1", text=text, after=start)
    delivered = simulator.admin("GET", f"/accounts/{USER}/deliveries", params={"text": text})
    assert delivered["count"] == 1
    assert found is not None and found.platform_message_id == str(delivered["messages"][0]["id"])

    mass_text = "Lost mass message & more"
    simulator.admin("POST", f"/accounts/{USER}/faults", json=lose)
    with pytest.raises(OutcomeUnknownError):
        connector.send_mass_message(OutgoingMassMessage(text=mass_text, nonce="l2"))
    found_mass = connector.find_sent_mass(nonce="l2", text=mass_text, after=start)
    sent: dict[str, Any] = simulator.admin(
        "GET", f"/accounts/{USER}/mass-messages", params={"text": mass_text}
    )
    assert sent["count"] == 1
    assert found_mass is not None and found_mass.platform_message_id == str(sent["ids"][0])

    caption = "Lost post, it's here"
    simulator.admin("POST", f"/accounts/{USER}/faults", json=lose)
    with pytest.raises(OutcomeUnknownError):
        connector.create_post(OutgoingPost(caption=caption, nonce="l3"))
    found_post = connector.find_post(nonce="l3", text=caption, after=start)
    posts = simulator.admin("GET", f"/accounts/{USER}/posts", params={"text": caption})
    assert posts["count"] == 1
    assert found_post is not None and found_post.platform_message_id == str(posts["ids"][0])
    connector.close()


def test_expired_session_logs_in_again(simulator: Simulator, pool: BrowserPool) -> None:
    conn = connection(simulator, USER, driver="onlyfans", account_id="of-expiry")
    connector = OnlyFansConnector(conn, pool=pool)
    assert connector.check_session().ok
    simulator.admin("POST", f"/accounts/{USER}/faults", json={"mode": "session_expiry"})
    assert connector.earnings_since(None).items
    connector.close()


def test_imported_session_without_password_asks_a_person(
    simulator: Simulator, pool: BrowserPool
) -> None:
    conn = connection(simulator, USER, driver="onlyfans", account_id="of-nopass")
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
