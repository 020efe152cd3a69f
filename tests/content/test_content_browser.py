"""In headless Chromium: the vault with how each item sells, an item's page with who received
or bought it and its price history, the calendar with its heat grid, where a suggested slot
becomes a planned post in one click, and captions for Instagram previewed and planned; axe-core
finds no WCAG 2 A/AA violation on any of them. Screenshots in ``test-artifacts/content/``."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.ai.doubles import ScriptedProvider
from tests.conftest import ARTIFACTS
from tests.content.sales import make_shop
from tests.factories import PASSWORD, Member
from tests.live_server import CHROMIUM, CHROMIUM_ARGS, serve

from huntaze.ai.providers.base import CompletionRequest
from huntaze.ai.router import AIRouter
from huntaze.ai.service import ai
from huntaze.core.db import Database, set_database, utcnow
from huntaze.storage.blobs import LocalBlobStore

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium missing"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core missing (make node-deps)"),
]
SHOTS = ARTIFACTS / "content"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class Studio:
    url: str
    owner: Member
    creator_id: str
    item_id: str


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[Studio]:
    from limits.storage import MemoryStorage

    from huntaze.config import get_settings
    from huntaze.core import migrations
    from huntaze.core.ratelimit import RateLimiter
    from huntaze.main import create_app

    settings = get_settings().model_copy(update={"data_dir": tmp_path, "blob_backend": "local"})
    database = Database(f"sqlite:///{tmp_path / 'content.sqlite3'}")
    migrations.upgrade(database.engine)
    now = utcnow()
    with database.session_scope() as session:
        shop = make_shop(session, LocalBlobStore(settings.blob_dir))
        beach = shop.item(seed=1, folder="Beach")
        shop.item(seed=2, folder="Gym")
        fans = [shop.fan(name, time_zone="UTC") for name in ("whale", "regular", "newbie")]
        shop.send(fans[0], [beach.id], price_cents=1500, bought=True, paid_cents=1500)
        shop.send(fans[1], [beach.id], price_cents=1500, at=now - dt.timedelta(days=6))
        shop.send(fans[2], [beach.id])
        for week in range(8):
            for fan in fans:
                evening = now - dt.timedelta(weeks=week, days=1)
                shop.paid(fan, 500, at=evening.replace(hour=21, minute=10))
        ids = (shop.owner, shop.creator.id, beach.id)
    set_database(database)
    app = create_app(settings, database=database, rate_limiter=RateLimiter(MemoryStorage()))
    model = ScriptedProvider([_model_answer], name="local")
    ai.use_router(AIRouter(recorder=ai.recorder, providers={"local": model}))
    try:
        with serve(app) as url:
            yield Studio(url, *ids)
    finally:
        ai.use_router(None)
        set_database(None)
        database.dispose()


def _model_answer(request: CompletionRequest) -> str:
    """The local model's place taken by a script (the process boundary): a caption, hashtags."""
    if "hashtags" in (request.json_schema or {}).get("properties", {}):
        return json.dumps({"hashtags": ["#beach", "#goldenhour", "#nsfw", "#sunset"]})
    return json.dumps({"caption": "Golden hour at the beach, all for you 🌅"})


def _axe_violations(page: Any) -> list[str]:
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


def test_vault_item_and_calendar_in_a_browser(studio: Studio) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        vault_path = f"/creators/{studio.creator_id}/vault"
        page.goto(f"{studio.url}/login?next={vault_path}")
        page.fill("#email", studio.owner.user.email)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{studio.url}{vault_path}")

        page.fill("#l-folder", "Beach")
        page.fill("#l-steps", "15, 12, 9")
        with page.expect_navigation():
            page.get_by_test_id("ladder-form").locator("button").click()
        expect(page.get_by_test_id("ladders")).to_contain_text("15.00 → 12.00 → 9.00")
        expect(page.get_by_test_id(f"perf-{studio.item_id}")).to_contain_text("2 offers · 1 bought")
        assert _axe_violations(page) == []
        page.screenshot(path=str(SHOTS / "01-vault.png"), full_page=True)

        page.goto(f"{studio.url}/vault/{studio.item_id}")
        fans = page.get_by_test_id("item-fans")
        expect(fans.locator("tr", has_text="whale")).to_contain_text("bought")
        expect(fans.locator("tr", has_text="regular")).to_contain_text("not bought")
        expect(fans.locator("tr", has_text="regular")).to_contain_text("12.00 USD")  # next step
        expect(fans.locator("tr", has_text="newbie")).to_contain_text("sent free")
        expect(page.get_by_test_id("price-history")).to_contain_text("ladder of Beach")
        assert _axe_violations(page) == []
        page.screenshot(path=str(SHOTS / "02-item.png"), full_page=True)

        page.goto(f"{studio.url}/creators/{studio.creator_id}/calendar")
        expect(page.get_by_test_id("heat-grid")).to_be_visible()
        # 24 tips and the whale's PPV: still fewer than the 50 the model wants to be sure.
        expect(page.get_by_test_id("evidence")).to_contain_text("only 25 purchase and tip events")
        assert _axe_violations(page) == []
        page.screenshot(path=str(SHOTS / "03-calendar.png"), full_page=True)
        with page.expect_navigation():
            page.get_by_test_id("slots").locator("button").first.click()
        expect(page.get_by_test_id("planned-post").first).to_contain_text("onlyfans")
        assert _axe_violations(page) == []
        page.screenshot(path=str(SHOTS / "04-planned.png"), full_page=True)

        page.fill("#c-topic", "golden hour beach set")
        page.select_option("#c-platform", "instagram")
        page.check("#c-model")
        with page.expect_navigation():
            page.get_by_test_id("caption-form").locator("button").click()
        previews = page.get_by_test_id("caption-preview")
        expect(previews.first).to_contain_text("Golden hour at the beach")
        expect(previews.first).to_contain_text("#goldenhour")
        expect(previews.first).not_to_contain_text("#nsfw")  # shadow-banned on Instagram
        assert _axe_violations(page) == []
        page.screenshot(path=str(SHOTS / "05-caption-preview.png"), full_page=True)
        with page.expect_navigation():
            previews.first.locator("button").click()
        expect(page.get_by_test_id("week")).to_contain_text("Golden hour at the beach")
        browser.close()
    assert errors == []
