"""Parameters of the sending-limit rules: the cap, the quiet hours, the gap between PPV offers.

See DESIGN.md §7 ("per-fan message caps and quiet hours, opt-outs"). A rule on the sending
context names a detector and, in an organization's or a creator's rules, may carry its limits::

    - id: acme.daily_cap
      category: sending_limits
      severity: block
      direction: outbound
      reason: At most three messages a day to one fan.
      detector: daily_cap
      params: {max_per_day: 3}
    - id: acme.quiet_hours
      ...
      detector: quiet_hours
      params: {start: "22:00", end: "08:00", timezone: Europe/Paris}
    - id: acme.ppv_gap
      ...
      detector: ppv_gap
      params: {min_minutes: 240}

Numbers are whole and bounded, so ``NaN``, ``Infinity`` or ``1e20`` are refused on save with the
rule's id; times are ``"HH:MM"`` strings (unquoted, YAML would read 22:00 as a number).
A rule without ``params`` reads its limit from the :class:`~huntaze.compliance.models.CheckContext`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator

_CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DailyCap(_Params):
    """At most ``max_per_day`` messages to one fan in one day."""

    max_per_day: Annotated[StrictInt, Field(ge=1, le=10_000)]


class QuietWindow(_Params):
    """No message between ``start`` and ``end`` (may wrap past midnight).

    The window is read in the fan's time zone when it is known, otherwise in ``timezone``.
    """

    start: Annotated[StrictStr, Field(pattern=_CLOCK)]
    end: Annotated[StrictStr, Field(pattern=_CLOCK)]
    timezone: Annotated[StrictStr, Field(max_length=64)] = "UTC"

    @field_validator("start", "end", mode="before")
    @classmethod
    def _quoted_clock(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError('write the time in quotes, like "22:00"')
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @property
    def start_time(self) -> dt.time:
        """The start of the window."""
        return dt.time.fromisoformat(self.start)

    @property
    def end_time(self) -> dt.time:
        """The end of the window."""
        return dt.time.fromisoformat(self.end)


class PpvGap(_Params):
    """At least ``min_minutes`` between two pay-per-view offers to one fan."""

    min_minutes: Annotated[StrictInt, Field(ge=1, le=60 * 24 * 90)]

    @property
    def gap(self) -> dt.timedelta:
        """The minimum gap."""
        return dt.timedelta(minutes=self.min_minutes)


LimitParams = DailyCap | QuietWindow | PpvGap
PARAMS_OF_DETECTOR: dict[str, type[DailyCap] | type[QuietWindow] | type[PpvGap]] = {
    "daily_cap": DailyCap,
    "quiet_hours": QuietWindow,
    "ppv_gap": PpvGap,
}
