"""Per fan and item: sent free, offered, bought, not bought — derived from the outbox and the
synced purchases (issue 16); the performance per item; the question other domains ask ("has this
fan already received or bought it?"); and the price ladder with its history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from tests.content.sales import Shop, make_shop
from tests.factories import make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.content.offers import OfferState, offers
from huntaze.content.pricing import prices, suggested_price
from huntaze.content.schemas import VaultItemUpdate
from huntaze.content.service import vault
from huntaze.core.db import utcnow
from huntaze.core.errors import PermissionDeniedError
from huntaze.storage.blobs import LocalBlobStore

DAY = dt.timedelta(days=1)


@pytest.fixture
def shop(session: Session, tmp_path: Path) -> Shop:
    return make_shop(session, LocalBlobStore(tmp_path))


def test_each_fan_has_the_state_the_outbox_and_the_purchases_say(shop: Shop) -> None:
    item, other = shop.item(seed=1), shop.item(seed=2)
    buyer, waiting, passed, free = (shop.fan(n) for n in ("buyer", "waiting", "passed", "free"))
    now = utcnow()
    shop.send(passed, [item.id], price_cents=1500, at=now - 10 * DAY)
    shop.send(buyer, [item.id], price_cents=1500, at=now - 2 * DAY, bought=True, paid_cents=1500)
    shop.send(waiting, [item.id], price_cents=1500, at=now - DAY)
    shop.send(passed, [item.id], price_cents=1200, at=now - 5 * DAY)
    shop.send(free, [item.id], at=now - 3 * DAY)
    shop.send(free, [other.id], price_cents=900, at=now)  # another item: not this one's

    found = offers.of_item(shop.session, shop.owner.actor, item, now=now)

    states = {entry.username: entry.state for entry in found.fans}
    assert states == {
        "buyer": OfferState.BOUGHT,
        "waiting": OfferState.OFFERED,
        "passed": OfferState.NOT_BOUGHT,
        "free": OfferState.SENT_FREE,
    }
    assert [e.username for e in found.fans] == ["waiting", "buyer", "free", "passed"]
    passed_entry = next(e for e in found.fans if e.username == "passed")
    assert passed_entry.unbought_offers == 2 and len(passed_entry.deliveries) == 2
    perf = found.performance
    assert (perf.free_sends, perf.offers, perf.buys, perf.revenue_cents) == (1, 4, 1, 1500)
    assert perf.buy_rate == pytest.approx(0.25)


def test_has_this_fan_already_received_or_bought_it(shop: Shop) -> None:
    item = shop.item()
    buyer, stranger = shop.fan("buyer"), shop.fan("stranger")
    shop.send(buyer, [item.id], price_cents=800, bought=True)
    actor = shop.owner.actor
    assert offers.state_for(shop.session, actor, fan=buyer, item=item) is OfferState.BOUGHT
    assert offers.state_for(shop.session, actor, fan=stranger, item=item) is None
    by_item = offers.of_fan(shop.session, actor, buyer)
    assert by_item[item.id].state is OfferState.BOUGHT


def test_a_purchase_known_only_from_the_statement_counts_as_bought(shop: Shop) -> None:
    item = shop.item()
    fan = shop.fan("quiet")
    shop.send(fan, [item.id], price_cents=700, bought=False, paid_cents=700)
    entry = offers.of_item(shop.session, shop.owner.actor, item).fans[0]
    assert entry.state is OfferState.BOUGHT and entry.revenue_cents == 700


def test_platform_media_ids_and_mass_messages_are_followed(shop: Shop) -> None:
    item = shop.item()
    one, two, three = shop.fan("one"), shop.fan("two"), shop.fan("three")
    actor = shop.owner.actor
    offers.link_platform_media(
        shop.session, actor, item, platform_account_id=shop.account.id, platform_media_id="of-77"
    )
    offers.link_platform_media(  # linking twice is harmless
        shop.session, actor, item, platform_account_id=shop.account.id, platform_media_id="of-77"
    )
    shop.send(None, ["of-77", "unknown"], price_cents=1000, recipients=[one, two])
    shop.send(three, ["of-77"], price_cents=1000, bought=True, paid_cents=1000)
    states = {e.username: e.state for e in offers.of_item(shop.session, actor, item).fans}
    assert states == {
        "one": OfferState.OFFERED,
        "two": OfferState.OFFERED,
        "three": OfferState.BOUGHT,
    }


def test_a_campaign_learns_whom_not_to_sell_the_item_again(shop: Shop) -> None:
    item = shop.item()
    bought, free, passed = shop.fan("bought"), shop.fan("free"), shop.fan("passed")
    shop.send(bought, [item.id], price_cents=900, bought=True)
    shop.send(free, [item.id])
    shop.send(passed, [item.id], price_cents=900, at=utcnow() - 9 * DAY)
    skip = offers.fans_who_have(
        shop.session, shop.owner.actor, platform_account_id=shop.account.id, media_ids=[item.id]
    )
    assert skip == {bought.platform_fan_id, free.platform_fan_id}
    none = offers.fans_who_have(
        shop.session, shop.owner.actor, platform_account_id=shop.account.id, media_ids=[]
    )
    assert none == set()


def test_revenue_of_a_message_with_two_items_is_split(shop: Shop) -> None:
    first, second = shop.item(seed=1), shop.item(seed=2)
    fan = shop.fan("fan")
    shop.send(fan, [first.id, second.id], price_cents=2000, bought=True, paid_cents=2000)
    perf = offers.performance_of(shop.session, shop.owner.actor, [first, second])
    assert perf[first.id].revenue_cents == perf[second.id].revenue_cents == 1000
    assert perf[first.id].buy_rate == 1.0


def test_another_organization_sees_nothing(shop: Shop, session: Session) -> None:
    item = shop.item()
    shop.send(shop.fan("fan"), [item.id], price_cents=900, bought=True)
    stranger = make_member(session, make_org(session), Role.OWNER)
    found = offers.of_item(session, stranger.actor, item)
    assert found.fans == [] and found.performance.offers == 0


def test_a_price_change_is_recorded_with_who_and_when(shop: Shop) -> None:
    item = shop.item(folder="Beach")
    actor = shop.owner.actor
    vault.update(shop.session, actor, item, VaultItemUpdate(price_cents=1500))
    vault.update(shop.session, actor, item, VaultItemUpdate(price_cents=1200))
    vault.update(shop.session, actor, item, VaultItemUpdate(folder="Beach"))  # no price change
    prices.set_ladder(shop.session, actor, shop.creator, folder="Beach", steps_cents=[2000, 1500])
    history = prices.history(shop.session, actor, item)
    assert [(h.old_cents, h.new_cents) for h in history] == [
        ([], [2000, 1500]),
        ([1500], [1200]),
        ([], [1500]),
    ]
    assert all(h.changed_by_user_id == shop.owner.user.id for h in history)
    assert shop.owner.user.email in history[0].changed_by
    assert history[0].folder == "Beach" and history[1].vault_item_id == item.id


def test_the_ladder_steps_down_for_a_fan_who_let_offers_pass(shop: Shop) -> None:
    item = shop.item(folder="Sets")
    actor = shop.owner.actor
    ladder = prices.set_ladder(
        shop.session, actor, shop.creator, folder="Sets", steps_cents=[2000, 1500, 1000]
    )
    assert prices.ladder_of(shop.session, actor, item) is ladder
    assert [suggested_price(item, ladder, unbought_offers=n).cents for n in range(5)] == [
        2000,
        1500,
        1000,
        1000,
        1000,
    ]
    item.price_cents = 2500
    assert suggested_price(item, ladder, unbought_offers=0).cents == 2500
    assert suggested_price(item, ladder, unbought_offers=1).cents == 1500
    assert suggested_price(item, None, unbought_offers=0).cents == 2500
    item.price_cents = None
    assert suggested_price(item, None, unbought_offers=0).cents is None
    removed = prices.set_ladder(shop.session, actor, shop.creator, folder="Sets", steps_cents=[])
    assert removed is None
    assert prices.ladders(shop.session, actor, shop.creator) == []


def test_a_viewer_cannot_set_a_ladder(shop: Shop, session: Session) -> None:
    viewer = make_member(session, shop.owner.organization, Role.VIEWER)
    with pytest.raises(PermissionDeniedError):
        prices.set_ladder(session, viewer.actor, shop.creator, folder="Sets", steps_cents=[900])
