"""A creator in Chromium sends a PPV and sees the purchase in statements, on both skins.

DESIGN.md §3. Screenshots go to ``test-artifacts/simulator/`` at the repository root.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.simulator.conftest import ADMIN, LiveServer

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "simulator"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian Chromium is not installed")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def forced_big_spender(http: httpx.Client, username: str) -> dict[str, Any]:
    fans = http.get(f"/_admin/accounts/{username}/fans?profile=big_spender", headers=ADMIN).json()
    fan: dict[str, Any] = next(f for f in fans["items"] if f["status"] == "active")
    http.patch(
        f"/_admin/accounts/{username}/fans/{fan['id']}", json={"force_buy": True}, headers=ADMIN
    )
    return fan


def test_classic_ppv_purchase_shows_in_statements(browser: Any, live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, timeout=10) as http:
        fan = forced_big_spender(http, "creator1")
        page = browser.new_page(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
        page.goto("/login")
        page.get_by_test_id("login-username").fill("creator1")
        page.get_by_test_id("login-password").fill("simulator")
        page.get_by_test_id("login-submit").click()
        page.wait_for_url("**/my/chats")
        page.screenshot(path=ARTIFACTS / "classic-chats.png")
        page.goto(f"/my/chats/{fan['id']}")
        page.get_by_test_id("composer-text").fill("Something special just for you 💋")
        page.get_by_test_id("composer-price").fill("12.50")
        page.get_by_test_id("vault-picker").locator("summary").click()
        page.get_by_test_id("vault-pick-1").check()
        page.get_by_test_id("composer-send").click()
        sent = page.locator("[data-testid=message][data-from=creator]").last
        assert "Something special" in sent.inner_text()
        page.screenshot(path=ARTIFACTS / "classic-chat.png")
        http.post("/_admin/tick", json={"hours": 1}, headers=ADMIN)
        page.goto("/my/statements/earnings")
        row = page.locator(
            f"[data-testid=transaction-row][data-kind=ppv][data-fan-id='{fan['id']}']"
        )
        assert row.first.get_by_test_id("transaction-amount").inner_text() == "$12.50"
        page.screenshot(path=ARTIFACTS / "classic-statements.png")
        page.goto("/my/fans")
        page.screenshot(path=ARTIFACTS / "classic-fans.png")
        page.close()


def test_api2_ppv_purchase_shows_in_statements(browser: Any, live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, timeout=10) as http:
        fan = forced_big_spender(http, "creator2")
        http.patch("/_admin/accounts/creator2", json={"otp_enabled": True}, headers=ADMIN)
        code = http.get("/_admin/accounts/creator2/otp", headers=ADMIN).json()["code"]
        page = browser.new_page(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
        page.goto("/login")
        page.fill("input[name=username]", "creator2")
        page.fill("input[name=password]", "simulator")
        page.click("button[type=submit]")
        page.wait_for_url("**/login/code")
        page.fill("input[name=code]", code)
        page.click("button[type=submit]")
        page.wait_for_selector(".b-chats__item")
        page.screenshot(path=ARTIFACTS / "api2-chats.png")
        page.goto(f"/my/chats/chat/{fan['id']}")
        page.wait_for_selector("#app[data-ready='1']")
        page.fill(".b-chat__text-field", "Unlock my new set, only for you")
        page.fill(".b-chat__price-input", "12.5")
        page.click(".b-chat__btn-submit")
        page.wait_for_selector(".b-make-post__error:has-text('needs at least one media')")
        page.click(".b-chat__btn-media")
        page.locator(".b-vault-picker__check").first.check()
        page.click(".b-chat__btn-submit")
        page.wait_for_selector(".b-chat__message.m-from-me:has-text('Unlock my new set')")
        page.screenshot(path=ARTIFACTS / "api2-chat.png")
        http.post("/_admin/tick", json={"hours": 1}, headers=ADMIN)
        page.goto("/my/statements/earnings")
        item = page.locator(f".b-payouts__item.m-ppv:has-text('@{fan['username']}')")
        item.first.wait_for()
        assert item.first.locator(".b-payouts__item__amount").inner_text() == "$12.50"
        page.screenshot(path=ARTIFACTS / "api2-statements.png")
        page.goto("/my/collections/user-lists/subscribers/active")
        page.wait_for_selector(".b-users__item")
        page.screenshot(path=ARTIFACTS / "api2-fans.png")
        page.close()
