"""Page objects for the simulator's pages, driven by a :class:`~.skin.Skin` (DESIGN.md §3).

They navigate, read lists as plain ``dict[str, str]`` rows (one round trip per list) and use
the composers; turning rows into schemas is :mod:`.rows`' job. A page that lands on the login
form raises ``SessionExpiredError`` before anything is typed, so a retry after logging in never
repeats an action.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable, Sequence

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page as BrowserPage

from huntaze.platforms.base import OutcomeUnknownError, RejectedError, SessionExpiredError
from huntaze.platforms.browser.login import on_login_page
from huntaze.platforms.simulator_browser.skin import FormSelectors, ListSpec, Pager, Skin

Row = dict[str, str]
_READ_ROWS = """(els, [idAttr, fields]) => els.map((e) => {
  const row = {id: idAttr ? (e.getAttribute(idAttr) || "") : ""};
  for (const [name, spec] of Object.entries(fields)) {
    if (spec.startsWith("@")) { row[name] = e.getAttribute(spec.slice(1)) || ""; }
    else if (spec === ":class") { row[name] = e.className; }
    else if (spec === ":text") { row[name] = e.textContent.trim(); }
    else { const f = e.querySelector(spec); row[name] = f ? f.textContent.trim() : ""; }
  }
  return row;
})"""
POLL_S = 0.05


class SkinPages:
    """The simulator's pages in one skin, on one browser page."""

    def __init__(self, page: BrowserPage, skin: Skin, *, step_timeout_s: float) -> None:
        self.page = page
        self.skin = skin
        self.step_timeout_s = step_timeout_s

    async def open(self, path: str) -> None:
        """Go to ``path`` and wait until it is rendered; raise if it asks to log in."""
        await self.page.goto(path)
        await self.page.wait_for_selector(f"{self.skin.ready}, {self.skin.login.form}")
        if on_login_page(self.page, self.skin.login):
            raise SessionExpiredError("the platform session has expired")

    async def now(self) -> dt.datetime:
        """The platform's clock shown on the page (UTC)."""
        text = (await self.page.inner_text(self.skin.clock)).strip()
        return dt.datetime.strptime(text, self.skin.clock_format).replace(tzinfo=dt.UTC)

    async def rows(self, spec: ListSpec) -> list[Row]:
        """Every item of ``spec`` on the page, read in one go."""
        found: list[Row] = await self.page.locator(spec.item).evaluate_all(
            _READ_ROWS, [spec.id_attr, dict(spec.fields)]
        )
        return found

    async def switch_tab(self, tab: str, loads: str | None) -> None:
        """Click a tab that reloads the list, and wait for what it fetches to be shown."""
        if loads is None:
            async with self.page.expect_navigation():
                await self.page.click(tab)
            return
        async with self.page.expect_response(loads) as fetched:
            await self.page.click(tab)
        await (await fetched.value).finished()
        # The page renders right after the body arrives: one evaluation later it is in the DOM.
        await self.page.evaluate("() => new Promise((done) => setTimeout(done, 0))")

    async def more(self, pager: Pager, spec: ListSpec) -> bool:
        """Load the next items; False when there are none."""
        button = self.page.locator(pager.selector)
        if await button.count() == 0 or not await button.first.is_visible():
            return False
        if not pager.appends:
            async with self.page.expect_navigation():
                await button.first.click()
            await self.page.wait_for_selector(self.skin.ready)
            return True
        before = await self.page.locator(spec.item).count()
        await button.first.click()
        await self._until(
            lambda: self._grew_or_hidden(spec, before, pager), "the next items to load"
        )
        return True

    async def _grew_or_hidden(self, spec: ListSpec, before: int, pager: Pager) -> bool:
        if await self.page.locator(spec.item).count() > before:
            return True
        return not await self.page.locator(pager.selector).first.is_visible()

    async def all_rows(
        self, spec: ListSpec, pager: Pager, stop: Callable[[Row], bool]
    ) -> list[Row]:
        """Rows across pages until ``stop`` says a row is old enough or the list ends."""
        collected: list[Row] = []
        while True:
            fresh = await self.rows(spec)
            page_rows = fresh[len(collected) :] if pager.appends else fresh
            for row in page_rows:
                if stop(row):
                    return collected
                collected.append(row)
            if not await self.more(pager, spec):
                return collected

    async def chat_messages(self, fan_id: str, *, newer_than: int) -> list[Row]:
        """The messages of one chat newer than the message id ``newer_than``."""
        await self.open(self.skin.chat_path.format(fan_id=fan_id))
        rows = await self.rows(self.skin.messages)
        older = self.skin.older_messages
        while older and rows and int(rows[0]["id"]) > newer_than:
            if not await self.more(Pager(older, appends=True), self.skin.messages):
                break
            rows = await self.rows(self.skin.messages)
        return [r for r in rows if int(r["id"]) > newer_than]

    async def send(self, fan_id: str, text: str, price: str | None, media: Sequence[str]) -> Row:
        """Send through the chat composer; the new outbound message's row."""
        await self.open(self.skin.chat_path.format(fan_id=fan_id))
        before = max((int(r["id"]) for r in await self.rows(self.skin.messages)), default=0)
        form = self.skin.composer
        await self._fill(form, text, price, media)
        await self._submit(form)
        return await self._confirmed(
            self.skin.messages,
            lambda r: (
                int(r["id"]) > before
                and self.skin.outbound_token in r["direction"].split()
                and r["text"] == text
            ),
            form,
        )

    async def create_post(self, caption: str, schedule: str | None, media: Sequence[str]) -> Row:
        """Publish (or schedule) through the post composer; the new post's row."""
        await self.open(self.skin.posts_path)
        before = max((int(r["id"]) for r in await self.rows(self.skin.posts)), default=0)
        form = self.skin.post_form
        await self._fill(form, caption, None, media)
        if schedule and form.schedule:
            await self.page.fill(form.schedule, schedule)
        await self._submit(form)
        return await self._confirmed(
            self.skin.posts, lambda r: int(r["id"]) > before and r["text"] == caption, form
        )

    async def mass_message(self, text: str, price: str | None) -> str:
        """Send to every active fan through the mass composer; the confirmation shown."""
        await self.open(self.skin.mass_path)
        form = self.skin.mass_form
        await self._fill(form, text, price, ())
        await self._submit(form)
        assert form.done is not None
        try:
            await self.page.wait_for_selector(f"{form.done}, {form.error}")
        except PlaywrightError as exc:
            raise OutcomeUnknownError(f"no confirmation of the mass message: {exc}") from exc
        if await self.page.locator(form.error).count():
            raise RejectedError((await self.page.inner_text(form.error)).strip())
        return (await self.page.inner_text(form.done)).strip()

    async def _fill(
        self, form: FormSelectors, text: str, price: str | None, media: Sequence[str]
    ) -> None:
        await self.page.fill(form.text, text)
        if price is not None and form.price:
            await self.page.fill(form.price, price)
        if media and form.media_pick:
            if form.media_open:
                await self.page.click(form.media_open)
            for media_id in media:
                await self.page.check(form.media_pick.format(id=media_id))

    async def _submit(self, form: FormSelectors) -> None:
        try:
            if form.navigates:
                async with self.page.expect_navigation():
                    await self.page.click(form.submit)
            else:
                await self.page.click(form.submit)
        except PlaywrightError as exc:
            raise OutcomeUnknownError(f"the platform did not answer the submit: {exc}") from exc

    async def _confirmed(
        self, spec: ListSpec, matches: Callable[[Row], bool], form: FormSelectors
    ) -> Row:
        """Wait for the new item, an error shown by the form, or a login page."""
        deadline = time.monotonic() + self.step_timeout_s
        while time.monotonic() < deadline:
            try:
                if on_login_page(self.page, self.skin.login):
                    raise SessionExpiredError("the session expired while submitting")
                found = [r for r in await self.rows(spec) if matches(r)]
                if found:
                    return found[-1]
                error = self.page.locator(form.error)
                if await error.count() and await error.first.is_visible():
                    raise RejectedError((await error.first.inner_text()).strip())
            except PlaywrightError:
                pass  # the page is still navigating; look again
            await asyncio.sleep(POLL_S)
        raise OutcomeUnknownError("the platform did not show the result in time")

    async def _until(self, condition: Callable[[], object], what: str) -> None:
        deadline = time.monotonic() + self.step_timeout_s
        while time.monotonic() < deadline:
            result = condition()
            if asyncio.iscoroutine(result):
                result = await result
            if result:
                return
            await asyncio.sleep(POLL_S)
        raise TimeoutError(f"timed out waiting for {what}")
