"""JSON shapes of analytics (DESIGN.md §6 "Analytics"). Money is in cents."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from huntaze.analytics.kpis import Kpis


class KpisOut(BaseModel):
    """A period's figures."""

    start: dt.date
    end: dt.date
    gross_cents: int
    net_cents: int
    gross_by_type_cents: dict[str, int]
    chargebacks: int
    chargeback_cents: int
    purchases: int
    spenders: int
    arppu_cents: int
    spend_per_spender_cents: int
    subscriptions_new: int
    subscriptions_renewed: int
    fans_subscribed: int
    fans_expired: int
    churn_pct: float
    messages_received: int
    messages_sent: int
    ppv_offered: int
    ppv_bought: int
    ppv_conversion_pct: float
    daily_gross_cents: dict[dt.date, int]

    @classmethod
    def of(cls, k: Kpis) -> KpisOut:
        """The figures of ``k``."""
        return cls(
            start=k.period.start,
            end=k.period.end,
            gross_cents=k.gross_cents,
            net_cents=k.net_cents,
            gross_by_type_cents=k.gross_by_type,
            chargebacks=k.chargebacks,
            chargeback_cents=k.chargeback_cents,
            purchases=k.purchases,
            spenders=k.spenders,
            arppu_cents=k.arppu_cents,
            spend_per_spender_cents=k.spend_per_spender_cents,
            subscriptions_new=k.subs_new,
            subscriptions_renewed=k.subs_renewed,
            fans_subscribed=k.fans_subscribed,
            fans_expired=k.fans_expired,
            churn_pct=k.churn_pct,
            messages_received=k.messages_received,
            messages_sent=k.messages_sent,
            ppv_offered=k.ppv_offered,
            ppv_bought=k.ppv_bought,
            ppv_conversion_pct=k.ppv_conversion_pct,
            daily_gross_cents=k.daily_gross,
        )


class CohortOut(BaseModel):
    """The fans whose first subscription payment fell in ``month``, month by month after it."""

    month: dt.date
    fans: int
    retained: list[int]
    retention_pct: list[float]
    ltv_cents: list[int]


class CohortsOut(BaseModel):
    """A creator's LTV up to ``through`` and the cohorts from ``first`` to ``last`` (months)."""

    creator_id: str
    zone: str
    first: dt.date
    last: dt.date
    through: dt.date
    payers: int
    net_cents: int
    ltv_cents: int
    cohorts: list[CohortOut]


class InsightOut(BaseModel):
    """A finding and the figures its text cites."""

    kind: str
    day: dt.date | None
    title: str
    text: str


class CreatorKpisOut(BaseModel):
    """A creator's period beside the previous one."""

    creator_id: str
    zone: str
    current: KpisOut
    previous: KpisOut
    insights: list[InsightOut]


class AgencyRowOut(BaseModel):
    """One creator of the agency table."""

    creator_id: str
    display_name: str
    current: KpisOut
    previous: KpisOut


class AgencyOut(BaseModel):
    """Every creator and the agency together."""

    zone: str
    rows: list[AgencyRowOut]
    total: KpisOut
    total_previous: KpisOut


class SettingsIn(BaseModel):
    """How days are cut: the agency's IANA time zone, or the platform's UTC."""

    model_config = ConfigDict(strict=True)

    timezone: str = Field(min_length=1, max_length=64)
    use_utc: bool = False


class SettingsOut(BaseModel):
    """The settings and the zone days are cut in now."""

    timezone: str
    use_utc: bool
    zone: str


class StoredReportOut(BaseModel):
    """A monthly report kept in storage."""

    month: str
    size_bytes: int
    created_at: dt.datetime
    url: str
