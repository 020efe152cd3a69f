"""The vault's JSON API on both blob stores (issue 16, acceptance 4 and 5): uploads streamed,
typed by their content, deduplicated by hash, with thumbnails; and every refused upload (wrong
type, too large, damaged, cut mid-stream) leaves nothing in storage or the database."""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import Any

import anyio
import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.content.conftest import MAX_IMAGE_BYTES, Vault
from tests.content.media_files import FFMPEG, mp4, picture, real_video
from tests.factories import Member, api_headers, make_creator, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.content.models import VaultItem
from huntaze.creators.models import Creator


def _owner(vault_app: Vault, session: Session) -> tuple[Member, Creator, dict[str, str]]:
    owner = make_member(session, make_org(session), Role.OWNER)
    creator = make_creator(session, owner)
    headers = api_headers(vault_app.client, session, owner)
    session.commit()
    return owner, creator, headers


def _upload(
    vault_app: Vault,
    creator: Creator,
    headers: dict[str, str],
    body: bytes,
    *,
    filename: str = "photo.png",
    content_type: str = "image/png",
) -> Any:
    return vault_app.client.post(
        f"/api/v1/creators/{creator.id}/vault",
        params={"filename": filename},
        content=body,
        headers={**headers, "content-type": content_type},
    )


def _rows(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(VaultItem)) or 0)


def test_an_image_is_stored_with_its_thumbnail_and_served_back(
    vault_app: Vault, session: Session
) -> None:
    _, creator, headers = _owner(vault_app, session)
    original = picture("PNG", (640, 480))
    response = _upload(vault_app, creator, headers, original, filename="../beach/day one.png")
    assert response.status_code == 201, response.text
    item = response.json()
    assert item["kind"] == "image" and item["media_type"] == "image/png"
    assert (item["width"], item["height"], item["has_thumbnail"]) == (640, 480, True)
    assert item["filename"] == "day one.png"
    content = vault_app.client.get(f"/api/v1/vault/{item['id']}/content", headers=headers)
    assert content.status_code == 200
    assert content.headers["content-type"] == "image/png"
    assert content.content == original
    stored = vault_app.leftovers()
    assert len(stored) == 2  # the file and its thumbnail
    row = session.get(VaultItem, item["id"])
    assert row is not None and row.thumbnail_key
    thumbnail = Image.open(io.BytesIO(vault_app.store.get(row.thumbnail_key)))
    assert thumbnail.format == "JPEG" and max(thumbnail.size) == 320


def test_the_same_file_twice_is_one_item(vault_app: Vault, session: Session) -> None:
    _, creator, headers = _owner(vault_app, session)
    body = picture("JPEG", seed=3)
    first = _upload(vault_app, creator, headers, body, filename="a.jpg", content_type="image/jpeg")
    second = _upload(vault_app, creator, headers, body, filename="b.jpg", content_type="image/jpeg")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert _rows(session) == 1
    assert len(vault_app.leftovers()) == 2
    other = _upload(vault_app, creator, headers, picture("JPEG", seed=4), content_type="image/jpeg")
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]


@pytest.mark.skipif(FFMPEG is None, reason="ffmpeg is not installed")
def test_a_video_gets_its_first_frame_as_thumbnail_with_ffmpeg(
    vault_app: Vault, session: Session, tmp_path: Path
) -> None:
    _, creator, headers = _owner(vault_app, session)
    video = real_video(tmp_path)
    response = _upload(
        vault_app, creator, headers, video, filename="p.mp4", content_type="video/mp4"
    )
    assert response.status_code == 201, response.text
    item = response.json()
    assert (item["kind"], item["has_thumbnail"], item["width"], item["height"]) == (
        "video",
        True,
        160,
        120,
    )
    thumb = vault_app.client.get(f"/api/v1/vault/{item['id']}/thumbnail", headers=headers)
    assert thumb.status_code == 200
    assert Image.open(io.BytesIO(thumb.content)).format == "JPEG"


def test_a_video_ffmpeg_cannot_read_gets_a_placeholder(vault_app: Vault, session: Session) -> None:
    _, creator, headers = _owner(vault_app, session)
    response = _upload(
        vault_app, creator, headers, mp4(), filename="clip.mp4", content_type="video/mp4"
    )
    assert response.status_code == 201, response.text
    assert response.json()["kind"] == "video" and response.json()["has_thumbnail"] is False
    thumb = vault_app.client.get(
        f"/api/v1/vault/{response.json()['id']}/thumbnail", headers=headers
    )
    assert thumb.status_code == 404


def test_an_executable_renamed_jpg_is_refused(vault_app: Vault, session: Session) -> None:
    _, creator, headers = _owner(vault_app, session)
    executable = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 4000 + b"This program cannot be run"
    response = _upload(
        vault_app, creator, headers, executable, filename="cute.jpg", content_type="image/jpeg"
    )
    assert response.status_code == 415
    assert "JPEG, PNG, GIF, WebP, MP4, MOV or WebM" in response.json()["detail"]
    assert vault_app.leftovers() == [] and _rows(session) == 0


