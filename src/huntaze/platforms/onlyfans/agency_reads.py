"""What an agency reads on OnlyFans beyond fans, chats and statements, and unsending a mass
message (DESIGN.md §3; :mod:`huntaze.platforms.agency`). Mixed into the connector; each read opens
the web app page that fetches it and parses the JSON (:mod:`.parsers`)."""

from __future__ import annotations

from typing import Any

from huntaze.platforms.agency import (
    EarningsTotal,
    FanList,
    MassMessageStats,
    PromoLink,
    VaultList,
)
from huntaze.platforms.base import RejectedError
from huntaze.platforms.browser.account import BrowserAccount
from huntaze.platforms.browser.pool import BrowserPool, Slot
from huntaze.platforms.onlyfans import pages, parsers, reading
from huntaze.platforms.onlyfans.traffic import tap


class AgencyReads:
    """The :class:`~huntaze.platforms.agency.AgencyReader` half of the OnlyFans connector."""

    account: BrowserAccount
    pool: BrowserPool

    def _tap(self, slot: Slot) -> Any:
        """Listen to the page's JSON for one operation (:mod:`.traffic`)."""
        return tap(slot.page, pages.LOGIN, self.pool.config.step_timeout_s)

    def mass_messages(self) -> list[MassMessageStats]:
        """Recent mass messages with their sent, viewed and purchased counts."""

        async def operation(slot: Slot) -> list[MassMessageStats]:
            async with self._tap(slot) as traffic:
                await reading.open_app(slot.page, traffic, pages.MASS_PAGE)
                items, _more = parsers.page(await traffic.json(pages.API_MASS_STATS), "mass")
            return [parsers.mass_stats(item) for item in items]

        result: list[MassMessageStats] = self.account.call("mass_messages", operation)
        return result

    def unsend_mass_message(self, platform_mass_id: str) -> None:
        """Take a mass message back (the copies no fan bought leave the chats)."""

        async def operation(slot: Slot) -> None:
            async with self._tap(slot) as traffic:
                await reading.open_app(slot.page, traffic, pages.MASS_PAGE)
                items, _more = parsers.page(await traffic.json(pages.API_MASS_STATS), "mass")
                if not any(str(item.get("id")) == platform_mass_id for item in items):
                    raise RejectedError(f"No recent mass message {platform_mass_id} to unsend.")
                await slot.page.click(pages.MASS_UNSEND.format(id=platform_mass_id))
                path = pages.API_MASS_ONE.format(mass_id=platform_mass_id)
                await traffic.json(path, method="DELETE", write=True)

        self.account.call("unsend_mass_message", operation)

    def vault_lists(self) -> list[VaultList]:
        """The vault's lists with their media counts."""

        async def operation(slot: Slot) -> list[VaultList]:
            async with self._tap(slot) as traffic:
                await reading.open_app(slot.page, traffic, pages.VAULT_PAGE)
                items, _more = parsers.page(await traffic.json(pages.API_VAULT_LISTS), "vault")
            return [parsers.vault_list(item) for item in items]

        result: list[VaultList] = self.account.call("vault_lists", operation)
        return result

    def fan_lists(self) -> list[FanList]:
        """The fan lists a mass message can go to, with their sizes."""

        async def operation(slot: Slot) -> list[FanList]:
            async with self._tap(slot) as traffic:
                await reading.open_app(slot.page, traffic, pages.MASS_PAGE)
                items, _more = parsers.page(await traffic.json(pages.API_FAN_LISTS), "fan lists")
            return [parsers.fan_list(item) for item in items]

        result: list[FanList] = self.account.call("fan_lists", operation)
        return result

    def promo_links(self) -> list[PromoLink]:
        """Tracking and free-trial links with clicks, subscribers and revenue."""

        async def operation(slot: Slot) -> list[PromoLink]:
            async with self._tap(slot) as traffic:
                await reading.open_app(slot.page, traffic, pages.LINKS_PAGE)
                tracking, _ = parsers.page(await traffic.json(pages.API_CAMPAIGNS), "campaigns")
                trial, _ = parsers.page(await traffic.json(pages.API_TRIALS), "trials")
            return [parsers.promo_link(i, "tracking") for i in tracking] + [
                parsers.promo_link(i, "trial") for i in trial
            ]

        result: list[PromoLink] = self.account.call("promo_links", operation)
        return result

    def earnings_statistics(self, *, days: int = 30) -> list[EarningsTotal]:
        """Earnings of the last 30 days by kind as the statements page shows them (the page
        asks for 30 days; another period is refused)."""
        if days != 30:
            raise RejectedError("The statements page shows the last 30 days only.")

        async def operation(slot: Slot) -> list[EarningsTotal]:
            async with self._tap(slot) as traffic:
                await reading.open_app(slot.page, traffic, pages.STATEMENTS_PAGE)
                data = await traffic.json(pages.API_EARNINGS_STATISTICS)
            return parsers.statistics(data)

        result: list[EarningsTotal] = self.account.call("earnings_statistics", operation)
        return result
