"""The vault page: a creator's media as a grid of thumbnails with a folder filter, an upload
form (multipart, read in chunks) and per-item folder, tags and price; on both blob stores."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.content.conftest import Vault
from tests.content.media_files import mp4, picture
from tests.factories import log_in, make_creator, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.content.models import VaultItem
from huntaze.creators.models import Creator


def _owner_page(vault_app: Vault, session: Session) -> tuple[Creator, str]:
    owner = make_member(session, make_org(session), Role.OWNER)
    creator = make_creator(session, owner, name="Luna")
    csrf = log_in(vault_app.client, session, owner)
    return creator, csrf


def _post_file(
    vault_app: Vault, creator: Creator, csrf: str, name: str, body: bytes, folder: str = ""
) -> httpx.Response:
    return vault_app.client.post(
        f"/creators/{creator.id}/vault",
        data={"csrf_token": csrf, "folder": folder},
        files={"file": (name, body, "application/octet-stream")},
        follow_redirects=False,
    )


def test_upload_then_see_the_grid_with_thumbnails_and_folders(
    vault_app: Vault, session: Session
) -> None:
    creator, csrf = _owner_page(vault_app, session)
    response = _post_file(vault_app, creator, csrf, "beach.jpg", picture("JPEG"), folder="Beach")
    assert response.status_code == 303, response.text
    _post_file(vault_app, creator, csrf, "clip.mp4", mp4())
    page = vault_app.client.get(f"/creators/{creator.id}/vault")
    assert page.status_code == 200
    item = session.scalars(select(VaultItem).where(VaultItem.kind == "image")).one()
    assert f'src="/api/v1/vault/{item.id}/thumbnail"' in page.text
    assert 'data-testid="video-placeholder"' in page.text
    assert ">Beach</a>" in page.text
    thumbnail = vault_app.client.get(f"/api/v1/vault/{item.id}/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"
    beach = vault_app.client.get(f"/creators/{creator.id}/vault", params={"folder": "Beach"})
    assert "beach.jpg" in beach.text and "clip.mp4" not in beach.text


def test_a_wrong_file_is_refused_on_the_page_and_leaves_nothing(
    vault_app: Vault, session: Session
) -> None:
    creator, csrf = _owner_page(vault_app, session)
    response = _post_file(
        vault_app, creator, csrf, "cute.jpg", b"\x7fELF\x02\x01\x01" + b"\0" * 500
    )
    assert response.status_code == 415
    assert "its content, not its name, decides" in response.text
    assert vault_app.leftovers() == []
    assert session.scalar(select(func.count()).select_from(VaultItem)) == 0


def test_no_file_chosen_is_a_message_beside_the_field(vault_app: Vault, session: Session) -> None:
    creator, csrf = _owner_page(vault_app, session)
    response = vault_app.client.post(
        f"/creators/{creator.id}/vault", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 422
    assert 'data-testid="error-file"' in response.text


def test_folder_tags_and_price_from_the_item_form(vault_app: Vault, session: Session) -> None:
    creator, csrf = _owner_page(vault_app, session)
    _post_file(vault_app, creator, csrf, "a.png", picture())
    item = session.scalars(select(VaultItem)).one()
    saved = vault_app.client.post(
        f"/vault/{item.id}/edit",
        data={"csrf_token": csrf, "folder": "Sets", "tags": "gym, red, gym", "price": "12.50"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    session.refresh(item)
    assert (item.folder, item.tags, item.price_cents) == ("Sets", ["gym", "red"], 1250)
    bad = vault_app.client.post(
        f"/vault/{item.id}/edit",
        data={"csrf_token": csrf, "folder": "Sets", "tags": "", "price": "-3"},
        follow_redirects=False,
    )
    assert bad.status_code == 422 and "price" in bad.text
    deleted = vault_app.client.post(
        f"/vault/{item.id}/delete", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert deleted.status_code == 303
    assert vault_app.leftovers() == []


def test_a_viewer_sees_the_vault_but_cannot_upload(vault_app: Vault, session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    creator = make_creator(session, owner)
    viewer = make_member(session, owner.organization, Role.VIEWER)
    csrf = log_in(vault_app.client, session, viewer)
    page = vault_app.client.get(f"/creators/{creator.id}/vault")
    assert page.status_code == 200 and 'data-testid="upload"' not in page.text
    refused = _post_file(vault_app, creator, csrf, "a.png", picture())
    assert refused.status_code == 403
    assert vault_app.leftovers() == []


def test_another_organization_gets_404(vault_app: Vault, session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    creator = make_creator(session, owner)
    stranger = make_member(session, make_org(session), Role.OWNER)
    log_in(vault_app.client, session, stranger)
    assert vault_app.client.get(f"/creators/{creator.id}/vault").status_code == 404


def test_the_creator_page_links_to_the_vault(vault_app: Vault, session: Session) -> None:
    creator, _ = _owner_page(vault_app, session)
    page = vault_app.client.get(f"/creators/{creator.id}")
    assert f'href="/creators/{creator.id}/vault"' in page.text
