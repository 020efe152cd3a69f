"""The fan CRM in headless Chromium: a manager opens /fans, filters it, saves a view, opens a fan,
writes the pinned note, a note, a tag and a field; axe-core finds no WCAG 2 A/AA violation on
either page (nor on a refused form). Screenshots in ``test-artifacts/fans/``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import ARTIFACTS
from tests.factories import PASSWORD, Member
from tests.fans.helpers import seed_fans
from tests.live_server import CHROMIUM, CHROMIUM_ARGS, serve
from tests.outbox.helpers import make_agency

from huntaze.core.db import Database, set_database

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium missing"),
]
SHOTS = ARTIFACTS / "fans"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class Shop:
    url: str
    manager: Member
    fans: dict[str, str]


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    from limits.storage import MemoryStorage

    from huntaze.config import get_settings
    from huntaze.core import migrations
    from huntaze.core.ratelimit import RateLimiter
    from huntaze.main import create_app

    database = Database(f"sqlite:///{tmp_path / 'fans.sqlite3'}")
    migrations.upgrade(database.engine)
    with database.session_scope() as session:
        agency = make_agency(session)
        fans = {name: fan.id for name, fan in seed_fans(session, agency).items()}
        manager = agency.manager
        session.expunge_all()
    set_database(database)
    app = create_app(get_settings(), database=database, rate_limiter=RateLimiter(MemoryStorage()))
    try:
        with serve(app) as url:
            yield Shop(url, manager, fans)
    finally:
        set_database(None)
        database.dispose()


def _axe(page: Any) -> list[str]:
    page.evaluate(AXE.read_text())
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, help: v.help,
                nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' ' + n.failureSummary),
            }));
        }""",
        WCAG_TAGS,
    )
    return [f"{v['id']}: {v['help']} — {v['nodes']}" for v in found]


def test_the_fan_list_and_a_fan_page_in_the_browser(shop: Shop) -> None:
    from playwright.sync_api import expect, sync_playwright

    assert AXE.exists(), "axe-core is missing: run `make node-deps` (npm ci)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{shop.url}/login?next=/fans")
        page.fill("#email", shop.manager.user.email)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{shop.url}/fans")
        expect(page.get_by_test_id("fan-count")).to_have_text("3 fans")
        assert _axe(page) == []
        page.screenshot(path=str(SHOTS / "fans-list.png"), full_page=True)

        page.select_option("#f-state", "active")
        page.select_option("#f-sort", "spend")
        with page.expect_navigation():
            page.click("[data-testid=fan-filters] button[type=submit]")
        expect(page.get_by_test_id("fan-count")).to_have_text("2 fans")
        page.fill("#v-name", "Active by spend")
        with page.expect_navigation():
            page.click("[data-testid=save-view] button[type=submit]")
        expect(page.get_by_test_id("saved-views")).to_contain_text("Active by spend")
        assert _axe(page) == []
        page.screenshot(path=str(SHOTS / "fans-list-filtered.png"), full_page=True)

        page.goto(f"{shop.url}/fans/{shop.fans['leo']}")
        page.fill("#p-text", "Likes: beach sets\nBuys: PPV up to $150")
        with page.expect_navigation():
            page.click("[data-testid=pinned-note] button[type=submit]")
        page.fill("#n-text", "Asked for a custom video on Friday")
        with page.expect_navigation():
            page.click("[data-testid=notes] button[type=submit]")
        page.fill("#t-tag", "whale")
        with page.expect_navigation():
            page.click("[data-testid=tags] form:not(.inline) button[type=submit]")
        page.fill("#c-key", "birthday")
        page.fill("#c-value", "14 March")
        with page.expect_navigation():
            page.click("[data-testid=custom-fields] form:not(.inline) button[type=submit]")
        expect(page.get_by_test_id("notes")).to_contain_text("custom video")
        expect(page.get_by_test_id("tags")).to_contain_text("whale")
        expect(page.get_by_test_id("custom-fields")).to_contain_text("14 March")
        expect(page.locator("[data-score=ppv_buy_rate]")).to_contain_text("100%")
        assert _axe(page) == []
        page.screenshot(path=str(SHOTS / "fan-page.png"), full_page=True)

        page.fill("#t-tag", "<not a tag>")
        with page.expect_navigation():
            page.click("[data-testid=tags] form:not(.inline) button[type=submit]")
        expect(page.get_by_test_id("error-tag")).to_be_visible()
        assert _axe(page) == []
        page.screenshot(path=str(SHOTS / "fan-page-refused-tag.png"), full_page=True)
        browser.close()
    # The refused form answers 422, which Chromium logs as a failed load; nothing else may.
    assert [e for e in errors if "status of 422" not in e] == []
