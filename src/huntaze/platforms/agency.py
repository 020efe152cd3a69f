"""What an agency reads beyond fans, chats and statements (DESIGN.md §3, §2.5): mass-message
results, vault lists, fan lists, tracking and trial links, earnings statistics.

A connector that can read these implements :class:`AgencyReader` besides
:class:`~huntaze.platforms.base.PlatformConnector`; callers check with ``isinstance``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel


class MassMessageStats(BaseModel):
    """A sent mass message and what its recipients did with it."""

    platform_mass_id: str
    text: str
    sent_at: dt.datetime
    price_cents: int | None = None
    sent: int = 0
    viewed: int = 0
    purchased: int = 0
    unsent: bool = False


class VaultList(BaseModel):
    """A named folder of the creator's vault media."""

    platform_list_id: str
    name: str
    media_count: int = 0


class FanList(BaseModel):
    """A list of fans a mass message can be sent to (or exclude)."""

    platform_list_id: str
    name: str
    fans_count: int = 0


class PromoLink(BaseModel):
    """A tracking or free-trial link and what it brought."""

    platform_link_id: str
    kind: Literal["tracking", "trial"]
    name: str
    url: str = ""
    clicks: int = 0
    subscribers: int = 0
    revenue_cents: int | None = None
    trial_days: int | None = None


class EarningsTotal(BaseModel):
    """What one kind of payment earned over a period: paid (gross) and kept (net), in cents."""

    kind: Literal["subscription", "tip", "message", "post", "all"]
    gross_cents: int
    net_cents: int | None = None


@runtime_checkable
class AgencyReader(Protocol):
    """Reads an agency needs to plan mass messages and judge promotions."""

    def mass_messages(self) -> list[MassMessageStats]:
        """Recent mass messages, newest first, with sent, viewed and purchased counts."""
        ...

    def vault_lists(self) -> list[VaultList]:
        """The vault's lists with their media counts."""
        ...

    def fan_lists(self) -> list[FanList]:
        """The fan lists with their sizes."""
        ...

    def promo_links(self) -> list[PromoLink]:
        """Tracking and free-trial links with clicks, subscribers and revenue."""
        ...

    def earnings_statistics(self, *, days: int = 30) -> list[EarningsTotal]:
        """Earnings of the last ``days`` days by kind, chargebacks left out."""
        ...
