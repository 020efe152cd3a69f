"""The hold-out estimate of uplift (acceptance 3): its interval covers the true effect at about
its stated rate, with the simulator's fan model as the ground truth; and read from the synced
statements of a campaign's fans."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy.orm import Session
from tests.campaigns.helpers import make_campaign, make_fans, make_segment
from tests.outbox.helpers import Agency, make_agency

from huntaze.campaigns import dispatch
from huntaze.campaigns.models import CampaignRecipient
from huntaze.campaigns.results import estimate_uplift
from huntaze.campaigns.service import campaigns
from huntaze.inbox.models import Earning
from huntaze.outbox import batch
from huntaze.simulator.behaviour import buy_probability
from huntaze.simulator.fan_model import FanModel, Profile, bundled_fan_model

PRICE = 1_500
DAYS = 7


def _budget(profile: Profile, rng: random.Random) -> int:
    wtp = profile.willingness_to_pay
    if wtp.uniform is not None:
        return rng.randint(wtp.uniform.low, wtp.uniform.high)
    assert wtp.lognormal is not None
    drawn = wtp.lognormal.median_cents * 2.718281828 ** rng.gauss(0, wtp.lognormal.sigma)
    return int(min(drawn, wtp.lognormal.max_cents))


def _one_run(model: FanModel, seed: int, fans: int, holdout: float) -> tuple[bool, float]:
    """One campaign on a fresh population: (interval covers the true effect, true effect)."""
    rng = random.Random(seed)
    profiles = list(model.profiles.values())
    weights = [p.weight for p in profiles]
    treated: list[float] = []
    control: list[float] = []
    true_effect = 0.0
    for _ in range(fans):
        profile = rng.choices(profiles, weights)[0]
        p_buy = buy_probability(
            model,
            profile,
            price_cents=PRICE,
            ppv_max_cents=_budget(profile, rng),
            is_mass=True,
            force=None,
        )
        true_effect += p_buy * PRICE / fans
        # What the fan pays anyway in the window: tips at the profile's daily rate.
        tips = sum(
            rng.randint(profile.tip_cents.low, profile.tip_cents.high)
            for _ in range(DAYS)
            if rng.random() < profile.tip_per_day
        )
        if rng.random() < holdout:
            control.append(float(tips))
        else:
            bought = rng.random() < p_buy
            treated.append(float(tips + (PRICE if bought else 0)))
    found = estimate_uplift(treated, control, confidence=0.9)
    assert found.warning is None or "includes zero" in found.warning
    return found.low_cents <= true_effect <= found.high_cents, true_effect


def test_the_interval_covers_the_simulators_true_effect_at_its_stated_rate() -> None:
    model = bundled_fan_model()
    runs = [_one_run(model, seed, fans=1_500, holdout=0.1) for seed in range(120)]
    coverage = sum(covered for covered, _ in runs) / len(runs)
    # A 90% interval: over 120 independent campaigns, between 80% and 98% (binomial bounds).
    assert 0.80 <= coverage <= 0.98, coverage
    assert all(effect > 0 for _, effect in runs)


def test_small_groups_and_no_hold_out_warn() -> None:
    few = estimate_uplift([100.0] * 20, [0.0] * 5)
    assert few.warning and "too small to tell" in few.warning
    none = estimate_uplift([100.0] * 50, [])
    assert none.warning and "No hold-out" in none.warning
    flat = estimate_uplift([0.0, 10.0] * 40, [10.0, 0.0] * 40)
    assert flat.per_fan_cents == 0 and flat.warning and "includes zero" in flat.warning
    with pytest.raises(ValueError):
        estimate_uplift([1.0], [1.0], confidence=1.5)


def test_campaign_uplift_reads_the_synced_revenue_of_each_arm(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "wake_after_commit", lambda *args, **kwargs: None)
    agency: Agency = make_agency(session)
    make_fans(session, agency, 80)
    campaign = make_campaign(session, agency, make_segment(session, agency), holdout_percent=40)
    campaigns.start(session, agency.manager.actor, campaign)
    session.flush()
    dispatch.advance(campaign.id)
    session.refresh(campaign)
    assert campaign.started_at is not None
    arms = session.execute(
        CampaignRecipient.__table__.select().where(CampaignRecipient.campaign_id == campaign.id)
    ).all()
    for n, row in enumerate(arms):
        paid = 1_000 if row.arm == "treated" else 200
        for entry, at in enumerate((dt.timedelta(hours=2), dt.timedelta(days=30))):
            session.add(
                Earning(
                    organization_id=campaign.organization_id,
                    platform_account_id=campaign.platform_account_id,
                    fan_id=row.fan_id,
                    platform_entry_id=f"e{n}-{entry}",
                    kind="ppv",
                    amount_cents=paid,
                    occurred_at=campaign.started_at + at,  # the second is after the window
                )
            )
    session.flush()
    found = campaigns.uplift(session, agency.chatter.actor, campaign)
    assert found.treated_fans + found.control_fans == 80 and found.control_fans >= 20
    assert found.per_fan_cents == pytest.approx(800)
    assert found.low_cents == pytest.approx(800)  # every fan of an arm paid the same
