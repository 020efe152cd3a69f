"""A/B variants of a campaign: who gets which, how each did, and the winner (DESIGN.md §6
"Campaign").

- **Assignment.** The hold-out is drawn first (:func:`huntaze.campaigns.dispatch.in_holdout`);
  each treated fan then gets a variant from a uniform draw on a hash of the campaign id and the
  fan id, cut by the variants' splits — the same fan always lands in the same variant, whichever
  worker computes it and however often. With a remainder phase (``test_percent`` below 100) a
  second draw on the same pair decides whether the fan is in the test or waits for the winner.
- **Results.** Each treated fan's revenue in the window after the start is read from the synced
  statements (as for the hold-out, :mod:`huntaze.campaigns.results`); a variant's revenue per
  recipient is compared with the hold-out's by the same Welch estimate. A buyer is a recipient
  who paid anything in the window.
- **Winner.** Once ``test_hours`` have passed since the start, the variant with the best stated
  metric (revenue per recipient, or buy rate) wins — a tie goes to the earlier variant — and the
  waiting recipients are given it, in one transaction guarded by ``winner_variant_id IS NULL``
  (two workers choose once).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from huntaze.campaigns.models import Campaign, CampaignRecipient, CampaignVariant
from huntaze.campaigns.results import Uplift, estimate_uplift, revenue_by_arm
from huntaze.campaigns.states import Arm, RecipientState, WinnerMetric
from huntaze.core.tenancy import tenant_filter, trusted_org_id
from huntaze.inbox.models import Earning


def _draw(campaign_id: str, fan_id: str, purpose: str) -> float:
    """A uniform number in [0, 1) from the campaign, the fan and what it decides."""
    digest = hashlib.blake2b(f"{campaign_id}:{fan_id}:{purpose}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big") / 2**64


def pick_variant(campaign_id: str, fan_id: str, variants: Sequence[CampaignVariant]) -> str:
    """The id of the variant a treated fan gets (by the variants' splits, in order)."""
    point = _draw(campaign_id, fan_id, "variant") * 100
    edge = 0.0
    for variant in variants:
        edge += variant.split_percent
        if point < edge:
            return variant.id
    return variants[-1].id


def in_test(campaign_id: str, fan_id: str, test_percent: int) -> bool:
    """Whether a treated fan is in the test phase (the others wait for the winner)."""
    return test_percent >= 100 or _draw(campaign_id, fan_id, "phase") * 100 < test_percent


@dataclass(frozen=True, slots=True)
class VariantResult:
    """How one variant did in a window: recipients, buyers, revenue, and the lift over the
    hold-out (revenue per recipient minus the hold-out's, with its interval)."""

    variant: CampaignVariant
    recipients: int
    sent: int
    buyers: int
    revenue_cents: int
    lift: Uplift
    revenues: tuple[float, ...] = ()

    @property
    def buy_rate(self) -> float:
        return self.buyers / self.recipients if self.recipients else 0.0

    @property
    def revenue_per_recipient_cents(self) -> float:
        return self.revenue_cents / self.recipients if self.recipients else 0.0

    def metric(self, metric: WinnerMetric) -> float:
        """The value the stated metric reads."""
        if metric is WinnerMetric.BUY_RATE:
            return self.buy_rate
        return self.revenue_per_recipient_cents


def _revenue_by_variant(
    session: Session, campaign: Campaign, *, start: dt.datetime, end: dt.datetime
) -> dict[str, list[tuple[float, bool]]]:
    """Each treated recipient's revenue in [start, end) and whether it was sent, by variant."""
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
        select(
            CampaignRecipient.variant_id,
            func.coalesce(paid.c.cents, 0),
            CampaignRecipient.state,
        )
        .outerjoin(paid, paid.c.fan_id == CampaignRecipient.fan_id)
        .where(
            CampaignRecipient.campaign_id == campaign.id,
            CampaignRecipient.arm == Arm.TREATED.value,
            CampaignRecipient.variant_id.is_not(None),
        )
    )
    found: dict[str, list[tuple[float, bool]]] = {}
    for variant_id, cents, state in session.execute(stmt).all():
        found.setdefault(str(variant_id), []).append(
            (float(cents), state == RecipientState.QUEUED.value)
        )
    return found


