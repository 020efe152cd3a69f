"""A campaign's results page in headless Chromium: an A/B campaign with its winner and synced
revenue reads in plain words and passes axe-core (WCAG 2 A/AA, zero violations); a sending
campaign's progress bar moves by itself (HTMX polling, no inline script). Screenshots in
``test-artifacts/campaigns/``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from tests.campaigns.helpers import make_campaign, make_fans, make_segment
from tests.campaigns.test_results_page import ab_campaign_with_revenue
from tests.conftest import ARTIFACTS
from tests.factories import PASSWORD
from tests.live_server import CHROMIUM, CHROMIUM_ARGS, serve
from tests.outbox.helpers import make_agency
from tests.web.test_browser_security import _axe_violations

from huntaze.campaigns.service import campaigns
from huntaze.core.db import Database, set_database, utcnow
from huntaze.outbox import batch
from huntaze.outbox.models import OutboundMessage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium missing"),
]
SHOTS = ARTIFACTS / "campaigns"


@dataclass
class Shop:
    url: str
    database: Database
    email: str
    done_id: str
    sending_id: str


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Shop]:
    from limits.storage import MemoryStorage

    from huntaze.config import get_settings
    from huntaze.core import migrations
    from huntaze.core.ratelimit import RateLimiter
    from huntaze.main import create_app

    monkeypatch.setattr(batch, "wake_after_commit", lambda *args, **kwargs: None)
    database = Database(f"sqlite:///{tmp_path / 'campaigns.sqlite3'}")
    migrations.upgrade(database.engine)
    set_database(database)
    with database.session_scope() as session:
        agency = make_agency(session)
        done = ab_campaign_with_revenue(session, agency)
        make_fans(session, agency, 30)
        sending = make_campaign(
            session,
            agency,
            make_segment(session, agency, name="Everyone again"),
            name="Tonight's drop",
            exclude_messaged_hours=None,
            batch_size=1_000,
        )
        campaigns.start(session, agency.manager.actor, sending)
        ids = (done.id, sending.id)
        email = agency.manager.user.email
    app = create_app(get_settings(), database=database, rate_limiter=RateLimiter(MemoryStorage()))
    try:
        with serve(app) as url:
            yield Shop(url, database, email, *ids)
    finally:
        set_database(None)
        database.dispose()


def _log_in(browser: Any, url: str, email: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{url}/login?next=/campaigns")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/campaigns")
    return page


def test_results_page_reads_plainly_passes_axe_and_its_progress_moves(shop: Shop) -> None:
    from playwright.sync_api import expect, sync_playwright

    from huntaze.campaigns import dispatch

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = _log_in(browser, shop.url, shop.email)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        page.goto(f"{shop.url}/campaigns/{shop.done_id}/results")
        expect(page.get_by_test_id("lift")).to_contain_text("more on average than a held-out")
        expect(page.get_by_test_id("lift")).to_contain_text("would show up by chance")
        expect(page.get_by_test_id("variant-Bold")).to_contain_text("winner")
        assert _axe_violations(page) == []
        page.screenshot(path=str(SHOTS / "01-results-ab-winner.png"), full_page=True)

        page.goto(f"{shop.url}/campaigns/{shop.sending_id}/results")
        # Started: the worker froze the audience and queued the messages, none sent yet.
        expect(page.get_by_test_id("state")).to_have_text("sending")
        expect(page.get_by_test_id("sent")).to_have_text("0")
        assert _axe_violations(page) == []
        # The outbox sends them: the bar on the open page follows without a reload.
        dispatch.advance(shop.sending_id)
        with shop.database.session_scope() as session:
            session.execute(
                update(OutboundMessage)
                .where(OutboundMessage.source_id == shop.sending_id)
                .values(state="sent", sent_at=utcnow())
            )
        expect(page.get_by_test_id("sent")).not_to_have_text("0", timeout=10_000)
        page.screenshot(path=str(SHOTS / "02-results-progress.png"), full_page=True)
        assert not errors, errors
        browser.close()
