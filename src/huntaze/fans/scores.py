"""Explainable fan scores: lifetime value, churn risk, purchase propensity, PPV buy rate
(issue 15, "Fans (CRM)"; DESIGN.md §6 "Inbox sync" keeps the facts they read).

Pure functions of :class:`FanFacts`, the figures the fan's synced messages, statement entries
and subscription dates give. Each score is a sum of named points (or a ratio of counts), so the
page can show every factor and what it added: a person can check the number by hand, and a rule
that looks wrong is one line to change here. No model, no database, no clock of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Windows and thresholds, named so the factors can say them.
RECENT_DAYS = 7
MONTH_DAYS = 30
QUIET_DAYS = 14
LONG_QUIET_DAYS = 30
NEW_FAN_DAYS = 7
# Without any history, a fan is expected to stay this many months (the smallest projection).
MIN_EXPECTED_MONTHS = 1.0
MAX_EXPECTED_MONTHS = 12.0


@dataclass(frozen=True, slots=True)
class FanFacts:
    """What the stored data says about one fan, at ``now``."""

    now: dt.datetime
    status: str = "active"
    subscribed_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    spent_cents: int = 0
    spent_subscription_cents: int = 0
    spent_tip_cents: int = 0
    spent_ppv_cents: int = 0
    last_purchase_at: dt.datetime | None = None
    last_inbound_at: dt.datetime | None = None
    purchases_90d: int = 0
    renewals: int = 0
    ppv_offered: int = 0
    ppv_bought: int = 0
    inbound_30d: int = 0


@dataclass(frozen=True, slots=True)
class Factor:
    """One reason behind a score: what was seen and what it did to the score."""

    label: str
    effect: str


@dataclass(frozen=True, slots=True)
class Score:
    """A score with its value as shown and the factors that made it."""

    key: str
    name: str
    value: float | None
    shown: str
    factors: tuple[Factor, ...] = field(default_factory=tuple)


def _days_since(facts: FanFacts, moment: dt.datetime | None) -> float | None:
    if moment is None:
        return None
    return max((facts.now - moment).total_seconds() / 86400, 0.0)


def _ago(days: float) -> str:
    whole = int(days)
    return "today" if whole == 0 else "1 day ago" if whole == 1 else f"{whole} days ago"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _money(cents: float) -> str:
    return f"${cents / 100:,.2f}"


def _clamp(points: int) -> int:
    return max(0, min(100, points))


def _band(value: int) -> str:
    return "high" if value >= 60 else "medium" if value >= 30 else "low"


def ppv_buy_rate(facts: FanFacts) -> Score:
    """The share of PPV messages offered to the fan that they bought."""
    if facts.ppv_offered == 0:
        return Score(
            "ppv_buy_rate",
            "PPV buy rate",
            None,
            "—",
            (Factor("No PPV message sent to this fan yet", "nothing to measure"),),
        )
    bought = min(facts.ppv_bought, facts.ppv_offered)
    rate = bought / facts.ppv_offered
    factors = (
        Factor(f"{bought} of {facts.ppv_offered} PPV messages bought", f"= {rate:.0%}"),
        Factor(f"PPV spend {_money(facts.spent_ppv_cents)}", "for reference"),
    )
    return Score("ppv_buy_rate", "PPV buy rate", rate, f"{rate:.0%}", factors)


def churn_risk(facts: FanFacts) -> Score:
    """Points out of 100 for the signs that the fan is about to leave (or has left)."""
    name = "Churn risk"
    if facts.status == "expired":
        factor = Factor("Subscription expired", "100 (already gone)")
        return Score("churn_risk", name, 100, "100 · expired", (factor,))
    points = 10
    factors = [Factor("Every active fan", "+10")]
    expires_in = None
    if facts.expires_at is not None and facts.expires_at > facts.now:
        expires_in = (facts.expires_at - facts.now).total_seconds() / 86400
    if expires_in is not None and expires_in <= RECENT_DAYS and facts.renewals == 0:
        points += 30
        factors.append(Factor(f"Expires in {expires_in:.0f} days, never renewed", "+30"))
    if facts.renewals == 0:
        points += 15
        factors.append(Factor("No automatic renewal seen (rebill may be off)", "+15"))
    else:
        points -= 15
        factors.append(Factor(f"Renewed {_count(facts.renewals, 'time')}", "−15"))
    quiet = _days_since(facts, facts.last_inbound_at)
    if quiet is None:
        points += 20
        factors.append(Factor("Never wrote", "+20"))
    elif quiet > LONG_QUIET_DAYS:
        points += 30
        factors.append(Factor(f"Silent for {quiet:.0f} days", "+30"))
    elif quiet > QUIET_DAYS:
        points += 15
        factors.append(Factor(f"Silent for {quiet:.0f} days", "+15"))
    else:
        factors.append(Factor(f"Wrote {_ago(quiet)}", "+0"))
    since_purchase = _days_since(facts, facts.last_purchase_at)
    if since_purchase is None or since_purchase > MONTH_DAYS:
        points += 15
        what = (
            "Never bought"
            if since_purchase is None
            else f"Last bought {since_purchase:.0f} days ago"
        )
        factors.append(Factor(what, "+15"))
    else:
        points -= 10
        factors.append(Factor(f"Bought {_ago(since_purchase)}", "−10"))
    value = _clamp(points)
    return Score("churn_risk", name, value, f"{value} · {_band(value)}", tuple(factors))


def purchase_propensity(facts: FanFacts, ppv: Score | None = None) -> Score:
    """Points out of 100 for the signs that the fan will buy again soon."""
    name = "Purchase propensity"
    if facts.status == "expired":
        factor = Factor("Subscription expired: cannot buy until they return", "0")
        return Score("purchase_propensity", name, 0, "0 · expired", (factor,))
    points = 0
    factors = []
    since_purchase = _days_since(facts, facts.last_purchase_at)
    if since_purchase is not None and since_purchase <= RECENT_DAYS:
        points += 35
        factors.append(Factor(f"Bought {_ago(since_purchase)}", "+35"))
    elif since_purchase is not None and since_purchase <= MONTH_DAYS:
        points += 20
        factors.append(Factor(f"Bought {_ago(since_purchase)}", "+20"))
    else:
        factors.append(Factor("No purchase in 30 days", "+0"))
    repeat = min(facts.purchases_90d, 5) * 5
    factors.append(Factor(f"{_count(facts.purchases_90d, 'purchase')} in 90 days", f"+{repeat}"))
    points += repeat
    ppv = ppv or ppv_buy_rate(facts)
    if ppv.value is not None:
        added = round(ppv.value * 30)
        points += added
        factors.append(Factor(f"PPV buy rate {ppv.shown}", f"+{added}"))
    if facts.inbound_30d >= 5:
        points += 10
        factors.append(Factor(f"{facts.inbound_30d} messages from them in 30 days", "+10"))
    elif facts.inbound_30d:
        points += 5
        factors.append(Factor(f"{_count(facts.inbound_30d, 'message')} from them in 30 days", "+5"))
    if facts.spent_tip_cents:
        points += 5
        factors.append(Factor(f"Has tipped ({_money(facts.spent_tip_cents)})", "+5"))
    value = _clamp(points)
    return Score("purchase_propensity", name, value, f"{value} · {_band(value)}", tuple(factors))


def lifetime_value(facts: FanFacts, churn: Score | None = None) -> Score:
    """What the fan has paid so far, plus their monthly spend for the months they are expected
    to stay (fewer the higher their churn risk)."""
    name = "Lifetime value"
    churn = churn or churn_risk(facts)
    factors = [Factor(f"Paid so far {_money(facts.spent_cents)}", f"+{_money(facts.spent_cents)}")]
    if facts.status == "expired" or facts.subscribed_at is None:
        why = (
            "Expired: no further months expected"
            if facts.status == "expired"
            else ("Subscription date unknown: no projection")
        )
        factors.append(Factor(why, "+$0.00"))
        value = float(facts.spent_cents)
        return Score("lifetime_value", name, value, _money(value), tuple(factors))
    age_days = max(_days_since(facts, facts.subscribed_at) or 0.0, 1.0)
    months = max(age_days / MONTH_DAYS, 1.0)
    monthly = facts.spent_cents / months
    risk = (churn.value or 0) / 100
    expected = max(MIN_EXPECTED_MONTHS, MAX_EXPECTED_MONTHS * (1 - risk))
    projected = monthly * expected
    factors.append(
        Factor(f"Paid over {months:.1f} months, so per month", f"{_money(monthly)} / month")
    )
    factors.append(
        Factor(
            f"Expected to stay {expected:.1f} more months (churn risk {churn.shown})",
            f"× {expected:.1f}",
        )
    )
    factors.append(Factor("Projected future spend", f"+{_money(projected)}"))
    value = facts.spent_cents + projected
    return Score("lifetime_value", name, value, _money(value), tuple(factors))


def all_scores(facts: FanFacts) -> list[Score]:
    """The four scores of the fan page, in the order it shows them."""
    ppv = ppv_buy_rate(facts)
    churn = churn_risk(facts)
    return [lifetime_value(facts, churn), churn, purchase_propensity(facts, ppv), ppv]
