"""Logging in through a username/password form with an optional one-time-code step.

DESIGN.md §3: a login challenge the connector cannot answer from the account's secret (a
one-time code it was not given, a wrong password, any other security check) raises
``NeedsHumanError`` so that a person is asked; it is never retried blindly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from playwright.async_api import Page as BrowserPage

from huntaze.platforms.base import NeedsHumanError


@dataclass(frozen=True, slots=True)
class LoginSelectors:
    """The login and one-time-code forms of a site."""

    form: str
    username: str
    password: str
    submit: str
    error: str
    otp_code: str
    otp_submit: str
    otp_error: str
    login_path: str = "/login"
    otp_path: str = "/login/code"


def on_login_page(page: BrowserPage, selectors: LoginSelectors) -> bool:
    """Whether the page is the login (or one-time-code) page."""
    return urlparse(page.url).path.startswith(selectors.login_path)


async def login_with_form(
    page: BrowserPage, selectors: LoginSelectors, secret: dict[str, Any], *, after: str
) -> None:
    """Log in with ``secret``'s ``username``/``password`` (and ``otp_code`` when asked).

    ``after`` is a selector that appears once logged in.
    """
    username, password = secret.get("username"), secret.get("password")
    if not username or not password:
        raise NeedsHumanError("The account has no password stored; log in and import a session.")
    await page.goto(selectors.login_path)
    await page.fill(selectors.username, str(username))
    await page.fill(selectors.password, str(password))
    async with page.expect_navigation():
        await page.click(selectors.submit)
    path = urlparse(page.url).path
    if path.startswith(selectors.otp_path):
        code = secret.get("otp_code")
        if not code:
            raise NeedsHumanError("The platform asks for a one-time code; enter it to continue.")
        await page.fill(selectors.otp_code, str(code))
        async with page.expect_navigation():
            await page.click(selectors.otp_submit)
        if urlparse(page.url).path.startswith(selectors.otp_path):
            raise NeedsHumanError("The platform refused the one-time code.")
    elif path.startswith(selectors.login_path):
        shown = await page.locator(selectors.error).all_inner_texts()
        reason = " ".join(shown).strip() or "the login was refused"
        raise NeedsHumanError(f"Logging in failed: {reason}")
    await page.wait_for_selector(after)
