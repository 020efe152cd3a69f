"""The ``simulator_browser`` connector: the simulator's pages driven in Chromium (DESIGN.md §3).

It reads what a person would see, through page objects (:mod:`.pages`) and one selector file per
skin, so it exercises everything a browser connector faces: login with a one-time code, expired
sessions, paging, composers. What the pages cannot show, it cannot know: times are to the
minute, a ``classic`` chat shows its last 50 messages and statements their last 50 entries (the
``api2`` page: 30), fans carry no change time (an incremental fans read returns new
subscribers only), and a message carries no nonce (``find_sent`` matches the exact text sent
at or after the given time).

Cursors are JSON: messages ``{"id": <last message id>, "at": <newest minute>}``, fans the newest
subscription day, statements the newest minute (entries of that minute are returned again; their
ids are stable, so the reader de-duplicates).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from huntaze.platforms.base import (
    CannotVerifyError,
    EarningEntry,
    NeedsHumanError,
    OutgoingMassMessage,
    OutgoingMessage,
    OutgoingPost,
    Page,
    PlatformFan,
    PlatformMessage,
    RejectedError,
    SentReceipt,
    SessionState,
)
from huntaze.platforms.browser.account import BrowserAccount
from huntaze.platforms.browser.login import login_with_form
from huntaze.platforms.browser.pool import BrowserPool, Slot, process_pool
from huntaze.platforms.registry import AccountConnection
from huntaze.platforms.simulator_browser.pages import Row, SkinPages
from huntaze.platforms.simulator_browser.rows import page_time, to_entries, to_fan, to_message
from huntaze.platforms.simulator_browser.skin import skin_named


def _minute(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(second=0, microsecond=0)


def _price(cents: int | None) -> str | None:
    return f"{cents / 100:.2f}" if cents else None


class SimulatorBrowserConnector:
    """One simulator account, driven through its pages in the process's browser pool."""

    def __init__(self, connection: AccountConnection, *, pool: BrowserPool | None = None) -> None:
        self.connection = connection
        self.skin = skin_named(connection.skin)
        self.pool = pool or process_pool()
        self.account = BrowserAccount(connection, self.pool, self._login)

    def _pages(self, slot: Slot) -> SkinPages:
        return SkinPages(slot.page, self.skin, step_timeout_s=self.pool.config.step_timeout_s)

    async def _login(self, slot: Slot) -> None:
        await login_with_form(
            slot.page, self.skin.login, self.connection.secret, after=self.skin.ready
        )

    def check_session(self) -> SessionState:
        """Open the inbox, logging in again when the session has ended."""

        async def operation(slot: Slot) -> None:
            await self._pages(slot).open(self.skin.chats_path)

        try:
            self.account.call("check_session", operation)
        except NeedsHumanError as exc:
            return SessionState(
                ok=False, detail=f"{exc.message} (screenshot: {exc.screenshot_key})"
            )
        return SessionState(ok=True)

    def fans_since(self, cursor: str | None) -> Page[PlatformFan]:
        """Every fan (None), or fans who subscribed on or after the cursor's day."""
        since = dt.date.fromisoformat(cursor) if cursor else None

        async def operation(slot: Slot) -> list[PlatformFan]:
            pages = self._pages(slot)
            await pages.open(self.skin.fans_path)
            if self.skin.fans_all_tab:
                await pages.switch_tab(self.skin.fans_all_tab, self.skin.fans_all_tab_loads)

            def older(row: Row) -> bool:
                subscribed = to_fan(row, self.skin).subscribed_at
                return since is not None and subscribed is not None and subscribed.date() < since

            rows = await pages.all_rows(self.skin.fans, self.skin.fans_pager, older)
            return [to_fan(row, self.skin) for row in rows]

        fans = self.account.call("fans_since", operation)
        days = [f.subscribed_at.date() for f in fans if f.subscribed_at]
        newest = max(days, default=since)
        return Page(items=fans, next_cursor=newest.isoformat() if newest else cursor)

    def messages_since(self, cursor: str | None) -> Page[PlatformMessage]:
        """Messages newer than the cursor, opening only the chats that moved since."""
        state: dict[str, Any] = json.loads(cursor) if cursor else {"id": 0, "at": None}
        last_id = int(state["id"])
        since = dt.datetime.fromisoformat(state["at"]) if state["at"] else None

        async def operation(slot: Slot) -> list[PlatformMessage]:
            pages = self._pages(slot)
            await pages.open(self.skin.chats_path)
            now = await pages.now()

            def older(row: Row) -> bool:
                unread = self.skin.unread_token in row["state"].split()
                if since is None or unread or not row["time"]:
                    return False
                return page_time(row["time"], self.skin, now) < since

            chats = await pages.all_rows(self.skin.chat_list, self.skin.chats_pager, older)
            found: list[PlatformMessage] = []
            for chat in [c for c in chats if c["time"]]:
                for row in await pages.chat_messages(chat["id"], newer_than=last_id):
                    found.append(to_message(row, chat["id"], self.skin, now))
            return found

        items = sorted(self.account.call("messages_since", operation), key=_message_order)
        newest_id = max((int(m.platform_message_id) for m in items), default=last_id)
        newest_at = max((m.sent_at for m in items), default=since)
        next_cursor = json.dumps(
            {"id": newest_id, "at": newest_at.isoformat() if newest_at else None}
        )
        return Page(items=items, next_cursor=next_cursor)

    def earnings_since(self, cursor: str | None) -> Page[EarningEntry]:
        """Statement entries of the cursor's minute and later (all that are shown: None)."""
        since = dt.datetime.fromisoformat(cursor) if cursor else None

        async def operation(slot: Slot) -> list[EarningEntry]:
            pages = self._pages(slot)
            await pages.open(self.skin.statements_path)
            now = await pages.now()
            return to_entries(await pages.rows(self.skin.transactions), self.skin, now)

        entries = self.account.call("earnings_since", operation)
        fresh = [e for e in entries if since is None or e.occurred_at >= since]
        newest = max((e.occurred_at for e in fresh), default=since)
        return Page(items=fresh, next_cursor=newest.isoformat() if newest else None)

    def send_message(self, message: OutgoingMessage) -> SentReceipt:
        """Type the message (and its PPV price) into the chat composer and send it."""

        async def operation(slot: Slot) -> SentReceipt:
            pages = self._pages(slot)
            row = await pages.send(
                message.platform_fan_id,
                message.text,
                _price(message.price_cents),
                message.media_ids,
            )
            now = await pages.now()
            return SentReceipt(
                platform_message_id=row["id"], sent_at=page_time(row["time"], self.skin, now)
            )

        return self.account.call("send_message", operation)

    def find_sent(
        self, *, platform_fan_id: str, nonce: str, text: str, after: dt.datetime
    ) -> PlatformMessage | None:
        """The latest outbound message with exactly ``text`` shown at or after ``after``."""
        floor = _minute(after)

        async def operation(slot: Slot) -> PlatformMessage | None:
            pages = self._pages(slot)
            rows = await pages.chat_messages(platform_fan_id, newer_than=0)
            now = await pages.now()
            matches = [
                message
                for message in (to_message(r, platform_fan_id, self.skin, now) for r in rows)
                if message.direction == "outbound"
                and message.text == text
                and message.sent_at >= floor
            ]
            return matches[-1] if matches else None

        return self.account.call("find_sent", operation)

    def send_mass_message(self, message: OutgoingMassMessage) -> SentReceipt:
        """Send to every active fan through the mass composer (the pages cannot pick fans)."""
        if message.platform_fan_ids is not None:
            raise RejectedError("The simulator's pages send mass messages to all active fans only.")

        async def operation(slot: Slot) -> SentReceipt:
            pages = self._pages(slot)
            await pages.mass_message(message.text, _price(message.price_cents))
            return SentReceipt(
                platform_message_id=f"mass:{message.nonce}", sent_at=await pages.now()
            )

        return self.account.call("send_mass_message", operation)

    def find_sent_mass(self, *, nonce: str, text: str, after: dt.datetime) -> SentReceipt | None:
        """The pages keep no record of mass messages sent, so an earlier try cannot be seen."""
        raise CannotVerifyError(
            "The simulator's pages list no sent mass messages; check the fans' chats before "
            "sending it again."
        )

    def find_post(
        self, *, nonce: str, text: str, after: dt.datetime, publish_at: dt.datetime | None = None
    ) -> SentReceipt | None:
        """The pages show posts without the time they were made, so a repeat cannot be told
        from an earlier post with the same caption."""
        raise CannotVerifyError(
            "The simulator's post list shows no creation time; check the posts before "
            "publishing it again."
        )

    def create_post(self, post: OutgoingPost) -> SentReceipt:
        """Publish the post now, or schedule it for ``publish_at``."""
        schedule = (
            post.publish_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M")
            if post.publish_at
            else None
        )

        async def operation(slot: Slot) -> SentReceipt:
            pages = self._pages(slot)
            row = await pages.create_post(post.caption, schedule, post.media_ids)
            return SentReceipt(platform_message_id=row["id"], sent_at=await pages.now())

        return self.account.call("create_post", operation)

    def close(self) -> None:
        """Save the session and give the browser context back."""
        self.account.close()


def _message_order(message: PlatformMessage) -> int:
    return int(message.platform_message_id)
