"""The ``onlyfans`` connector: the site's own web app in Chromium (DESIGN.md §3).

It runs on the creator's own session (cookies and local storage imported into the account's
secret as ``storage_state``, then kept encrypted by the browser pool) behind the account's one
fixed proxy. It READS by listening to the JSON the web app fetches (:mod:`.traffic`,
:mod:`.reading`), paging by clicking the app's own "more" controls while ``hasMore`` says so,
and it ACTS by typing into the page (composer, PPV price, vault picker, post and mass-message
forms); it never builds a request itself, so the site's request signing is never
re-implemented. A login challenge it cannot answer from the secret raises ``NeedsHumanError``.
Selectors and endpoints: :mod:`.pages`; JSON: :mod:`.parsers`.

The site keeps no nonce: looking before resending matches our text as the site renders it
(:mod:`.text`) at or after the time of the first try.

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
    CannotVerifyError,
    EarningEntry,
    NeedsHumanError,
    OutcomeUnknownError,
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
from huntaze.platforms.onlyfans import pages, parsers, reading
from huntaze.platforms.onlyfans.agency_reads import AgencyReads
from huntaze.platforms.onlyfans.text import same_plain_text, same_text
from huntaze.platforms.registry import AccountConnection

log = logging.getLogger(__name__)


def check_offer(price_cents: int | None, media_ids: list[str]) -> None:
    """Refuse, before anything is sent, what the site refuses: a price without media, or a
    price outside 3 to 200 dollars."""
    if not price_cents:
        return
    if not pages.MIN_PRICE_CENTS <= price_cents <= pages.MAX_PRICE_CENTS:
        raise RejectedError(
            f"OnlyFans takes a price of 0, or between ${pages.MIN_PRICE_CENTS // 100} and "
            f"${pages.MAX_PRICE_CENTS // 100}; this one is ${price_cents / 100:.2f}."
        )
    if not media_ids:
        raise RejectedError(
            "OnlyFans refuses a priced message without media: add at least one photo or video "
            "from the vault, or send it free."
        )


class OnlyFansConnector(AgencyReads):
    """One creator account on OnlyFans, through its web app in the process's browser pool."""

    def __init__(self, connection: AccountConnection, *, pool: BrowserPool | None = None) -> None:
        if not connection.base_url:
            connection = _with_base_url(connection, "https://onlyfans.com")
        self.connection = connection
        self.pool = pool or process_pool()
        self.account = BrowserAccount(connection, self.pool, self._login)

    async def _login(self, slot: Slot) -> None:
        await login_with_form(slot.page, pages.LOGIN, self.connection.secret, after=pages.APP_READY)

    def check_session(self) -> SessionState:
        """Open the inbox; log in again where the secret allows it."""

        async def operation(slot: Slot) -> None:
            async with self._tap(slot) as traffic:
                await reading.open_app(slot.page, traffic, pages.CHATS_PAGE)
                parsers.page(await traffic.json(pages.API_CHATS, query=reading.ALL_CHATS), "chats")

        try:
            self.account.call("check_session", operation)
        except NeedsHumanError as exc:
            return SessionState(
                ok=False, detail=f"{exc.message} (screenshot: {exc.screenshot_key})"
            )
        return SessionState(ok=True)

    def fans_since(self, cursor: str | None) -> Page[PlatformFan]:
        """All subscribers, active and expired (None), or those who (re)subscribed at or after
        the cursor."""
        since = parsers.moment(cursor)

        async def operation(slot: Slot) -> list[PlatformFan]:
            async with self._tap(slot) as traffic:
                await reading.open_app(slot.page, traffic, pages.FANS_PAGE)
                await traffic.json(pages.API_SUBSCRIBERS, query={"type": "active"})
                await slot.page.click(pages.FANS_TAB_ALL)
                query = {"type": "all"}
                items, more = parsers.page(
                    await traffic.json(pages.API_SUBSCRIBERS, query=query), "subscribers"
                )
                fans = [parsers.fan(item) for item in items]
                for _ in range(pages.MAX_PAGES):
                    if not more or (fans and _older(fans[-1], since)):
                        break
                    await slot.page.click(pages.FANS_MORE)
                    items, more = parsers.page(
                        await traffic.json(pages.API_SUBSCRIBERS, query=query), "subscribers"
                    )
                    fans += [parsers.fan(item) for item in items]
            return [f for f in fans if not _older(f, since)]

        fans = self.account.call("fans_since", operation)
        newest = max((f.subscribed_at for f in fans if f.subscribed_at), default=since)
        return Page(items=fans, next_cursor=newest.isoformat() if newest else None)

    def messages_since(self, cursor: str | None) -> Page[PlatformMessage]:
        """Messages newer than the cursor, opening only chats whose last message is newer."""
        last_id = int(json.loads(cursor)["id"]) if cursor else 0

        async def operation(slot: Slot) -> list[PlatformMessage]:
            async with self._tap(slot) as traffic:
                fan_ids = await reading.moved_chats(slot.page, traffic, last_id)
                found: list[PlatformMessage] = []
                for fan_id in fan_ids:
                    found += await reading.chat(
                        slot.page, traffic, fan_id, stop=lambda m: int(m["id"]) <= last_id
                    )
            return [m for m in found if int(m.platform_message_id) > last_id]

        items = sorted(
            self.account.call("messages_since", operation), key=lambda m: int(m.platform_message_id)
        )
        newest = max((int(m.platform_message_id) for m in items), default=last_id)
        return Page(items=items, next_cursor=json.dumps({"id": newest}))

    def earnings_since(self, cursor: str | None) -> Page[EarningEntry]:
        """Statement entries at or after the cursor, chargebacks included with their status
        (``EarningEntry.counts_as_revenue`` leaves them out of revenue)."""
        since = parsers.moment(cursor)

        async def operation(slot: Slot) -> list[EarningEntry]:
            async with self._tap(slot) as traffic:
                entries = await reading.statements(slot.page, traffic, since)
            return [e for e in entries if since is None or e.occurred_at >= since]

        entries = self.account.call("earnings_since", operation)
        newest = max((e.occurred_at for e in entries), default=since)
        return Page(items=entries, next_cursor=newest.isoformat() if newest else None)

    def send_message(self, message: OutgoingMessage) -> SentReceipt:
        """Type the message into the chat's composer (with its PPV price and media), send it."""
        check_offer(message.price_cents, message.media_ids)
        path = pages.API_MESSAGES.format(fan_id=message.platform_fan_id)

        async def operation(slot: Slot) -> SentReceipt:
            page = slot.page
            async with self._tap(slot) as traffic:
                await reading.open_app(
                    page, traffic, pages.CHAT_PAGE.format(fan_id=message.platform_fan_id)
                )
                parsers.page(await traffic.json(path), "chat messages")
                await page.fill(pages.COMPOSER_TEXT, message.text)
                if message.price_cents:
                    await page.fill(pages.COMPOSER_PRICE, f"{message.price_cents / 100:.2f}")
                if message.media_ids:
                    await page.click(pages.COMPOSER_VAULT)
                    for media_id in message.media_ids:
                        await page.check(pages.VAULT_PICK.format(id=media_id))
                await page.click(pages.COMPOSER_SEND)
                sent = await traffic.json(path, method="POST", write=True)
            return _receipt(sent, "id", "createdAt")

        return self.account.call("send_message", operation)

    def find_sent(
        self, *, platform_fan_id: str, nonce: str, text: str, after: dt.datetime
    ) -> PlatformMessage | None:
        """Our latest message showing ``text`` (as the site renders it) sent at or after
        ``after``; the site keeps no nonce."""

        async def operation(slot: Slot) -> list[PlatformMessage]:
            async with self._tap(slot) as traffic:
                return await reading.chat(
                    slot.page,
                    traffic,
                    platform_fan_id,
                    stop=lambda m: (parsers.moment(m.get("createdAt")) or after) < after,
                )

        messages = self.account.call("find_sent", operation)
        matches = [
            m
            for m in messages
            if m.direction == "outbound" and same_plain_text(m.text, text) and m.sent_at >= after
        ]
        return max(matches, key=lambda m: int(m.platform_message_id), default=None)

    def send_mass_message(self, message: OutgoingMassMessage) -> SentReceipt:
        """Send through the mass-message page to fan lists (all active fans by default)."""
        if message.platform_fan_ids is not None:
            raise RejectedError(
                "The mass-message page sends to fan lists; send to single fans one by one."
            )
        check_offer(message.price_cents, message.media_ids)

        async def operation(slot: Slot) -> SentReceipt:
            page = slot.page
            async with self._tap(slot) as traffic:
                await reading.open_app(page, traffic, pages.MASS_PAGE)
                parsers.page(await traffic.json(pages.API_FAN_LISTS), "fan lists")
                await page.wait_for_selector(pages.APP_READY)
                if message.platform_list_ids is not None:
                    for box in await page.query_selector_all(f"{pages.MASS_LIST}:checked"):
                        await box.uncheck()
                    for list_id in message.platform_list_ids:
                        await page.check(pages.MASS_LIST_PICK.format(id=list_id))
                for list_id in message.excluded_list_ids:
                    await page.check(pages.MASS_EXCLUDE_PICK.format(id=list_id))
                await page.fill(pages.MASS_TEXT, message.text)
                if message.price_cents:
                    await page.fill(pages.MASS_PRICE, f"{message.price_cents / 100:.2f}")
                for media_id in message.media_ids:
                    await page.check(pages.VAULT_PICK.format(id=media_id))
                await page.click(pages.MASS_SUBMIT)
                sent = await traffic.json(pages.API_MASS, method="POST", write=True)
            return _receipt(sent, "id", "date")

        return self.account.call("send_mass_message", operation)

    def find_sent_mass(self, *, nonce: str, text: str, after: dt.datetime) -> SentReceipt | None:
        """Our latest mass message showing ``text`` sent at or after ``after``."""
        found = [
            m for m in self.mass_messages() if same_plain_text(m.text, text) and m.sent_at >= after
        ]
        latest = max(found, key=lambda m: m.sent_at, default=None)
        if latest is None:
            return None
        return SentReceipt(platform_message_id=latest.platform_mass_id, sent_at=latest.sent_at)

    def create_post(self, post: OutgoingPost) -> SentReceipt:
        """Publish the post now, or schedule it for ``publish_at``."""

        async def operation(slot: Slot) -> SentReceipt:
            page = slot.page
            async with self._tap(slot) as traffic:
                me = await reading.open_app(page, traffic, pages.POSTS_PAGE)
                await traffic.json(pages.API_USER_POSTS.format(user_id=me))
                await page.fill(pages.POST_TEXT, post.caption)
                for media_id in post.media_ids:
                    await page.check(pages.VAULT_PICK.format(id=media_id))
                if post.publish_at:
                    when = post.publish_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M")
                    await page.fill(pages.POST_SCHEDULE, when)
                await page.click(pages.POST_SUBMIT)
                created = await traffic.json(pages.API_POSTS, method="POST", write=True)
            return _receipt(created, "id", "postedAt")

        return self.account.call("create_post", operation)

    def find_post(
        self, *, nonce: str, text: str, after: dt.datetime, publish_at: dt.datetime | None = None
    ) -> SentReceipt | None:
        """Our latest published post showing ``text`` posted at or after ``after``.

        Scheduled posts are not in the feed the connector reads, so one cannot be verified.
        """
        if publish_at is not None and publish_at > dt.datetime.now(dt.UTC):
            raise CannotVerifyError(
                "A scheduled post may already be queued on OnlyFans and the connector cannot "
                "see the schedule; check the post queue before scheduling it again."
            )

        async def operation(slot: Slot) -> list[dict[str, Any]]:
            async with self._tap(slot) as traffic:
                return await reading.posts(slot.page, traffic, until=after)

        found = [
            item
            for item in self.account.call("find_post", operation)
            if same_text(item.get("text"), text)
            and (parsers.moment(item.get("postedAt")) or after) >= after
        ]
        if not found:
            return None
        return _receipt(found[0], "id", "postedAt")

    def close(self) -> None:
        """Save the session and give the browser context back."""
        self.account.close()


def _older(fan: PlatformFan, since: dt.datetime | None) -> bool:
    return since is not None and fan.subscribed_at is not None and fan.subscribed_at < since


def _receipt(body: Any, id_key: str, time_key: str) -> SentReceipt:
    """The receipt in a write's answer; an answer without an id leaves the outcome unknown."""
    if not isinstance(body, dict) or body.get(id_key) is None:
        raise OutcomeUnknownError("the platform's answer to the write has no id")
    return SentReceipt(
        platform_message_id=str(body[id_key]),
        sent_at=parsers.moment(body.get(time_key)) or dt.datetime.now(dt.UTC),
    )


def _with_base_url(connection: AccountConnection, base_url: str) -> AccountConnection:
    return replace(connection, base_url=base_url)
