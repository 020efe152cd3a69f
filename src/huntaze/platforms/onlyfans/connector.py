"""The ``onlyfans`` connector: the site's own web app in Chromium (DESIGN.md §3).

It runs on the creator's own session (cookies and local storage imported into the account's
secret as ``storage_state``, then kept encrypted by the browser pool) behind the account's one
fixed proxy. It READS by listening to the JSON the web app fetches (:mod:`.traffic`), paging by
clicking the app's own "more" controls while ``hasMore`` says so, and it ACTS by typing into the
page (composer, PPV price, vault picker, post form); it never builds a request itself, so the
site's request signing is never re-implemented. A login challenge it cannot answer from the
secret raises ``NeedsHumanError``. Selectors and endpoints: :mod:`.pages`; JSON: :mod:`.parsers`.

Cursors: messages ``{"id": <last message id>}``; fans and statements the newest time seen
(items of that instant are returned again with stable ids).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import replace
from typing import Any

from huntaze.platforms.base import (
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
from huntaze.platforms.onlyfans import pages, parsers
from huntaze.platforms.onlyfans.traffic import Tap, tap
from huntaze.platforms.registry import AccountConnection

log = logging.getLogger(__name__)


class OnlyFansConnector:
    """One creator account on OnlyFans, through its web app in the process's browser pool."""

    def __init__(self, connection: AccountConnection, *, pool: BrowserPool | None = None) -> None:
        if not connection.base_url:
            connection = _with_base_url(connection, "https://onlyfans.com")
        self.connection = connection
        self.pool = pool or process_pool()
        self.account = BrowserAccount(connection, self.pool, self._login)

    async def _login(self, slot: Slot) -> None:
        await login_with_form(slot.page, pages.LOGIN, self.connection.secret, after=pages.APP_READY)

    def _tap(self, slot: Slot) -> Any:
        return tap(slot.page, pages.LOGIN, self.pool.config.step_timeout_s)

    def check_session(self) -> SessionState:
        """Open the inbox; log in again where the secret allows it."""

        async def operation(slot: Slot) -> None:
            async with self._tap(slot) as traffic:
                await slot.page.goto(pages.CHATS_PAGE)
                await traffic.json(pages.API_CHATS)

        try:
            self.account.call("check_session", operation)
        except NeedsHumanError as exc:
            return SessionState(
                ok=False, detail=f"{exc.message} (screenshot: {exc.screenshot_key})"
            )
        return SessionState(ok=True)

    def fans_since(self, cursor: str | None) -> Page[PlatformFan]:
        """All subscribers (None), or those who subscribed at or after the cursor."""
        since = parsers.moment(cursor)

        async def operation(slot: Slot) -> list[PlatformFan]:
            async with self._tap(slot) as traffic:
                await slot.page.goto(pages.FANS_PAGE)
                await traffic.json(pages.API_SUBSCRIBERS)
                await slot.page.click(pages.FANS_TAB_ALL)
                batch: list[dict[str, Any]] = await traffic.json(pages.API_SUBSCRIBERS)
                fans = [parsers.fan(item) for item in batch]
                while len(batch) >= pages.SUBSCRIBERS_PAGE_SIZE and not _older(fans[-1], since):
                    await slot.page.click(pages.FANS_MORE)
                    batch = await traffic.json(pages.API_SUBSCRIBERS)
                    fans += [parsers.fan(item) for item in batch]
            return [f for f in fans if not _older(f, since)]

        fans = self.account.call("fans_since", operation)
        newest = max((f.subscribed_at for f in fans if f.subscribed_at), default=since)
        return Page(items=fans, next_cursor=newest.isoformat() if newest else None)

    def messages_since(self, cursor: str | None) -> Page[PlatformMessage]:
        """Messages newer than the cursor, opening only chats whose last message is newer."""
        last_id = int(json.loads(cursor)["id"]) if cursor else 0

        async def operation(slot: Slot) -> list[PlatformMessage]:
            async with self._tap(slot) as traffic:
                fan_ids = await self._moved_chats(slot, traffic, last_id)
                found: list[PlatformMessage] = []
                for fan_id in fan_ids:
                    found += await self._chat(
                        slot, traffic, fan_id, stop=lambda m: int(m["id"]) <= last_id
                    )
            return [m for m in found if int(m.platform_message_id) > last_id]

        items = sorted(
            self.account.call("messages_since", operation), key=lambda m: int(m.platform_message_id)
        )
        newest = max((int(m.platform_message_id) for m in items), default=last_id)
        return Page(items=items, next_cursor=json.dumps({"id": newest}))

    async def _moved_chats(self, slot: Slot, traffic: Tap, last_id: int) -> list[str]:
        await slot.page.goto(pages.CHATS_PAGE)
        data = await traffic.json(pages.API_CHATS)
        moved: list[str] = []
        while True:
            older_seen = False
            for chat in data["list"]:
                last = chat.get("lastMessage")
                if last and int(last["id"]) > last_id:
                    moved.append(str(chat["withUser"]["id"]))
                elif not chat.get("unreadMessagesCount"):
                    older_seen = True
            if not data.get("hasMore") or (older_seen and last_id):
                return moved
            await slot.page.click(pages.CHATS_MORE)
            data = await traffic.json(pages.API_CHATS)

    async def _chat(
        self, slot: Slot, traffic: Tap, fan_id: str, *, stop: Any
    ) -> list[PlatformMessage]:
        """A chat's messages, newest first, loading older ones until ``stop(item)``."""
        path = pages.API_MESSAGES.format(fan_id=fan_id)
        await slot.page.goto(pages.CHAT_PAGE.format(fan_id=fan_id))
        data = await traffic.json(path)
        items: list[dict[str, Any]] = list(data["list"])
        while data.get("hasMore") and items and not stop(items[-1]):
            await slot.page.click(pages.MESSAGES_OLDER)
            data = await traffic.json(path)
            items += data["list"]
        return [parsers.message(item, fan_id) for item in items]

    def earnings_since(self, cursor: str | None) -> Page[EarningEntry]:
        """Statement entries at or after the cursor, as far as the statements page loads them."""
        since = parsers.moment(cursor)

        async def operation(slot: Slot) -> list[EarningEntry]:
            async with self._tap(slot) as traffic:
                await slot.page.goto(pages.STATEMENTS_PAGE)
                data = await traffic.json(pages.API_TRANSACTIONS)
            entries = [parsers.earning(item) for item in data["list"]]
            if (
                data.get("hasMore")
                and entries
                and (since is None or entries[-1].occurred_at > since)
            ):
                log.warning("the statements page shows only the latest %d entries", len(entries))
            return [e for e in entries if since is None or e.occurred_at >= since]

        entries = self.account.call("earnings_since", operation)
        newest = max((e.occurred_at for e in entries), default=since)
        return Page(items=entries, next_cursor=newest.isoformat() if newest else None)

    def send_message(self, message: OutgoingMessage) -> SentReceipt:
        """Type the message into the chat's composer (with its PPV price) and send it."""
        path = pages.API_MESSAGES.format(fan_id=message.platform_fan_id)

        async def operation(slot: Slot) -> SentReceipt:
            page = slot.page
            async with self._tap(slot) as traffic:
                await page.goto(pages.CHAT_PAGE.format(fan_id=message.platform_fan_id))
                await traffic.json(path)
                await page.fill(pages.COMPOSER_TEXT, message.text)
                if message.price_cents:
                    await page.fill(pages.COMPOSER_PRICE, f"{message.price_cents / 100:.2f}")
                if message.media_ids:
                    await page.click(pages.COMPOSER_VAULT)
                    for media_id in message.media_ids:
                        await page.check(pages.VAULT_PICK.format(id=media_id))
                await page.click(pages.COMPOSER_SEND)
                sent = await traffic.json(path, method="POST", write=True)
            return _receipt(sent["id"], sent.get("createdAt"))

        return self.account.call("send_message", operation)

    def find_sent(
        self, *, platform_fan_id: str, nonce: str, text: str, after: dt.datetime
    ) -> PlatformMessage | None:
        """Our message with exactly ``text`` sent at or after ``after`` (the site has no nonce)."""

        async def operation(slot: Slot) -> list[PlatformMessage]:
            async with self._tap(slot) as traffic:
                return await self._chat(
                    slot,
                    traffic,
                    platform_fan_id,
                    stop=lambda m: (parsers.moment(m.get("createdAt")) or after) < after,
                )

        messages = self.account.call("find_sent", operation)
        matches = [
            m
            for m in messages
            if m.direction == "outbound" and m.text == text and m.sent_at >= after
        ]
        return max(matches, key=lambda m: int(m.platform_message_id), default=None)

    def send_mass_message(self, message: OutgoingMassMessage) -> SentReceipt:
        """Send to every active fan through the mass-message page."""
        if message.platform_fan_ids is not None:
            raise RejectedError("Mass messages go to all active fans; send to each fan instead.")

        async def operation(slot: Slot) -> SentReceipt:
            page = slot.page
            async with self._tap(slot) as traffic:
                await page.goto(pages.MASS_PAGE)
                await page.wait_for_selector(pages.APP_READY)
                await page.fill(pages.MASS_TEXT, message.text)
                if message.price_cents:
                    await page.fill(pages.MASS_PRICE, f"{message.price_cents / 100:.2f}")
                await page.click(pages.MASS_SUBMIT)
                sent = await traffic.json(pages.API_MASS, method="POST", write=True)
            return _receipt(sent["id"], None)

        return self.account.call("send_mass_message", operation)

    def create_post(self, post: OutgoingPost) -> SentReceipt:
        """Publish the post now, or schedule it for ``publish_at``."""

        async def operation(slot: Slot) -> SentReceipt:
            page = slot.page
            async with self._tap(slot) as traffic:
                await page.goto(pages.POSTS_PAGE)
                await traffic.json(pages.API_POSTS)
                await page.fill(pages.POST_TEXT, post.caption)
                for media_id in post.media_ids:
                    await page.check(pages.VAULT_PICK.format(id=media_id))
                if post.publish_at:
                    when = post.publish_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M")
                    await page.fill(pages.POST_SCHEDULE, when)
                await page.click(pages.POST_SUBMIT)
                created = await traffic.json(pages.API_POSTS, method="POST", write=True)
            return _receipt(created["id"], created.get("postedAt"))

        return self.account.call("create_post", operation)

    def close(self) -> None:
        """Save the session and give the browser context back."""
        self.account.close()


def _older(fan: PlatformFan, since: dt.datetime | None) -> bool:
    return since is not None and fan.subscribed_at is not None and fan.subscribed_at < since


def _receipt(platform_id: Any, created_at: str | None) -> SentReceipt:
    return SentReceipt(
        platform_message_id=str(platform_id),
        sent_at=parsers.moment(created_at) or dt.datetime.now(dt.UTC),
    )


def _with_base_url(connection: AccountConnection, base_url: str) -> AccountConnection:
    return replace(connection, base_url=base_url)