def test_an_oversized_file_is_refused(vault_app: Vault, session: Session) -> None:
    _, creator, headers = _owner(vault_app, session)
    huge = picture("JPEG")[:20] + b"\x00" * (MAX_IMAGE_BYTES + 1)
    response = _upload(
        vault_app, creator, headers, huge, filename="big.jpg", content_type="image/jpeg"
    )
    assert response.status_code == 413
    assert "larger than the vault takes for images" in response.json()["detail"]
    assert vault_app.leftovers() == [] and _rows(session) == 0


def test_a_truncated_image_is_refused(vault_app: Vault, session: Session) -> None:
    _, creator, headers = _owner(vault_app, session)
    whole = picture("JPEG", (400, 300))
    response = _upload(
        vault_app,
        creator,
        headers,
        whole[: len(whole) // 2],
        filename="half.jpg",
        content_type="image/jpeg",
    )
    assert response.status_code == 422
    assert "damaged or incomplete" in response.json()["detail"]
    assert vault_app.leftovers() == [] and _rows(session) == 0


def test_an_upload_cut_mid_stream_is_refused(vault_app: Vault, session: Session) -> None:
    """The client sends part of a video and goes away: the server sees the disconnect."""
    _, creator, headers = _owner(vault_app, session)
    body = mp4(200_000)
    chunks = [body[i : i + 16_384] for i in range(0, 64_000, 16_384)]
    messages: list[dict[str, Any]] = [
        {"type": "http.request", "body": c, "more_body": True} for c in chunks
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    path = f"/api/v1/creators/{creator.id}/vault"
    cookies = "; ".join(f"{k}={v}" for k, v in vault_app.client.cookies.items())
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"filename=cut.mp4",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"video/mp4"),
            (b"content-length", str(len(body)).encode()),
            (b"cookie", cookies.encode()),
            (b"x-csrf-token", headers["X-CSRF-Token"].encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }

    async def run() -> None:
        await vault_app.app(scope, receive, send)

    anyio.run(run)
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 400
    assert b"cut off before the whole file arrived" in b"".join(
        m.get("body", b"") for m in sent if m["type"] == "http.response.body"
    )
    assert vault_app.leftovers() == [] and _rows(session) == 0


def test_folders_tags_and_prices(vault_app: Vault, session: Session) -> None:
    _, creator, headers = _owner(vault_app, session)
    ids = [_upload(vault_app, creator, headers, picture(seed=n)).json()["id"] for n in range(3)]
    patched = vault_app.client.patch(
        f"/api/v1/vault/{ids[0]}",
        json={"folder": " Beach ", "tags": ["summer", "bikini", "summer"], "price_cents": 1500},
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["folder"] == "Beach"
    assert patched.json()["tags"] == ["bikini", "summer"]
    assert patched.json()["price_cents"] == 1500
    listed = vault_app.client.get(
        f"/api/v1/creators/{creator.id}/vault", params={"folder": "Beach"}, headers=headers
    )
    assert [i["id"] for i in listed.json()] == [ids[0]]
    everything = vault_app.client.get(f"/api/v1/creators/{creator.id}/vault", headers=headers)
    assert sorted(i["id"] for i in everything.json()) == sorted(ids)
    bad = vault_app.client.patch(
        f"/api/v1/vault/{ids[0]}", json={"price_cents": -1}, headers=headers
    )
    assert bad.status_code == 422


def test_deleting_an_item_removes_its_files(vault_app: Vault, session: Session) -> None:
    _, creator, headers = _owner(vault_app, session)
    item_id = _upload(vault_app, creator, headers, picture()).json()["id"]
    assert len(vault_app.leftovers()) == 2
    response = vault_app.client.delete(f"/api/v1/vault/{item_id}", headers=headers)
    assert response.status_code == 204
    assert vault_app.leftovers() == [] and _rows(session) == 0
    assert vault_app.client.get(f"/api/v1/vault/{item_id}", headers=headers).status_code == 404


def test_an_image_with_too_many_pixels_is_refused_before_decoding(
    vault_app: Vault, session: Session
) -> None:
    _, creator, headers = _owner(vault_app, session)
    small = picture("PNG", (1, 1))
    # The same one-pixel PNG claiming 20000 × 20000 pixels in its header (with a valid CRC).
    ihdr = (20000).to_bytes(4, "big") * 2 + small[24:29]
    crc = zlib.crc32(b"IHDR" + ihdr).to_bytes(4, "big")
    response = _upload(vault_app, creator, headers, small[:16] + ihdr + crc + small[33:])
    assert response.status_code == 422
    assert "pixels" in response.json()["detail"]
    assert vault_app.leftovers() == [] and _rows(session) == 0


def test_control_characters_in_folders_and_tags_are_refused(
    vault_app: Vault, session: Session
) -> None:
    """PostgreSQL refuses NUL in text: the API says so as a 422, never a 500."""
    _, creator, headers = _owner(vault_app, session)
    uploaded = _upload(vault_app, creator, headers, picture(), filename="a\x7f.png")
    assert uploaded.status_code == 201, uploaded.text
    item_id = uploaded.json()["id"]
    listed = vault_app.client.get(
        f"/api/v1/creators/{creator.id}/vault", params={"folder": "\x00"}, headers=headers
    )
    assert listed.status_code == 422
    for body in ({"folder": "a\x00"}, {"tags": ["\x00"]}):
        patched = vault_app.client.patch(f"/api/v1/vault/{item_id}", json=body, headers=headers)
        assert patched.status_code == 422, patched.text
