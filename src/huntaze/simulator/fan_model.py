"""Simulated fans' behaviour as data: a validated fan-model file (DESIGN.md §3, docs/simulator.md).

A fan model names the kinds of fan (profiles, with their weights in the population) and every
parameter that drives a decision: reply and buy propensities, willingness to pay (a distribution
per profile, drawn once per fan), price sensitivity, the hours each fan is active in their own
time zone, and the effects of personalization, waiting time, mass messages, repeated mass PPVs,
churn, renewal and tipping. The bundled ``fan_models/default.yaml`` reproduces the simulator's
original behaviour exactly; other files are loaded with ``huntaze simulator seed --fan-model``
or ``HUNTAZE_SIMULATOR_FAN_MODEL``, and the model is stored with the world it seeded, so every
later tick uses the same one.

A bad file is refused with a message that names the field (``profiles.regular.reply_p: …``).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Annotated, Any, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from huntaze.simulator.texts import FAN_TEMPLATES

BUNDLED_PATH = Path(__file__).resolve().parent / "fan_models" / "default.yaml"
MAX_FILE_BYTES = 256 * 1024

Probability = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Factor = Annotated[float, Field(ge=0.0, le=100.0, allow_inf_nan=False)]
PerDay = Annotated[float, Field(ge=0.0, le=1000.0, allow_inf_nan=False)]
Hours = Annotated[float, Field(ge=0.0, le=10_000.0, allow_inf_nan=False)]
Cents = Annotated[int, Field(ge=0, le=10_000_000)]
HourOfDay = Annotated[int, Field(ge=0, le=23)]


class FanModelError(ValueError):
    """A fan-model file that cannot be used; the message names the bad field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class CentsRange(_Strict):
    """An inclusive range of amounts in cents."""

    low: Cents
    high: Cents

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        return self


class LogNormal(_Strict):
    """A log-normal amount: half of the fans sit below ``median_cents``; capped at ``max_cents``."""

    median_cents: Annotated[int, Field(ge=1, le=10_000_000)]
    sigma: Annotated[float, Field(gt=0.0, le=5.0, allow_inf_nan=False)]
    max_cents: Annotated[int, Field(ge=1, le=10_000_000)]


class WillingnessToPay(_Strict):
    """The most a fan will pay for one PPV, drawn once per fan (whole dollars)."""

    uniform: CentsRange | None = None
    lognormal: LogNormal | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.uniform is None) == (self.lognormal is None):
            raise ValueError("give exactly one of 'uniform' or 'lognormal'")
        return self


class ActiveHours(_Strict):
    """When a fan of this profile is online, in the fan's own time zone."""

    start_hour: HourOfDay
    length_hours: Annotated[int, Field(ge=1, le=24)]
    # A fan's zone is drawn from these UTC offsets (hours), all equally likely.
    utc_offsets: Annotated[list[Annotated[int, Field(ge=-12, le=14)]], Field(min_length=1)]


class Profile(_Strict):
    """Behaviour parameters of one kind of fan."""

    name: str = ""
    weight: Annotated[float, Field(gt=0.0, le=1000.0, allow_inf_nan=False)]
    reply_p: Probability
    buy_p: Probability
    willingness_to_pay: WillingnessToPay
    msg_per_day: PerDay
    tip_per_day: PerDay
    tip_cents: CentsRange
    renew_p: Probability
    resub_per_day: PerDay
    topics: Annotated[list[str], Field(min_length=1)]
    # Answers a PPV offer by haggling (instead of the usual reactions).
    haggles_on_ppv: bool = False
    # Chance of answering with the first topic whatever was said (pushy fans).
    lead_topic_p: Probability = 0.0
    # Chance of answering with a complaint or a goodbye.
    complaint_p: Probability = 0.0
    active_hours: ActiveHours | None = None

    @property
    def ppv_max_cents(self) -> tuple[int, int]:
        """The range of willingness to pay (for display; lognormal: median to cap)."""
        wtp = self.willingness_to_pay
        if wtp.uniform is not None:
            return (wtp.uniform.low, wtp.uniform.high)
        assert wtp.lognormal is not None
        return (wtp.lognormal.median_cents, wtp.lognormal.max_cents)


class ReplyEffects(_Strict):
    """Multipliers of a fan's chance to answer a creator message."""

    question: Factor
    uses_first_name: Factor
    short_below_chars: Annotated[int, Field(ge=0, le=10_000)]
    short: Factor
    warm_words: list[str]
    warm_words_factor: Factor
    mass: Factor
    priced: Factor
    waiting_within_hours: Hours
    waiting: Factor
    stale_after_hours: Hours
    stale: Factor
    night_before_utc_hour: HourOfDay
    night: Factor
    in_active_hours: Factor = 1.0
    outside_active_hours: Factor = 1.0
    max_p: Probability


