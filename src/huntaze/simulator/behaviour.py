"""How simulated fans behave: profiles and pure decision functions (DESIGN.md §3).

Every decision takes an explicit ``random.Random`` made by ``stream`` from the seed and a key
naming the decision, so a decision does not depend on the order in which others were taken, and
two runs with the same seed and the same actions make the same choices. Nothing reads the wall
clock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """Behaviour parameters of one kind of fan."""

    name: str
    weight: float
    reply_p: float
    buy_p: float
    ppv_max_cents: tuple[int, int]
    msg_per_day: float
    tip_per_day: float
    tip_cents: tuple[int, int]
    renew_p: float
    resub_per_day: float
    topics: tuple[str, ...]


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            "big_spender",
            0.05,
            0.75,
            0.85,
            (3000, 10000),
            1.2,
            0.25,
            (1000, 5000),
            0.95,
            0.05,
            ("purchase_intent", "compliment", "greeting"),
        ),
        Profile(
            "regular",
            0.35,
            0.5,
            0.4,
            (800, 2500),
            0.4,
            0.03,
            (300, 1000),
            0.8,
            0.02,
            ("greeting", "compliment", "small_talk", "purchase_intent"),
        ),
        Profile(
            "lurker", 0.2, 0.08, 0.1, (500, 1200), 0.03, 0.005, (300, 500), 0.7, 0.01, ("greeting",)
        ),
        Profile(
            "bargain_hunter",
            0.12,
            0.55,
            0.45,
            (300, 800),
            0.5,
            0.01,
            (300, 500),
            0.6,
            0.03,
            ("haggle", "purchase_intent", "small_talk"),
        ),
        Profile(
            "churn_risk",
            0.1,
            0.25,
            0.15,
            (500, 1500),
            0.15,
            0.01,
            (300, 800),
            0.35,
            0.005,
            ("complaint", "goodbye", "small_talk"),
        ),
        Profile(
            "time_waster",
            0.07,
            0.9,
            0.03,
            (300, 600),
            2.5,
            0.0,
            (300, 300),
            0.75,
            0.02,
            ("small_talk", "compliment", "greeting"),
        ),
        Profile(
            "off_platform",
            0.04,
            0.6,
            0.1,
            (500, 1500),
            0.6,
            0.0,
            (300, 300),
            0.6,
            0.01,
            ("off_platform", "small_talk", "purchase_intent"),
        ),
        Profile(
            "possible_minor",
            0.02,
            0.6,
            0.05,
            (300, 800),
            0.7,
            0.0,
            (300, 300),
            0.5,
            0.01,
            ("age_hint", "small_talk", "greeting"),
        ),
        Profile(
            "abusive",
            0.05,
            0.4,
            0.05,
            (300, 800),
            0.5,
            0.0,
            (300, 300),
            0.5,
            0.01,
            ("abuse", "complaint", "small_talk"),
        ),
    )
}
PROFILE_NAMES = tuple(PROFILES)
PROFILE_WEIGHTS = tuple(p.weight for p in PROFILES.values())


def stream(seed: int, *key: object) -> random.Random:
    """An independent random stream for one decision, named by ``key``."""
    return random.Random(":".join([str(seed), *(str(part) for part in key)]))


def pick_profile(rng: random.Random) -> Profile:
    """A behaviour profile drawn with the population weights."""
    return PROFILES[rng.choices(PROFILE_NAMES, weights=PROFILE_WEIGHTS)[0]]


@dataclass(frozen=True)
class MessageContext:
    """What a fan reacts to: the creator's message and the situation it arrives in."""

    text: str
    price_cents: int
    is_mass: bool
    hour_of_day: int
    hours_since_fan_wrote: float | None
    fan_first_name: str


def reply_probability(profile: Profile, ctx: MessageContext) -> float:
    """Chance that the fan answers: depends on what was said, to whom, and when."""
    p = profile.reply_p
    lowered = ctx.text.lower()
    if "?" in ctx.text:
        p *= 1.3
    if ctx.fan_first_name.lower() in lowered:
        p *= 1.25
    if len(ctx.text.strip()) < 8:
        p *= 0.6
    if any(word in lowered for word in ("miss", "special", "just for you", "surprise")):
        p *= 1.15
    if ctx.is_mass:
        p *= 0.5
    if ctx.price_cents > 0:
        p *= 0.85
    if ctx.hours_since_fan_wrote is not None:
        if ctx.hours_since_fan_wrote < 2:
            p *= 1.4
        elif ctx.hours_since_fan_wrote > 72:
            p *= 0.7
    if ctx.hour_of_day < 6:
        p *= 0.6
    return min(p, 0.97)


def buy_probability(
    profile: Profile, *, price_cents: int, ppv_max_cents: int, is_mass: bool, force: bool | None
) -> float:
    """Chance that the fan unlocks a PPV at this price (price-sensitive, forced by admin)."""
    if force is not None:
        return 1.0 if force else 0.0
    if price_cents <= 0:
        return 0.0
    if price_cents > ppv_max_cents:
        return profile.buy_p * 0.05
    p = profile.buy_p * (1.0 - 0.5 * price_cents / ppv_max_cents)
    return p * 0.7 if is_mass else p


def reply_category(
    profile: Profile, rng: random.Random, *, bought: bool, ctx: MessageContext
) -> str:
    """What kind of text the fan answers with."""
    if bought:
        return "thanks_purchase"
    if ctx.price_cents > 0 and profile.name == "bargain_hunter":
        return "haggle"
    if profile.name in ("off_platform", "possible_minor", "abusive") and rng.random() < 0.5:
        return profile.topics[0]
    if profile.name == "churn_risk" and rng.random() < 0.4:
        return rng.choice(("complaint", "goodbye"))
    if ctx.price_cents > 0 and rng.random() < 0.5:
        return "reply_negative"
    if "?" in ctx.text:
        return rng.choice(("small_talk", "reply_positive"))
    return rng.choice(("reply_positive", "compliment", profile.topics[0]))


def reaction_delay_minutes(rng: random.Random, *, hour_of_day: int, is_buy: bool) -> int:
    """How long the fan takes to react; purchases happen within the hour."""
    if is_buy:
        return rng.randint(2, 50)
    base = rng.randint(2, 180)
    return base * 3 if hour_of_day < 6 else base


def hourly_chance(per_day: float) -> float:
    """Per-hour probability of something that happens ``per_day`` times a day on average."""
    return min(per_day / 24.0, 1.0)


def arrivals_this_hour(rng: random.Random, per_day: float) -> int:
    """New fans through a link this hour: the whole part of the rate plus a Bernoulli draw."""
    per_hour = per_day / 24.0
    whole = int(per_hour)
    return whole + (1 if rng.random() < per_hour - whole else 0)
