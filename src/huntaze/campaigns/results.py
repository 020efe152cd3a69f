"""What a campaign earned beyond what its fans would have paid anyway: the hold-out estimate.

Every campaign keeps a random share of its audience (the hold-out) that receives nothing. The
revenue of each fan in the window after the campaign starts is read from the synced statement
entries; the uplift is the mean revenue per treated fan minus the mean per held-out fan, with a
Welch interval (normal approximation) at the stated confidence and the p-value of "no
difference". When either group is too small,
or the interval includes zero, the result says so instead of pretending.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist, fmean, variance

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huntaze.campaigns.models import Campaign, CampaignRecipient
from huntaze.campaigns.states import Arm
from huntaze.core.tenancy import tenant_filter, trusted_org_id
from huntaze.inbox.models import Earning

MIN_GROUP = 30
"""Below this many fans in a group, the interval is not trusted (the result warns)."""


@dataclass(frozen=True, slots=True)
class Uplift:
    """Incremental revenue per fan (treated minus control) with its interval, in cents."""

    treated_fans: int
    control_fans: int
    treated_mean_cents: float
    control_mean_cents: float
    per_fan_cents: float
    low_cents: float
    high_cents: float
    confidence: float
    warning: str | None
    # The two-sided p-value of "no difference" (None when it cannot be computed).
    p_value: float | None = None

    @property
    def total_cents(self) -> float:
        """The estimated incremental revenue of the whole treated group."""
        return self.per_fan_cents * self.treated_fans


def _spread(values: Sequence[float]) -> float:
    return variance(values) if len(values) > 1 else 0.0


def estimate_uplift(
    treated: Sequence[float], control: Sequence[float], *, confidence: float = 0.95
) -> Uplift:
    """The difference of mean revenue per fan and its Welch interval at ``confidence``."""
    if not 0 < confidence < 1:
        raise ValueError("confidence is between 0 and 1")
    n_t, n_c = len(treated), len(control)
    mean_t = fmean(treated) if n_t else 0.0
    mean_c = fmean(control) if n_c else 0.0
    diff = mean_t - mean_c
    if n_t == 0 or n_c == 0:
        return Uplift(
            n_t,
            n_c,
            mean_t,
            mean_c,
            diff,
            -math.inf,
            math.inf,
            confidence,
            "No hold-out group: the uplift cannot be measured."
            if n_c == 0
            else "Nobody was sent the campaign.",
        )
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    error = math.sqrt(_spread(treated) / n_t + _spread(control) / n_c)
    low, high = diff - z * error, diff + z * error
    p_value = 2 * (1 - NormalDist().cdf(abs(diff) / error)) if error > 0 else None
    warning = None
    if min(n_t, n_c) < MIN_GROUP:
        warning = (
            f"The groups are too small to tell ({n_t} treated, {n_c} held out; "
            f"at least {MIN_GROUP} each are needed)."
        )
    elif low <= 0 <= high:
        warning = "The interval includes zero: no uplift can be told apart from chance yet."
    return Uplift(n_t, n_c, mean_t, mean_c, diff, low, high, confidence, warning, p_value)


def revenue_by_arm(
    session: Session, campaign: Campaign, *, window: dt.timedelta
) -> dict[str, list[float]]:
    """Each treated and held-out fan's revenue (cents) in ``window`` after the campaign
    started, by arm (fans who paid nothing count as 0)."""
    if campaign.started_at is None:
        return {Arm.TREATED.value: [], Arm.HOLDOUT.value: []}
    start, end = campaign.started_at, campaign.started_at + window
    paid = (
        select(Earning.fan_id, func.sum(Earning.amount_cents).label("cents"))
        .where(
            tenant_filter(Earning, trusted_org_id(campaign.organization_id)),
            Earning.status == "done",
            Earning.occurred_at >= start,
            Earning.occurred_at < end,
        )
        .group_by(Earning.fan_id)
        .subquery()
    )
    stmt = (
        select(CampaignRecipient.arm, func.coalesce(paid.c.cents, 0))
        .outerjoin(paid, paid.c.fan_id == CampaignRecipient.fan_id)
        .where(
            CampaignRecipient.campaign_id == campaign.id,
            CampaignRecipient.arm.in_((Arm.TREATED.value, Arm.HOLDOUT.value)),
        )
    )
    found: dict[str, list[float]] = {Arm.TREATED.value: [], Arm.HOLDOUT.value: []}
    for arm, cents in session.execute(stmt).all():
        found[str(arm)].append(float(cents))
    return found


def campaign_uplift(
    session: Session, campaign: Campaign, *, window: dt.timedelta, confidence: float = 0.95
) -> Uplift:
    """The hold-out estimate of a campaign's incremental revenue per fan."""
    by_arm = revenue_by_arm(session, campaign, window=window)
    return estimate_uplift(
        by_arm[Arm.TREATED.value], by_arm[Arm.HOLDOUT.value], confidence=confidence
    )
