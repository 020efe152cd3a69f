"""Segment rules compile to SQL and count the fans they describe, on either backend."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session
from tests.campaigns.helpers import hours_ago, make_fan, make_segment
from tests.outbox.helpers import Agency, make_agency

from huntaze.campaigns.rules import SegmentRules
from huntaze.campaigns.schemas import SegmentDraft
from huntaze.campaigns.service import campaigns
from huntaze.core.db import utcnow
from huntaze.core.errors import ConflictError, NotFoundError
from huntaze.inbox.models import Earning
from huntaze.outbox.models import OutboundMessage


@pytest.fixture
def agency(session: Session) -> Agency:
    return make_agency(session)


def count(session: Session, agency: Agency, **rules: object) -> int:
    draft = SegmentDraft(platform_account_id=agency.account.id, rules=SegmentRules(**rules))  # type: ignore[arg-type]
    return campaigns.count(session, agency.chatter.actor, draft).fans


def test_each_rule_selects_its_fans(session: Session, agency: Agency) -> None:
    now = utcnow()
    day = dt.timedelta(days=1)
    whale = make_fan(
        session,
        agency,
        spent_ppv_cents=50_000,
        last_purchase_at=now - day,
        last_inbound_at=now - day,
        time_zone="Europe/Paris",
        unread_count=2,
        expires_at=now + 3 * day,
    )
    lapsed = make_fan(
        session,
        agency,
        status="expired",
        expires_at=now - 40 * day,
        spent_tip_cents=1_000,
        last_purchase_at=now - 90 * day,
    )
    quiet = make_fan(session, agency, time_zone="America/New_York", expires_at=now + 20 * day)
    assert count(session, agency) == 3
    assert count(session, agency, spent_min_cents=10_000) == 1
    assert count(session, agency, spent_min_cents=500, spent_max_cents=2_000) == 1
    assert count(session, agency, purchased_within_days=7) == 1
    assert count(session, agency, no_purchase_for_days=30) == 2  # lapsed and never-bought quiet
    assert count(session, agency, active_within_days=2) == 1
    assert count(session, agency, inactive_for_days=2) == 2
    assert count(session, agency, subscription="expired") == 1
    assert count(session, agency, expires_within_days=7) == 1
    assert count(session, agency, expired_for_days=30) == 1
    assert count(session, agency, expired_for_days=60) == 0
    assert count(session, agency, time_zones=["Europe/Paris", "America/New_York"]) == 2
    assert count(session, agency, unread=True) == 1
    assert count(session, agency, unread=False) == 2
    session.add(
        Earning(
            organization_id=agency.account.organization_id,
            platform_account_id=agency.account.id,
            fan_id=quiet.id,
            platform_entry_id="e1",
            kind="subscription",
            amount_cents=999,
            renewal=True,
            occurred_at=now - day,
        )
    )
    session.flush()
    assert count(session, agency, rebill=True) == 1
    assert count(session, agency, rebill=False) == 2
    assert {whale.id, lapsed.id, quiet.id}


def _sent(session: Session, agency: Agency, platform_fan_id: str, **values: object) -> None:
    session.add(
        OutboundMessage(
            organization_id=agency.account.organization_id,
            platform_account_id=agency.account.id,
            kind="ppv",
            state="sent",
            idempotency_key=f"k-{platform_fan_id}-{len(values)}",
            nonce=f"n-{platform_fan_id}",
            platform_fan_id=platform_fan_id,
            text="x",
            media_ids=["item1"],
            price_cents=900,
            compliance_outcome="allow",
            author_kind="person",
            **values,
        )
    )
    session.flush()


def test_messaged_and_vault_item_rules_read_the_outbox(session: Session, agency: Agency) -> None:
    recent = make_fan(session, agency)
    old = make_fan(session, agency)
    make_fan(session, agency)
    _sent(session, agency, recent.platform_fan_id, created_at=hours_ago(2))
    _sent(session, agency, old.platform_fan_id, created_at=hours_ago(200))
    assert count(session, agency, messaged_within_hours=24) == 1
    assert count(session, agency, not_messaged_within_hours=24) == 2
    assert count(session, agency, sent_item="item1") == 2
    assert count(session, agency, not_sent_item="item1") == 1
    assert count(session, agency, sent_item="item2") == 0
    assert count(session, agency, bought_item="item1") == 0


def test_include_and_exclude_lists(session: Session, agency: Agency) -> None:
    big = make_fan(session, agency, spent_tip_cents=20_000)
    small = make_fan(session, agency)
    draft = SegmentDraft(
        platform_account_id=agency.account.id,
        rules=SegmentRules(spent_min_cents=10_000),
        include_fan_ids=[small.id],
        exclude_fan_ids=[big.id],
    )
    assert campaigns.count(session, agency.chatter.actor, draft).fans == 1


def test_saved_segment_stays_live(session: Session, agency: Agency) -> None:
    segment = make_segment(session, agency, rules={"subscription": "active"})
    assert campaigns.count_segment(session, agency.chatter.actor, segment).fans == 0
    make_fan(session, agency)
    make_fan(session, agency, opted_out=True)
    counted = campaigns.count_segment(session, agency.chatter.actor, segment)
    assert (counted.fans, counted.opted_out) == (2, 1)


def test_rules_refuse_nonsense() -> None:
    with pytest.raises(ValidationError, match="spent_min_cents must not be above"):
        SegmentRules(spent_min_cents=500, spent_max_cents=100)
    with pytest.raises(ValidationError):
        SegmentRules.model_validate({"favourite_colour": "blue"})
    with pytest.raises(ValidationError):
        SegmentRules(expired_for_days=-1)


def test_segments_are_per_organization_and_named_once(session: Session, agency: Agency) -> None:
    segment = make_segment(session, agency, name="Whales")
    with pytest.raises(ConflictError):
        make_segment(session, agency, name="Whales")
    other = make_agency(session)
    with pytest.raises(NotFoundError):
        campaigns.get_segment(session, other.owner.actor, segment.id)
    with pytest.raises(NotFoundError):
        campaigns.count(
            session,
            other.owner.actor,
            SegmentDraft(platform_account_id=agency.account.id),
        )
