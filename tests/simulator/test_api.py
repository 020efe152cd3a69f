"""The simulator's JSON API: reads, writes, cursors (DESIGN.md §3)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.simulator.conftest import ADMIN, fan_with_profile


def test_login_with_one_time_code_then_cookie_works(client: TestClient) -> None:
    client.patch("/_admin/accounts/creator1", json={"otp_enabled": True}, headers=ADMIN)
    code = client.get("/_admin/accounts/creator1/otp", headers=ADMIN).json()["code"]
    body = {"username": "creator1", "password": "simulator"}
    assert client.post("/api/v1/session", json=body).json()["error"]["code"] == "otp_required"
    bad = client.post(
        "/api/v1/session", json=body | {"code": "000000" if code != "000000" else "1"}
    )
    assert bad.status_code == 401
    assert client.post("/api/v1/session", json=body | {"code": code}).status_code == 200
    assert client.get("/api/v1/me").json()["username"] == "creator1"


def test_message_with_nonce_is_counted_and_findable(
    client: TestClient, auth: dict[str, str]
) -> None:
    fan = fan_with_profile(client, "regular")
    body = {"text": "hey you, new set today?", "nonce": "n-1"}
    for _ in range(2):
        assert (
            client.post(f"/api/v1/chats/{fan['id']}/messages", json=body, headers=auth).status_code
            == 201
        )
    truth = client.get(
        f"/_admin/accounts/creator1/deliveries?fan_id={fan['id']}&nonce=n-1", headers=ADMIN
    ).json()
    assert truth["count"] == 2
    found = client.get(f"/api/v1/chats/{fan['id']}/messages?nonce=n-1", headers=auth).json()
    assert [m["nonce"] for m in found["items"]] == ["n-1", "n-1"]


def test_incremental_sync_of_messages_and_fans(client: TestClient, auth: dict[str, str]) -> None:
    first = client.get("/api/v1/messages?limit=200", headers=auth).json()
    cursor = first["next_cursor"]
    while first["has_more"]:
        first = client.get(f"/api/v1/messages?since={cursor}&limit=200", headers=auth).json()
        cursor = first["next_cursor"]
    fans_sync = client.get("/api/v1/fans?changed_since=0&limit=200", headers=auth).json()
    seq = fans_sync["next_cursor"]
    fan = fan_with_profile(client, "lurker")
    sent = client.post(
        f"/api/v1/chats/{fan['id']}/messages", json={"text": "hi there"}, headers=auth
    )
    newer = client.get(f"/api/v1/messages?since={cursor}", headers=auth).json()
    assert [m["id"] for m in newer["items"]] == [sent.json()["id"]]
    changed = client.get(f"/api/v1/fans?changed_since={seq}", headers=auth).json()
    assert [f["id"] for f in changed["items"]] == [fan["id"]]


def test_chat_paging_by_id(client: TestClient, auth: dict[str, str]) -> None:
    fan = fan_with_profile(client, "regular")
    for n in range(5):
        client.post(f"/api/v1/chats/{fan['id']}/messages", json={"text": f"m{n}"}, headers=auth)
    page = client.get(f"/api/v1/chats/{fan['id']}/messages?limit=2", headers=auth).json()
    assert [m["text"] for m in page["items"]] == ["m3", "m4"] and page["has_more"]
    older = client.get(
        f"/api/v1/chats/{fan['id']}/messages?limit=2&before_id={page['next_cursor']}", headers=auth
    ).json()
    assert [m["text"] for m in older["items"]] == ["m1", "m2"]


def test_ppv_purchase_is_linked_to_its_message(client: TestClient, auth: dict[str, str]) -> None:
    fan = fan_with_profile(client, "big_spender")
    client.patch(
        f"/_admin/accounts/creator1/fans/{fan['id']}", json={"force_buy": True}, headers=ADMIN
    )
    sent = client.post(
        f"/api/v1/chats/{fan['id']}/messages",
        json={"text": "just for you", "price_cents": 1500},
        headers=auth,
    ).json()
    client.post("/_admin/tick", json={"hours": 1}, headers=ADMIN)
    bought = client.get(
        f"/_admin/accounts/creator1/purchases?message_id={sent['id']}", headers=ADMIN
    ).json()
    assert bought["count"] == 1 and bought["total_cents"] == 1500
    txs = client.get("/api/v1/transactions/latest", headers=auth).json()["items"]
    assert any(t["message_id"] == sent["id"] and t["kind"] == "ppv" for t in txs)


def test_mass_message_posts_vault_and_links(client: TestClient, auth: dict[str, str]) -> None:
    mass = client.post(
        "/api/v1/mass-messages", json={"text": "new drop!", "nonce": "mm1"}, headers=auth
    )
    active = client.get("/_admin/accounts/creator1/summary", headers=ADMIN).json()["fans"]["active"]
    assert mass.status_code == 201 and mass.json()["recipients"] == active
    upload = client.post(
        "/api/v1/vault", files={"file": ("a.png", b"\x89PNG....", "image/png")}, headers=auth
    )
    assert upload.status_code == 201
    media_id = upload.json()["id"]
    post = client.post(
        "/api/v1/posts",
        json={"text": "soon", "media_ids": [media_id], "publish_at": "2030-01-01T10:00:00Z"},
        headers=auth,
    )
    assert post.status_code == 201 and post.json()["published"] is False
    link = client.post(
        "/api/v1/links", json={"name": "TikTok", "kind": "trial", "trial_days": 3}, headers=auth
    )
    link_id = link.json()["id"]
    client.put(
        f"/_admin/accounts/creator1/links/{link_id}/rate",
        json={"arrivals_per_day": 48},
        headers=ADMIN,
    )
    client.post("/_admin/tick", json={"hours": 2}, headers=ADMIN)
    stats = next(
        i for i in client.get("/api/v1/links", headers=auth).json()["items"] if i["id"] == link_id
    )
    assert stats["subscribers"] == 4


def test_other_account_cannot_see_my_fan(client: TestClient, auth: dict[str, str]) -> None:
    theirs = fan_with_profile(client, "regular", username="creator2")
    assert client.get(f"/api/v1/fans/{theirs['id']}", headers=auth).status_code == 404
