"""The explainable scores: pure functions of a fan's facts, each listing what made it."""

from __future__ import annotations

import datetime as dt

from huntaze.fans.scores import (
    FanFacts,
    all_scores,
    churn_risk,
    lifetime_value,
    ppv_buy_rate,
    purchase_propensity,
)

NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def _loyal() -> FanFacts:
    return FanFacts(
        now=NOW,
        subscribed_at=NOW - 90 * DAY,
        expires_at=NOW + 20 * DAY,
        spent_cents=30_000,
        spent_tip_cents=5_000,
        spent_ppv_cents=20_000,
        last_purchase_at=NOW - 2 * DAY,
        last_inbound_at=NOW - DAY,
        purchases_90d=6,
        renewals=2,
        ppv_offered=4,
        ppv_bought=3,
        inbound_30d=12,
    )


def _drifting() -> FanFacts:
    return FanFacts(
        now=NOW,
        subscribed_at=NOW - 25 * DAY,
        expires_at=NOW + 3 * DAY,
        spent_cents=1_000,
        last_purchase_at=None,
        last_inbound_at=NOW - 40 * DAY,
        ppv_offered=5,
        ppv_bought=0,
    )


def test_ppv_buy_rate_is_bought_over_offered_and_says_so() -> None:
    score = ppv_buy_rate(_loyal())
    assert score.value == 0.75 and score.shown == "75%"
    assert score.factors[0].label == "3 of 4 PPV messages bought"


def test_no_ppv_offered_is_no_rate_not_zero() -> None:
    score = ppv_buy_rate(FanFacts(now=NOW))
    assert score.value is None
    assert score.shown == "—" and "No PPV message sent" in score.factors[0].label


def test_churn_risk_adds_up_its_factors() -> None:
    drifting = churn_risk(_drifting())
    # 10 base + 30 expiring without renewal + 15 no renewal + 30 silent 40 days + 15 never bought
    assert drifting.value == 100
    labels = [f.label for f in drifting.factors]
    assert "Silent for 40 days" in labels and "Never bought" in labels
    loyal = churn_risk(_loyal())
    # 10 base − 15 renewed + 0 wrote yesterday − 10 bought 2 days ago, floored at 0
    assert loyal.value == 0
    assert [f.effect for f in loyal.factors] == ["+10", "−15", "+0", "−10"]


def test_an_expired_fan_has_churned_and_will_not_buy() -> None:
    expired = FanFacts(now=NOW, status="expired", spent_cents=4_000, subscribed_at=NOW - 60 * DAY)
    assert churn_risk(expired).value == 100
    assert purchase_propensity(expired).value == 0
    assert lifetime_value(expired).value == 4_000


def test_purchase_propensity_rewards_recent_and_repeat_buying() -> None:
    loyal = purchase_propensity(_loyal())
    # 35 bought 2 days ago + 25 (5 of 6 purchases) + 22 (75% of 30) + 10 chatty + 5 tipper
    assert loyal.value == 97
    drifting = purchase_propensity(_drifting())
    assert drifting.value == 0
    assert purchase_propensity(_loyal()).value > purchase_propensity(_drifting()).value


def test_lifetime_value_is_paid_plus_projection_from_churn() -> None:
    loyal = lifetime_value(_loyal())
    # $300 over 3 months = $100/month; churn 0 → 12 more months → $300 + $1,200
    assert loyal.value == 150_000
    assert loyal.shown == "$1,500.00"
    assert any("12.0 more months" in f.label for f in loyal.factors)
    drifting = lifetime_value(_drifting())
    # churn 100 → the minimum 1 month: $10 paid + $10 projected
    assert drifting.value == 2_000


def test_all_scores_come_in_page_order_with_factors() -> None:
    scores = all_scores(_loyal())
    assert [s.key for s in scores] == [
        "lifetime_value",
        "churn_risk",
        "purchase_propensity",
        "ppv_buy_rate",
    ]
    assert all(s.factors for s in scores)