def variant_results(
    session: Session, campaign: Campaign, *, window: dt.timedelta, until: dt.datetime | None = None
) -> list[VariantResult]:
    """Each variant's result over ``window`` after the start (cut at ``until`` when given),
    its lift measured against the hold-out."""
    if not campaign.variants:
        return []
    if campaign.started_at is None:
        empty = estimate_uplift([], [])
        return [VariantResult(v, 0, 0, 0, 0, empty) for v in campaign.variants]
    start = campaign.started_at
    end = start + window if until is None else min(start + window, until)
    by_variant = _revenue_by_variant(session, campaign, start=start, end=end)
    control = revenue_by_arm(session, campaign, window=end - start)[Arm.HOLDOUT.value]
    results = []
    for variant in campaign.variants:
        rows = by_variant.get(variant.id, [])
        revenues = [cents for cents, _ in rows]
        results.append(
            VariantResult(
                variant=variant,
                recipients=len(rows),
                sent=sum(1 for _, sent in rows if sent),
                buyers=sum(1 for cents in revenues if cents > 0),
                revenue_cents=int(sum(revenues)),
                lift=estimate_uplift(revenues, control),
                revenues=tuple(revenues),
            )
        )
    return results


def _p_between(a: VariantResult, b: VariantResult, metric: WinnerMetric) -> float | None:
    """The two-sided p-value of the difference between two variants by the metric (Welch,
    normal approximation; a buy is a 0/1 value per recipient)."""
    if metric is WinnerMetric.BUY_RATE:
        first = [1.0 if cents > 0 else 0.0 for cents in a.revenues]
        second = [1.0 if cents > 0 else 0.0 for cents in b.revenues]
        return estimate_uplift(first, second).p_value
    return estimate_uplift(a.revenues, b.revenues).p_value


def _money(cents: float) -> str:
    return f"{cents / 100:.2f} USD"


def _describe(metric: WinnerMetric, value: float) -> str:
    if metric is WinnerMetric.BUY_RATE:
        return f"{value * 100:.1f}% bought"
    return f"{_money(value)} per recipient"


def choose_winner(session: Session, campaign: Campaign, now: dt.datetime) -> str | None:
    """Choose the winner when the test's time is up; the waiting recipients get it. The
    winner's id (None while the test runs, or when another worker chose first)."""
    if not campaign.variants or campaign.winner_variant_id is not None:
        return None
    if campaign.started_at is None or now < campaign.started_at + dt.timedelta(
        hours=campaign.test_hours
    ):
        return None
    metric = WinnerMetric(campaign.winner_metric)
    results = variant_results(
        session, campaign, window=dt.timedelta(hours=campaign.test_hours), until=now
    )
    best = max(results, key=lambda r: (r.metric(metric), -r.variant.position))
    others = [r for r in results if r is not best]
    runner_up = max(others, key=lambda r: (r.metric(metric), -r.variant.position))
    note = (
        f"{best.variant.label} won on {metric.value.replace('_', ' ')} after "
        f"{campaign.test_hours} h: {_describe(metric, best.metric(metric))} against "
        f"{_describe(metric, runner_up.metric(metric))} for {runner_up.variant.label}"
    )
    p_value = _p_between(best, runner_up, metric)
    if best.metric(metric) == runner_up.metric(metric):
        note += " (a tie: the earlier variant is kept)."
    elif p_value is not None and p_value >= 0.05:
        note += f"; a difference this size could be chance (p = {p_value:.2f})."
    else:
        note += "."
    won = session.execute(
        update(Campaign)
        .where(Campaign.id == campaign.id, Campaign.winner_variant_id.is_(None))
        .values(winner_variant_id=best.variant.id, winner_chosen_at=now, winner_note=note)
        .execution_options(synchronize_session=False)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.execute(
        update(CampaignRecipient)
        .where(
            CampaignRecipient.campaign_id == campaign.id,
            CampaignRecipient.state == RecipientState.WAITING.value,
        )
        .values(state=RecipientState.PENDING.value, variant_id=best.variant.id)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return best.variant.id
