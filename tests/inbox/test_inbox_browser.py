"""The conversation view in headless Chromium under the strict CSP: the assistant's reading and
drafts arrive after the page opens, the best draft is in the reply box, the others one key away,
"?" lists the shortcuts, Ctrl+Enter sends; a fan who says he is 16 is flagged "needs a manager"
with no draft. axe-core finds no WCAG 2 A/AA violation. Screenshots in
``test-artifacts/inbox/``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.conftest import ARTIFACTS
from tests.factories import PASSWORD, Member
from tests.inbox.helpers import fan_who_wrote
from tests.live_server import CHROMIUM, CHROMIUM_ARGS, serve
from tests.outbox.helpers import make_agency

from huntaze.core.db import Database, set_database
from huntaze.inbox.models import SavedReply
from huntaze.outbox.models import OutboundMessage

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium missing"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core missing (make node-deps)"),
]
SHOTS = ARTIFACTS / "inbox"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class Floor:
    url: str
    database: Database
    chatter: Member
    fan_id: str
    minor_id: str


@pytest.fixture
def floor(tmp_path: Path, warm_assistant: None) -> Iterator[Floor]:
    from limits.storage import MemoryStorage

    from huntaze.config import get_settings
    from huntaze.core import migrations
    from huntaze.core.ratelimit import RateLimiter
    from huntaze.main import create_app

    database = Database(f"sqlite:///{tmp_path / 'inbox.sqlite3'}")
    migrations.upgrade(database.engine)
    with database.session_scope() as session:
        agency = make_agency(session)
        fan = fan_who_wrote(
            session, agency, "hi!", "hey, how was your day? 😊", name="Mia", bought_cents=1500
        )
        minor = fan_who_wrote(session, agency, "hey", "im 16 is that ok", name="Kid")
        session.add(
            SavedReply(
                organization_id=agency.owner.organization.id,
                title="Thank you",
                text="Thank you {fan_name}, enjoy {last_purchase}!",
            )
        )
        people = agency.chatter
        ids = (fan.id, minor.id)
    set_database(database)
    app = create_app(get_settings(), database=database, rate_limiter=RateLimiter(MemoryStorage()))
    try:
        with serve(app) as url:
            yield Floor(url, database, people, *ids)
    finally:
        set_database(None)
        database.dispose()


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


def test_the_conversation_view_with_the_assistant_and_the_keyboard(floor: Floor) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(f"{floor.url}/login?next=/inbox/{floor.fan_id}")
        page.fill("#email", floor.chatter.user.email)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{floor.url}/inbox/{floor.fan_id}")

        drafts = page.get_by_test_id("drafts")
        expect(drafts).to_be_visible()
        best = drafts.locator("[data-use-draft='1']").get_attribute("data-draft-text")
        assert best
        # The page's script fills the reply box after the panel is swapped in: wait for it.
        expect(page.locator("#r-text")).to_have_value(best)
        expect(page.locator("#r-suggested")).to_have_value(best)
        page.locator("body").click(position={"x": 5, "y": 5})
        page.keyboard.press("?")
        expect(page.get_by_test_id("shortcuts")).to_have_attribute("open", "")
        assert _axe_violations(page) == []
        page.screenshot(path=str(SHOTS / "01-conversation-assistant.png"), full_page=True)

        second = drafts.locator("[data-use-draft='2']")
        if second.count():
            page.keyboard.press("2")
            assert page.locator("#r-text").input_value() == second.get_attribute("data-draft-text")
            page.keyboard.press("Escape")
            page.keyboard.press("1")
            page.keyboard.press("Escape")
        page.keyboard.press("r")
        page.keyboard.press("End")
        page.keyboard.type(" xx")
        with page.expect_navigation():
            page.keyboard.press("Control+Enter")
        expect(page.get_by_test_id("pending")).to_contain_text(best + " xx")
        page.screenshot(path=str(SHOTS / "02-sent-from-the-keyboard.png"), full_page=True)

        page.goto(f"{floor.url}/inbox/{floor.minor_id}")
        expect(page.get_by_test_id("needs-manager")).to_contain_text("minor")
        assert page.get_by_test_id("drafts").count() == 0
        assert page.locator("#r-text").input_value() == ""
        assert _axe_violations(page) == []
        page.screenshot(path=str(SHOTS / "03-flagged-needs-a-manager.png"), full_page=True)
        browser.close()
    assert problems == []
    with floor.database.session_scope() as session:
        row = session.scalars(select(OutboundMessage)).one()
        assert (row.state, row.author_kind, row.text) == (
            "queued",
            "ai_draft_approved",
            best + " xx",
        )
