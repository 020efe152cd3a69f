"""The conversation's sidebar brings the fan CRM and the vault to the chatter: tags, the pinned
note, a link to the fan page, and what the fan already had from the vault (so nobody sells the
same set twice)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.content.sales import make_shop
from tests.factories import log_in

from huntaze.fans.crm import crm
from huntaze.fans.schemas import NoteIn, TagIn
from huntaze.storage.blobs import LocalBlobStore


def _section(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</div>", start)]


def test_the_sidebar_shows_tags_the_pinned_note_and_what_the_fan_had(
    session: Session, client: TestClient, tmp_path: Path
) -> None:
    shop = make_shop(session, LocalBlobStore(tmp_path))
    bought, offered = shop.item(seed=3), shop.item(seed=4)
    fan = shop.fan("collector")
    shop.send(fan, [bought.id], price_cents=1500, bought=True, paid_cents=1500)
    shop.send(fan, [offered.id], price_cents=2000)
    crm.add_tag(session, shop.owner.actor, fan, TagIn(tag="whale"))
    crm.save_pinned(session, shop.owner.actor, fan, NoteIn(text="Loves sunsets, never before 9pm"))
    session.commit()
    log_in(client, session, shop.owner)

    page = client.get(f"/inbox/{fan.id}")

    assert page.status_code == 200
    card = _section(page.text, "fan-sidebar")
    assert "whale" in card and "Loves sunsets, never before 9pm" in card
    assert f'href="/fans/{fan.id}"' in card
    had = _section(page.text, "vault-had")
    assert "set3.png" in had and "set4.png" in had
    assert had.index("set4.png") < had.index("set3.png")  # newest first
    assert "bought" in had and "offered" in had


def test_a_fan_who_had_nothing_says_so(
    session: Session, client: TestClient, tmp_path: Path
) -> None:
    shop = make_shop(session, LocalBlobStore(tmp_path))
    fan = shop.fan("newcomer")
    session.commit()
    log_in(client, session, shop.owner)
    had = _section(client.get(f"/inbox/{fan.id}").text, "vault-had")
    assert "Nothing from the vault" in had
