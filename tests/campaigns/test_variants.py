"""A/B variants of a campaign: a deterministic assignment after the hold-out, one batch per
variant with its own text and price, a winner chosen by the stated metric after the stated time
(the variant the simulated fans truly prefer), the remainder sent the winner, and exactly one
message per fan through every phase.

As in ``test_campaigns``, the send task's wake-up is replaced by nothing (a process boundary):
the outbound rows stay ``queued`` and the test marks them sent, as a worker would.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.campaigns.helpers import make_campaign, make_fans, make_segment
from tests.campaigns.test_campaigns import mark_sent, messages, refused, started, vault_item
from tests.outbox.helpers import Agency, make_agency

from huntaze.campaigns import dispatch
from huntaze.campaigns.models import Campaign, CampaignRecipient
from huntaze.campaigns.service import campaigns
from huntaze.campaigns.states import State
from huntaze.campaigns.variants import in_test, pick_variant
from huntaze.core.db import utcnow
from huntaze.inbox.models import Earning
from huntaze.outbox import batch
from huntaze.simulator.behaviour import buy_probability
from huntaze.simulator.fan_model import bundled_fan_model


@pytest.fixture(autouse=True)
def no_send_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "wake_after_commit", lambda *args, **kwargs: None)


@pytest.fixture
def agency(session: Session) -> Agency:
    return make_agency(session)


TWO = [
    {"label": "A", "text": "Hi {{name}}, a new set for you", "split_percent": 50},
    {"label": "B", "text": "{{name}}, something special tonight", "split_percent": 50},
]


def recipients(session: Session, campaign: Campaign) -> list[CampaignRecipient]:
    stmt = select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign.id)
    return list(session.scalars(stmt.execution_options(populate_existing=True)))


def run_until_idle(session: Session, campaign: Campaign, *, now: dt.datetime) -> str:
    """Plan and 'send' batches until the campaign plans nothing more at ``now``."""
    state = ""
    for _ in range(50):
        state = dispatch.advance(campaign.id, now=now, max_batches=5)
        mark_sent(session, campaign)
        if state != State.SENDING or not any(
            r.state == "pending" for r in recipients(session, campaign)
        ):
            break
    state = dispatch.advance(campaign.id, now=now)
    session.refresh(campaign)
    return state


def pay(session: Session, campaign: Campaign, fan_id: str, cents: int, n: int) -> None:
    assert campaign.started_at is not None
    session.add(
        Earning(
            organization_id=campaign.organization_id,
            platform_account_id=campaign.platform_account_id,
            fan_id=fan_id,
            platform_entry_id=f"{campaign.id}-{n}",
            kind="ppv",
            amount_cents=cents,
            occurred_at=campaign.started_at + dt.timedelta(minutes=30),
        )
    )


def test_variants_are_checked_before_anything_is_sent(session: Session, agency: Agency) -> None:
    make_fans(session, agency, 3)
    segment = make_segment(session, agency)
    item = vault_item(session, agency)
    ppv = {"kind": "ppv", "media_ids": [item.id], "price_cents": 900}

    assert "at least two variants" in refused(
        session, agency, segment.id, variants=[{**TWO[0], "split_percent": 99}]
    )
    assert "add up to 90%" in refused(
        session, agency, segment.id, variants=[TWO[0], {**TWO[1], "split_percent": 40}]
    )
    assert "its own label" in refused(
        session, agency, segment.id, variants=[TWO[0], {**TWO[1], "label": "A"}]
    )
    detail = refused(
        session, agency, segment.id, variants=[TWO[0], {**TWO[1], "text": "Hey {{nick}}"}]
    )
    assert "Variant B" in detail and "{{nick}}" in detail
    assert "between $3.00 and $200.00" in refused(
        session, agency, segment.id, variants=[TWO[0], {**TWO[1], "price_cents": 100}], **ppv
    )
    assert "has no price" in refused(
        session, agency, segment.id, variants=[TWO[0], {**TWO[1], "price_cents": 500}]
    )
    assert "needs A/B variants" in refused(session, agency, segment.id, test_percent=50)
    assert "Compliance blocks variant B" in refused(
        session,
        agency,
        segment.id,
        variants=[TWO[0], {**TWO[1], "text": "Pay me on cashapp $jane"}],
    )
    assert session.scalar(select(batch.OutboundMessage.id).limit(1)) is None


def test_assignment_is_deterministic_after_the_hold_out(session: Session, agency: Agency) -> None:
    make_fans(session, agency, 400)
    segment = make_segment(session, agency)
    campaign = make_campaign(
        session,
        agency,
        segment,
        holdout_percent=20,
        exclude_messaged_hours=None,
        variants=[{**TWO[0], "split_percent": 70}, {**TWO[1], "split_percent": 30}],
        test_percent=50,
    )
    started(session, agency, campaign)
    dispatch.advance(campaign.id)
    rows = recipients(session, campaign)
    held = [r for r in rows if r.arm == "holdout"]
    treated = [r for r in rows if r.arm == "treated"]
    # The hold-out is drawn first, exactly as a campaign without variants draws it.
    assert all(dispatch.in_holdout(campaign.seed, r.fan_id, 20) for r in held)
    assert not any(dispatch.in_holdout(campaign.seed, r.fan_id, 20) for r in treated)
    assert all(r.variant_id is None for r in held)
    a = campaign.variants[0]
    for r in treated:
        if in_test(campaign.id, r.fan_id, 50):
            assert r.state in ("pending", "queued")  # the first step planned one batch
            assert r.variant_id == pick_variant(campaign.id, r.fan_id, campaign.variants)
        else:
            assert (r.state, r.variant_id) == ("waiting", None)
    tested = Counter(r.variant_id for r in treated if r.variant_id)
    waiting = sum(1 for r in treated if r.state == "waiting")
    assert 0.35 < waiting / len(treated) < 0.65
    assert 0.55 < tested[a.id] / sum(tested.values()) < 0.85
    # Recomputed, the snapshot gives every fan the same arm and variant.
    again = list(dispatch.audience_rows(session, campaign, segment, utcnow()))
    assert {(row["fan_id"], row["arm"], row["variant_id"]) for row in again} == {
        (r.fan_id, r.arm, pick_variant(campaign.id, r.fan_id, campaign.variants))
        if r.arm == "treated" and in_test(campaign.id, r.fan_id, 50)
        else (r.fan_id, r.arm, None)
        for r in rows
    }


def test_each_variant_sends_its_own_text_and_price_then_the_winner_goes_to_the_rest(
    session: Session, agency: Agency
) -> None:
    fans = make_fans(session, agency, 120)
    item = vault_item(session, agency)
    campaign = make_campaign(
        session,
        agency,
        make_segment(session, agency),
        kind="ppv",
        media_ids=[item.id],
        price_cents=900,
        holdout_percent=10,
        exclude_messaged_hours=None,
        batch_size=20,
        variants=[TWO[0], {**TWO[1], "price_cents": 1_500}],
        test_percent=50,
        test_hours=6,
        winner_metric="revenue_per_recipient",
    )
    a, b = campaign.variants
    assert (campaign.text, campaign.price_cents) == (a.text, 900)
    assert (a.price_cents, b.price_cents) == (900, 1_500)
    started(session, agency, campaign)
    start = dispatch.advance(campaign.id)
    assert start == State.SENDING
    session.refresh(campaign)
    assert campaign.started_at is not None
    t0 = campaign.started_at
    # The test phase goes out; the campaign waits for its winner, not done.
    assert run_until_idle(session, campaign, now=t0 + dt.timedelta(hours=1)) == State.SENDING
    sent = messages(session, campaign)
    by_fan = {r.platform_fan_id: r for r in recipients(session, campaign)}
    for message in sent:
        variant = a if by_fan[message.platform_fan_id].variant_id == a.id else b
        assert message.price_cents == variant.price_cents
        assert message.text.endswith(variant.text.split("}}")[-1])
    progress = campaigns.progress(session, agency.manager.actor, campaign)
    assert progress.waiting > 0 and progress.percent_done < 100
    # B's buyers pay more: B wins on revenue per recipient once the 6 hours are up.
    for n, r in enumerate(recipients(session, campaign)):
        if r.variant_id == b.id and n % 2 == 0:
            pay(session, campaign, r.fan_id, 1_500, n)
        elif r.variant_id == a.id and n % 3 == 0:
            pay(session, campaign, r.fan_id, 900, n)
    session.flush()
    assert run_until_idle(session, campaign, now=t0 + dt.timedelta(hours=5)) == State.SENDING
    assert campaign.winner_variant_id is None
    assert run_until_idle(session, campaign, now=t0 + dt.timedelta(hours=7)) == State.DONE
    assert campaign.winner_variant_id == b.id
    assert campaign.winner_note and campaign.winner_note.startswith("B won on revenue")
    rows = recipients(session, campaign)
    assert not [r for r in rows if r.state in ("waiting", "pending")]
    late = [r for r in rows if r.arm == "treated" and not in_test(campaign.id, r.fan_id, 50)]
    assert late and all(r.variant_id == b.id for r in late)
    # Exactly one message per treated fan across both phases, none to the hold-out.
    sent = messages(session, campaign)
    per_fan = Counter(m.platform_fan_id for m in sent)
    treated = {r.platform_fan_id for r in rows if r.arm == "treated"}
    assert set(per_fan.values()) == {1} and set(per_fan) == treated
    assert len(rows) == len(fans)
    late_ids = {r.platform_fan_id for r in late}
    assert all(m.price_cents == 1_500 for m in sent if m.platform_fan_id in late_ids)
    # Planning again creates nothing.
    dispatch.advance(campaign.id, now=t0 + dt.timedelta(hours=8), max_batches=3)
    assert len(messages(session, campaign)) == len(sent)
    # Results per variant, each against the hold-out.
    found = campaigns.uplift(session, agency.chatter.actor, campaign)
    results = {v.label: v for v in found.variants}
    assert results["B"].winner and not results["A"].winner
    assert results["B"].recipients + results["A"].recipients == len(treated)
    assert results["B"].buyers > 0 and results["B"].revenue_cents > results["A"].revenue_cents
    assert results["B"].p_value is not None and results["B"].low_cents is not None


def test_the_winner_is_the_variant_the_simulated_fans_truly_prefer(
    session: Session, agency: Agency
) -> None:
    """Fans of the simulator's model decide on each variant's price; the variant with the higher
    true expected buy rate wins on the buy rate."""
    model = bundled_fan_model()
    profiles = list(model.profiles.values())
    weights = [p.weight for p in profiles]
    rng = random.Random(19)
    fans = make_fans(session, agency, 600)
    item = vault_item(session, agency)
    campaign = make_campaign(
        session,
        agency,
        make_segment(session, agency),
        kind="ppv",
        media_ids=[item.id],
        price_cents=4_000,
        holdout_percent=10,
        exclude_messaged_hours=None,
        batch_size=1_000,
        variants=[
            {"label": "dear", "text": "A new set at {{creator}}'s", "split_percent": 50},
            {
                "label": "cheap",
                "text": "A new set, just for you",
                "split_percent": 50,
                "price_cents": 800,
            },
        ],
        test_hours=2,
        winner_metric="buy_rate",
    )
    by_label = {v.label: v for v in campaign.variants}
    profile_of = {fan.id: rng.choices(profiles, weights)[0] for fan in fans}

    def p_buy(fan_id: str, price: int) -> float:
        profile = profile_of[fan_id]
        return buy_probability(
            model, profile, price_cents=price, ppv_max_cents=2_500, is_mass=True, force=None
        )

    truth = {
        label: sum(p_buy(f.id, v.price_cents or 0) for f in fans) / len(fans)
        for label, v in by_label.items()
    }
    started(session, agency, campaign)
    dispatch.advance(campaign.id)
    session.refresh(campaign)
    assert campaign.started_at is not None
    assert run_until_idle(session, campaign, now=campaign.started_at) == State.SENDING
    price_of = {v.id: v.price_cents or 0 for v in campaign.variants}
    for n, r in enumerate(recipients(session, campaign)):
        if r.variant_id and rng.random() < p_buy(r.fan_id, price_of[r.variant_id]):
            pay(session, campaign, r.fan_id, price_of[r.variant_id], n)
    session.flush()
    later = campaign.started_at + dt.timedelta(hours=3)
    assert run_until_idle(session, campaign, now=later) == State.DONE
    preferred = max(truth, key=lambda label: truth[label])
    assert truth[preferred] > 1.5 * min(truth.values()), truth
    assert campaign.winner_variant_id == by_label[preferred].id, (truth, campaign.winner_note)


def test_cancel_also_cancels_the_waiting_remainder(session: Session, agency: Agency) -> None:
    make_fans(session, agency, 60)
    campaign = make_campaign(
        session,
        agency,
        make_segment(session, agency),
        exclude_messaged_hours=None,
        variants=TWO,
        test_percent=30,
    )
    started(session, agency, campaign)
    dispatch.advance(campaign.id)
    assert any(r.state == "waiting" for r in recipients(session, campaign))
    campaigns.cancel(session, agency.manager.actor, campaign)
    session.flush()
    states = Counter(r.state for r in recipients(session, campaign))
    assert not states["waiting"] and not states["pending"] and states["cancelled"] > 0
    assert dispatch.advance(campaign.id) == State.CANCELLED
