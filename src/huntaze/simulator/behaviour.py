"""How simulated fans behave: pure decision functions over a fan model (DESIGN.md §3).

The parameters live in a fan-model file (``fan_model.py``, ``fan_models/default.yaml``,
docs/simulator.md); this module turns them into decisions. Every decision takes an explicit
``random.Random`` made by ``stream`` from the seed and a key naming the decision, so a decision
does not depend on the order in which others were taken, and two runs with the same seed, the
same fan model and the same actions make the same choices. Nothing reads the wall clock.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from huntaze.simulator.fan_model import FanModel, Profile


def stream(seed: int, *key: object) -> random.Random:
    """An independent random stream for one decision, named by ``key``."""
    return random.Random(":".join([str(seed), *(str(part) for part in key)]))


def pick_profile(model: FanModel, rng: random.Random) -> Profile:
    """A behaviour profile drawn with the population weights."""
    return model.profile(rng.choices(model.profile_names, weights=model.profile_weights)[0])


def draw_willingness_to_pay(profile: Profile, rng: random.Random) -> int:
    """The most this fan will pay for one PPV, in whole dollars (cents)."""
    wtp = profile.willingness_to_pay
    if wtp.uniform is not None:
        return rng.randint(wtp.uniform.low // 100, wtp.uniform.high // 100) * 100
    assert wtp.lognormal is not None
    drawn = rng.lognormvariate(math.log(wtp.lognormal.median_cents), wtp.lognormal.sigma)
    return max(100, min(wtp.lognormal.max_cents, round(drawn / 100) * 100))


@dataclass(frozen=True)
class FanClock:
    """When a fan is online: their zone's offset from UTC and their active window there."""

    utc_offset_minutes: int
    active_start_hour: int
    active_length_hours: int

    def is_active(self, at: dt.datetime) -> bool:
        """Whether the fan is online at ``at`` (a UTC time), in their own zone."""
        local_hour = (at + dt.timedelta(minutes=self.utc_offset_minutes)).hour
        return (local_hour - self.active_start_hour) % 24 < self.active_length_hours


ALWAYS_ACTIVE = FanClock(0, 0, 24)


def draw_fan_clock(profile: Profile, rng: random.Random) -> FanClock:
    """A fan's zone and active hours, from their own stream (other draws stay unchanged)."""
    hours = profile.active_hours
    if hours is None:
        return ALWAYS_ACTIVE
    offset = rng.choice(hours.utc_offsets)
    return FanClock(offset * 60, hours.start_hour, hours.length_hours)


@dataclass(frozen=True)
class MessageContext:
    """What a fan reacts to: the creator's message and the situation it arrives in."""

    text: str
    price_cents: int
    is_mass: bool
    hour_of_day: int
    hours_since_fan_wrote: float | None
    fan_first_name: str
    in_active_hours: bool = True
    earlier_mass_ppvs_today: int = 0


def reply_probability(model: FanModel, profile: Profile, ctx: MessageContext) -> float:
    """Chance that the fan answers: depends on what was said, to whom, and when."""
    effects = model.reply
    p = profile.reply_p
    lowered = ctx.text.lower()
    if "?" in ctx.text:
        p *= effects.question
    if ctx.fan_first_name.lower() in lowered:
        p *= effects.uses_first_name
    if len(ctx.text.strip()) < effects.short_below_chars:
        p *= effects.short
    if any(word in lowered for word in effects.warm_words):
        p *= effects.warm_words_factor
    if ctx.is_mass:
        p *= effects.mass
    if ctx.price_cents > 0:
        p *= effects.priced
    if ctx.hours_since_fan_wrote is not None:
        if ctx.hours_since_fan_wrote < effects.waiting_within_hours:
            p *= effects.waiting
        elif ctx.hours_since_fan_wrote > effects.stale_after_hours:
            p *= effects.stale
    if ctx.hour_of_day < effects.night_before_utc_hour:
        p *= effects.night
    p *= effects.in_active_hours if ctx.in_active_hours else effects.outside_active_hours
    return min(p, effects.max_p)


def buy_probability(
    model: FanModel,
    profile: Profile,
    *,
    price_cents: int,
    ppv_max_cents: int,
    is_mass: bool,
    force: bool | None,
    ctx: MessageContext | None = None,
) -> float:
    """Chance that the fan unlocks a PPV at this price (price-sensitive, forced by admin)."""
    if force is not None:
        return 1.0 if force else 0.0
    if price_cents <= 0:
        return 0.0
    effects = model.buy
    if price_cents > ppv_max_cents:
        p = profile.buy_p * effects.over_budget
    else:
        p = profile.buy_p * (1.0 - effects.price_slope * price_cents / ppv_max_cents)
        if is_mass:
            p *= effects.mass
    if ctx is not None:
        waiting = ctx.hours_since_fan_wrote
        if waiting is not None and waiting < effects.waiting_within_hours:
            p *= effects.waiting
        p *= effects.in_active_hours if ctx.in_active_hours else effects.outside_active_hours
        p *= effects.repeat_mass_ppv_within_day**ctx.earlier_mass_ppvs_today
    return min(p, 1.0)


def reply_category(
    profile: Profile, rng: random.Random, *, bought: bool, ctx: MessageContext
) -> str:
    """What kind of text the fan answers with."""
    if bought:
        return "thanks_purchase"
    if ctx.price_cents > 0 and profile.haggles_on_ppv:
        return "haggle"
    if profile.lead_topic_p > 0 and rng.random() < profile.lead_topic_p:
        return profile.topics[0]
    if profile.complaint_p > 0 and rng.random() < profile.complaint_p:
        return rng.choice(("complaint", "goodbye"))
    if ctx.price_cents > 0 and rng.random() < 0.5:
        return "reply_negative"
    if "?" in ctx.text:
        return rng.choice(("small_talk", "reply_positive"))
    return rng.choice(("reply_positive", "compliment", profile.topics[0]))


def reaction_delay_minutes(
    model: FanModel, rng: random.Random, *, hour_of_day: int, is_buy: bool
) -> int:
    """How long the fan takes to react; purchases happen within the hour."""
    timing = model.timing
    if is_buy:
        return rng.randint(*timing.buy_minutes)
    base = rng.randint(*timing.reply_minutes)
    if hour_of_day < timing.night_before_utc_hour:
        return round(base * timing.night_slowdown)
    return base


def hourly_chance(per_day: float) -> float:
    """Per-hour probability of something that happens ``per_day`` times a day on average."""
    return min(per_day / 24.0, 1.0)


def arrivals_this_hour(rng: random.Random, per_day: float) -> int:
    """New fans through a link this hour: the whole part of the rate plus a Bernoulli draw."""
    per_hour = per_day / 24.0
    whole = int(per_hour)
    return whole + (1 if rng.random() < per_hour - whole else 0)
