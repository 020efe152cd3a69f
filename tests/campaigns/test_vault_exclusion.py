"""A campaign with vault media never sells a fan what they already have (issue 16's ledger
used by issue 19's snapshot): buyers and fans who got the item free are excluded with the
reason; a fan who let an earlier offer pass is offered again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.campaigns.helpers import make_campaign, make_segment
from tests.content.sales import make_shop
from tests.outbox.helpers import Agency

from huntaze.campaigns import dispatch
from huntaze.campaigns.models import CampaignRecipient
from huntaze.campaigns.service import campaigns
from huntaze.core.db import utcnow
from huntaze.outbox import batch
from huntaze.storage.blobs import LocalBlobStore

DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def no_send_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "wake_after_commit", lambda *args, **kwargs: None)


def test_a_ppv_campaign_skips_fans_who_already_have_its_item(
    session: Session, tmp_path: Path
) -> None:
    shop = make_shop(session, LocalBlobStore(tmp_path))
    agency = Agency(shop.owner, shop.owner, shop.owner, shop.account)
    item, other = shop.item(seed=5), shop.item(seed=6)
    buyer, got_free, passed, fresh = (shop.fan(n) for n in ("buyer", "free", "passed", "fresh"))
    now = utcnow()
    shop.send(buyer, [item.id], price_cents=1500, at=now - 5 * DAY, bought=True, paid_cents=1500)
    shop.send(got_free, [item.id], at=now - 5 * DAY)
    shop.send(passed, [item.id], price_cents=1500, at=now - 10 * DAY)
    shop.send(fresh, [other.id], price_cents=900, at=now - 5 * DAY, bought=True, paid_cents=900)
    session.flush()
    campaign = make_campaign(
        session,
        agency,
        make_segment(session, agency),
        kind="ppv",
        price_cents=1200,
        media_ids=[item.id],
        holdout_percent=0,
        exclude_messaged_hours=None,  # the sends above were written just now
    )
    campaigns.start(session, agency.manager.actor, campaign)
    session.commit()

    dispatch.advance(campaign.id)

    rows = session.execute(
        select(CampaignRecipient.fan_id, CampaignRecipient.arm, CampaignRecipient.reason).where(
            CampaignRecipient.campaign_id == campaign.id
        )
    ).all()
    by_fan = {fan_id: (arm, reason) for fan_id, arm, reason in rows}
    assert by_fan[buyer.id] == ("excluded", dispatch.ALREADY_HAS_IT)
    assert by_fan[got_free.id] == ("excluded", dispatch.ALREADY_HAS_IT)
    assert by_fan[passed.id][0] == "treated"  # let the offer pass: may be offered again
    assert by_fan[fresh.id][0] == "treated"  # bought another item only
