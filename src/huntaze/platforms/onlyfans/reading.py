"""Reading the web app's lists page by page (DESIGN.md §3 "The OnlyFans connector").

Each function opens a page of the app, reads the JSON it fetches through a :class:`Tap`, and
clicks the app's own "more" control while ``hasMore`` says there is more (at most
``pages.MAX_PAGES`` times). The creator's own id comes from ``/users/me``, which the app
fetches on every page load.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.async_api import Page as BrowserPage

from huntaze.platforms.base import EarningEntry, PlatformMessage
from huntaze.platforms.onlyfans import pages, parsers
from huntaze.platforms.onlyfans.traffic import Tap

Item = dict[str, Any]
# The app asks for the full chat list and, beside it, the unread ones only.
ALL_CHATS = {"filter": None}


async def open_app(page: BrowserPage, traffic: Tap, path: str) -> str:
    """Go to a page of the app; the creator's own user id."""
    await page.goto(path)
    return parsers.me_id(await traffic.json(pages.API_ME))


async def moved_chats(page: BrowserPage, traffic: Tap, last_id: int) -> list[str]:
    """Fan ids of the chats whose latest message is newer than ``last_id``."""
    await open_app(page, traffic, pages.CHATS_PAGE)
    items, more = parsers.page(await traffic.json(pages.API_CHATS, query=ALL_CHATS), "chats")
    moved: list[str] = []
    for _ in range(pages.MAX_PAGES):
        older_seen = False
        for chat in items:
            last = chat.get("lastMessage") or {}
            user = chat.get("withUser") or {}
            if last.get("id") is not None and int(last["id"]) > last_id and user.get("id"):
                moved.append(str(user["id"]))
            elif not chat.get("unreadMessagesCount"):
                older_seen = True
        if not more or (older_seen and last_id):
            break
        await page.click(pages.CHATS_MORE)
        items, more = parsers.page(await traffic.json(pages.API_CHATS, query=ALL_CHATS), "chats")
    return moved


async def chat(
    page: BrowserPage, traffic: Tap, fan_id: str, *, stop: Callable[[Item], bool]
) -> list[PlatformMessage]:
    """A chat's messages, newest first, loading older ones until ``stop(item)``."""
    path = pages.API_MESSAGES.format(fan_id=fan_id)
    me = await open_app(page, traffic, pages.CHAT_PAGE.format(fan_id=fan_id))
    items, more = parsers.page(await traffic.json(path), "chat messages")
    for _ in range(pages.MAX_PAGES):
        if not (more and items and not stop(items[-1])):
            break
        await page.click(pages.MESSAGES_OLDER)
        batch, more = parsers.page(await traffic.json(path), "chat messages")
        items += batch
    return [parsers.message(item, fan_id, me) for item in items]


async def statements(
    page: BrowserPage, traffic: Tap, since: dt.datetime | None
) -> list[EarningEntry]:
    """Statement entries, newest first, back to ``since`` (all of them when None)."""
    await open_app(page, traffic, pages.STATEMENTS_PAGE)
    items, more = parsers.page(await traffic.json(pages.API_TRANSACTIONS), "transactions")
    entries = [parsers.earning(item) for item in items]
    for _ in range(pages.MAX_PAGES):
        if not more or not entries or (since is not None and entries[-1].occurred_at < since):
            break
        await page.click(pages.STATEMENTS_MORE)
        items, more = parsers.page(await traffic.json(pages.API_TRANSACTIONS), "transactions")
        entries += [parsers.earning(item) for item in items]
    return entries


async def posts(page: BrowserPage, traffic: Tap, *, until: dt.datetime) -> list[Item]:
    """The creator's published posts, newest first, back to ``until``."""
    me = await open_app(page, traffic, pages.POSTS_PAGE)
    path = pages.API_USER_POSTS.format(user_id=me)
    items, more = parsers.page(await traffic.json(path), "posts")
    for _ in range(pages.MAX_PAGES):
        oldest = parsers.moment(items[-1].get("postedAt")) if items else None
        if not more or oldest is None or oldest < until:
            break
        await page.click(pages.POSTS_MORE)
        batch, more = parsers.page(await traffic.json(path), "posts")
        items += batch
    return items