class BuyEffects(_Strict):
    """How price, timing and repetition change a fan's chance to unlock a PPV."""

    # Above the fan's willingness to pay the chance is buy_p times this.
    over_budget: Factor
    # Price sensitivity: the chance falls linearly by this share from price 0 to the budget.
    price_slope: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
    mass: Factor
    waiting_within_hours: Hours = 2.0
    waiting: Factor = 1.0
    in_active_hours: Factor = 1.0
    outside_active_hours: Factor = 1.0
    # Each earlier mass PPV to the fan within 24 hours multiplies the chance by this.
    repeat_mass_ppv_within_day: Factor = 1.0


MinuteRange = Annotated[
    list[Annotated[int, Field(ge=0, le=30 * 24 * 60)]], Field(min_length=2, max_length=2)
]


class ReactionTiming(_Strict):
    """How long fans take to react."""

    buy_minutes: MinuteRange
    reply_minutes: MinuteRange
    night_before_utc_hour: HourOfDay
    night_slowdown: Factor

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        for name in ("buy_minutes", "reply_minutes"):
            low, high = getattr(self, name)
            if low > high:
                raise ValueError(f"{name}: {low} is above {high}")
        return self


class FanModel(_Strict):
    """A whole fan model: the population's profiles and the effects that apply to all fans."""

    version: Annotated[int, Field(ge=1, le=1)]
    profiles: Annotated[dict[str, Profile], Field(min_length=1)]
    reply: ReplyEffects
    buy: BuyEffects
    timing: ReactionTiming

    @model_validator(mode="before")
    @classmethod
    def _name_profiles(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("profiles"), dict):
            data = dict(data)
            data["profiles"] = {
                name: {**spec, "name": name} if isinstance(spec, dict) else spec
                for name, spec in data["profiles"].items()
            }
        return data

    @model_validator(mode="after")
    def _known_topics(self) -> Self:
        for name, profile in self.profiles.items():
            for topic in profile.topics:
                if topic not in FAN_TEMPLATES:
                    known = ", ".join(sorted(FAN_TEMPLATES))
                    raise ValueError(
                        f"profiles.{name}.topics: unknown topic {topic!r} (known: {known})"
                    )
        return self

    @functools.cached_property
    def profile_names(self) -> tuple[str, ...]:
        """Profile names in file order (the order of the population draw)."""
        return tuple(self.profiles)

    @functools.cached_property
    def profile_weights(self) -> tuple[float, ...]:
        """Profile weights in file order."""
        return tuple(p.weight for p in self.profiles.values())

    def profile(self, name: str) -> Profile:
        """The profile called ``name``; :class:`FanModelError` naming the known ones."""
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(self.profiles)
            raise FanModelError(f"unknown profile {name!r} (this model has: {known})") from None


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "file"
        message = str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"{where}: {message}")
    return "; ".join(lines)


@functools.lru_cache(maxsize=16)
def parse_fan_model(text: str) -> FanModel:
    """A fan model from YAML text; :class:`FanModelError` naming what is wrong. Parsed once per
    distinct text (every simulated hour asks for the world's model)."""
    if len(text.encode()) > MAX_FILE_BYTES:
        raise FanModelError(f"the fan model is larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError) as exc:
        raise FanModelError(f"not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise FanModelError("the fan model must be a mapping with 'version' and 'profiles'")
    try:
        canonical = json.dumps(data)
    except (TypeError, ValueError) as exc:
        raise FanModelError(f"only numbers, text, lists and mappings are allowed ({exc})") from None
    try:
        return _cached_model(canonical)
    except ValidationError as exc:
        raise FanModelError(_describe(exc)) from None


@functools.lru_cache(maxsize=16)
def _cached_model(canonical: str) -> FanModel:
    # JSON mode keeps strictness sensible: lists for pairs, whole numbers for decimals.
    return FanModel.model_validate_json(canonical)


def load_fan_model(path: Path) -> FanModel:
    """A fan model from a file; :class:`FanModelError` naming the file and what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FanModelError(f"{path}: cannot read the file ({exc})") from None
    try:
        return parse_fan_model(text)
    except FanModelError as exc:
        raise FanModelError(f"{path.name}: {exc}") from None


def bundled_text() -> str:
    """The YAML of the bundled fan model."""
    return BUNDLED_PATH.read_text(encoding="utf-8")


def bundled_fan_model() -> FanModel:
    """The bundled fan model (today's simulator behaviour)."""
    return parse_fan_model(bundled_text())
