"""A person in headless Chromium: log in, create a creator with a persona, invite a teammate."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import ARTIFACTS
from tests.live_server import CHROMIUM, CHROMIUM_ARGS, log_in_as_demo, serve_demo

from huntaze.demo import DEMO_EMAIL, DEMO_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium missing"),
]
SHOTS = ARTIFACTS / "web"


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    with serve_demo(tmp_path, link_simulator=True) as url:
        yield url


def test_log_in_create_creator_and_invite(base_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(f"{base_url}/creators")
        expect(page).to_have_url(f"{base_url}/login?next=/creators")
        page.screenshot(path=str(SHOTS / "01-login.png"))
        page.fill("#email", DEMO_EMAIL)
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        expect(page.get_by_test_id("creator-list")).to_contain_text("Luna Rivers")

        page.get_by_test_id("new-creator").click()
        page.fill("#f-display_name", "Nova Vale")
        page.fill("#f-timezone", "Europe/Berlin")
        page.fill("#f-tone", "bubbly and kind")
        page.fill("#f-topics", "dance, travel")
        page.fill("#f-price_min", "abc")
        page.click("text=Create creator")
        expect(page.get_by_test_id("error-price_min")).to_be_visible()
        page.screenshot(path=str(SHOTS / "02-creator-form-error.png"), full_page=True)
        page.fill("#f-price_min", "9.99")
        page.click("text=Create creator")
        expect(page.get_by_test_id("creator-name")).to_have_text("Nova Vale")
        expect(page.locator("#f-topics")).to_have_value("dance, travel")
        page.screenshot(path=str(SHOTS / "03-creator-saved.png"), full_page=True)

        page.click('nav >> text="Team"')
        page.fill("#invite-email", "chatter@agency.example")
        page.select_option("#invite-role", "chatter")
        page.click("[data-testid=invite-form] button[type=submit]")
        expect(page.get_by_test_id("invite-link")).to_contain_text("/invite/")
        expect(page.get_by_test_id("invitations")).to_contain_text("chatter@agency.example")
        page.screenshot(path=str(SHOTS / "04-team-invited.png"), full_page=True)

        page.click('nav >> text="Dashboard"')
        expect(page.get_by_test_id("creator-count")).to_have_text("4")
        page.screenshot(path=str(SHOTS / "05-dashboard.png"), full_page=True)
        browser.close()


def test_try_a_message_on_the_compliance_page(base_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        log_in_as_demo(page, base_url, "/compliance")
        page.fill("#try-text", "love u babe, send the tip to my c@$h app $luna")
        page.click("[data-testid=try-form] button[type=submit]")
        verdict = page.get_by_test_id("verdict")
        expect(verdict).to_have_attribute("data-verdict", "block")
        expect(verdict.locator("mark").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "06-compliance-block.png"), full_page=True)
        page.fill("#try-text", "thank you for the tip babe, new set drops tonight")
        page.click("[data-testid=try-form] button[type=submit]")
        expect(page.get_by_test_id("verdict")).to_have_attribute("data-verdict", "allow")
        browser.close()


def test_write_a_message_in_the_outbox(base_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        log_in_as_demo(page, base_url, "/outbox")
        page.click("[data-testid=compose] summary")
        page.fill("#c-fan", "17")
        page.fill("#c-text", "hey love, add me on snap for a discount")
        page.fill("#c-price", "14.99")
        page.click("button[value=send]")
        row = page.locator("tr[data-state=draft]").first
        expect(row).to_contain_text("PPV 14.99 USD")
        expect(row).to_contain_text("block")
        page.screenshot(path=str(SHOTS / "07-outbox-draft.png"), full_page=True)
        browser.close()
