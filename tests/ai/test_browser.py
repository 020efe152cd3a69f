"""A person in headless Chromium sets up AI: adds an OpenAI-compatible provider (a real
llama.cpp server on loopback), tests its connection, routes a task to it, then reads usage."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import ARTIFACTS
from tests.live_server import CHROMIUM, CHROMIUM_ARGS, log_in_as_demo, serve_demo

from .conftest import LlamaServer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium missing"),
]
SHOTS = ARTIFACTS / "ai"


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    with serve_demo(tmp_path) as url:
        yield url


def test_add_provider_route_a_task_and_read_usage(base_url: str, llama_server: LlamaServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        log_in_as_demo(page, base_url, "/ai/settings")
        expect(page.get_by_test_id("providers")).to_contain_text("local")
        page.screenshot(path=str(SHOTS / "01-settings-embedded-only.png"), full_page=True)

        page.fill("#p-name", "llama-server")
        page.select_option("#p-kind", "openai_compatible")
        page.fill("#p-base_url", llama_server.base_url)
        page.fill("#p-model", "smollm2-server")
        page.fill("#p-api_key", "sk-browser-secret-42")
        page.click("text=Add provider")
        expect(page.get_by_test_id("saved")).to_contain_text("provider stored")
        row = page.locator("tr[data-provider=llama-server]")
        expect(row).to_contain_text("set")
        expect(page.locator("body")).not_to_contain_text("sk-browser-secret-42")

        page.get_by_test_id("test-llama-server").click()
        expect(page.locator("#test-llama-server [data-testid=test-result]")).to_have_attribute(
            "data-ok", "true", timeout=30_000
        )
        page.select_option('select[name="provider__content.caption"]', "llama-server")
        page.fill("#monthly_cap", "20")
        page.screenshot(path=str(SHOTS / "02-provider-tested.png"), full_page=True)
        page.click("text=Save routes and caps")
        expect(page.get_by_test_id("saved")).to_contain_text("routes and caps")
        expect(page.get_by_test_id("in-use-content.caption")).to_contain_text("llama-server")
        page.screenshot(path=str(SHOTS / "03-task-routed.png"), full_page=True)

        page.click('nav >> text="AI"')  # exact: "Campaigns" holds "ai" too
        expect(page.get_by_test_id("org-cap")).to_contain_text("of $20.00 cap")
        expect(page.get_by_test_id("by-task")).to_contain_text("provider.test")
        expect(page.get_by_test_id("by-model")).to_contain_text("openai_compatible")
        page.screenshot(path=str(SHOTS / "04-usage.png"), full_page=True)
        browser.close()
