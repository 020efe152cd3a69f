"""The ``api2`` skin serves the shapes of the platform's web app (DESIGN.md §3; the fields and
their sources: ``docs/onlyfans.md``)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.simulator.conftest import ADMIN


def get(client: TestClient, auth: dict[str, str], path: str) -> Any:
    response = client.get(f"/api2/v2{path}", headers=auth)
    assert response.status_code == 200, response.text
    return response.json()


def post(client: TestClient, auth: dict[str, str], path: str, body: Any) -> Any:
    return client.post(f"/api2/v2{path}", headers=auth, json=body)


def subscriber(client: TestClient, auth: dict[str, str], fan_id: int) -> Any:
    offset, more = 0, True
    while more:
        page = get(client, auth, f"/subscriptions/subscribers?limit=20&offset={offset}&type=all")
        for user in page["list"]:
            if user["id"] == fan_id:
                return user
        offset, more = offset + len(page["list"]), page["hasMore"]
    raise AssertionError(f"fan {fan_id} is not a subscriber")


def first_fan(client: TestClient, auth: dict[str, str]) -> int:
    return int(get(client, auth, "/subscriptions/subscribers?limit=1")["list"][0]["id"])


def test_a_price_needs_media_and_a_price_between_3_and_200(
    client: TestClient, auth: dict[str, str]
) -> None:
    fan = first_fan(client, auth)
    refused = post(client, auth, f"/chats/{fan}/messages", {"text": "PPV", "price": 9.99})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "media_required"
    media = get(client, auth, "/vault/media?limit=1")["list"][0]["id"]
    too_low = {"text": "PPV", "price": 2, "mediaFiles": [media]}
    assert post(client, auth, f"/chats/{fan}/messages", too_low).status_code == 422
    sent = post(client, auth, f"/chats/{fan}/messages", too_low | {"price": 3})
    assert sent.status_code == 200
    mass = post(client, auth, "/messages/queue", {"text": "x", "price": 5, "userLists": ["fans"]})
    assert mass.json()["error"]["code"] == "media_required"


def test_messages_are_html_from_a_user_id(client: TestClient, auth: dict[str, str]) -> None:
    me = get(client, auth, "/users/me")["id"]
    fan = first_fan(client, auth)
    sent = post(client, auth, f"/chats/{fan}/messages", {"text": "Tom & Jerry's <3\nbye"}).json()
    assert sent["text"] == "<p>Tom &amp; Jerry&#039;s &lt;3</p><p>bye</p>"
    assert sent["fromUser"]["id"] == me != fan
    assert isinstance(sent["id"], int) and "isFromCreator" not in sent
    history = get(client, auth, f"/chats/{fan}/messages?limit=50")["list"]
    assert {m["fromUser"]["id"] for m in history} <= {me, fan}


def test_subscribers_come_in_short_pages_with_hasmore(
    client: TestClient, auth: dict[str, str]
) -> None:
    seen: list[int] = []
    offset, more = 0, True
    while more:
        page = get(client, auth, f"/subscriptions/subscribers?limit=30&offset={offset}&type=all")
        assert len(page["list"]) <= 20
        seen += [u["id"] for u in page["list"]]
        offset, more = offset + len(page["list"]), page["hasMore"]
    summary = client.get("/_admin/accounts/creator1/summary", headers=ADMIN).json()
    assert len(seen) == len(set(seen)) == sum(summary["fans"].values()) > 20


def test_transactions_are_described_with_string_ids_and_chargebacks(
    client: TestClient, auth: dict[str, str]
) -> None:
    page = get(client, auth, "/payouts/transactions?limit=50")
    assert page["list"] and all(isinstance(t["id"], str) for t in page["list"])
    assert all("type" not in t and "messageId" not in t for t in page["list"])
    prefixes = ("Subscription from", "Recurring subscription from", "Tip from", "Payment for")
    assert all(t["description"].startswith(prefixes) for t in page["list"])
    tip = next(t for t in page["list"] if t["description"].startswith("Tip from"))
    fan = tip["user"]["id"]
    before = subscriber(client, auth, fan)
    internal = int(tip["id"], 16)
    client.post(
        f"/_admin/accounts/creator1/transactions/{internal}/chargeback", headers=ADMIN, json={}
    )
    after_page = get(client, auth, "/payouts/transactions?limit=50")
    assert next(t for t in after_page["list"] if t["id"] == tip["id"])["status"] == "undo"
    after = subscriber(client, auth, fan)
    assert (
        round(before["subscribedOnData"]["tipsSumm"] - after["subscribedOnData"]["tipsSumm"], 2)
        == tip["net"]
    )


def test_unsending_never_lets_an_old_message_id_come_back(
    client: TestClient, auth: dict[str, str]
) -> None:
    fan = first_fan(client, auth)
    mass = post(client, auth, "/messages/queue", {"text": "Oops", "userLists": ["fans"]}).json()
    newest = get(client, auth, f"/chats/{fan}/messages?limit=1")["list"][0]["id"]
    assert client.delete(f"/api2/v2/messages/queue/{mass['id']}", headers=auth).status_code == 200
    stats = get(client, auth, "/messages/queue/stats?limit=5")["list"][0]
    assert (stats["id"], stats["isCanceled"], stats["canUnsend"]) == (mass["id"], True, False)
    again = post(client, auth, f"/chats/{fan}/messages", {"text": "Sorry"}).json()
    assert again["id"] > newest
