"""Acceptance 1, in headless Chromium: two chatters on one shift and a manager; fans write; each
chatter gets chats up to capacity in value order; one chatter goes silent and the chat moves to
the other after N minutes; at clock-out the handover lists the open promise planted in a
conversation. Screenshots in ``test-artifacts/team/``."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from tests.conftest import ARTIFACTS
from tests.factories import PASSWORD, Member
from tests.live_server import CHROMIUM, CHROMIUM_ARGS, serve
from tests.team.helpers import make_team, shift_running, waiting_fan

from huntaze.core.db import Database, set_database, utcnow
from huntaze.team.models import ChatAssignment
from huntaze.team.schemas import TeamSettingsIn
from huntaze.team.service import team

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium missing"),
]
SHOTS = ARTIFACTS / "team"
SILENT_MINUTES = 2


@dataclass
class Floor:
    url: str
    database: Database
    first: Member
    second: Member
    manager: Member
    fans: dict[str, str]


@pytest.fixture
def floor(tmp_path: Path) -> Iterator[Floor]:
    from limits.storage import MemoryStorage

    from huntaze.config import get_settings
    from huntaze.core import migrations
    from huntaze.core.ratelimit import RateLimiter
    from huntaze.main import create_app

    database = Database(f"sqlite:///{tmp_path / 'team.sqlite3'}")
    migrations.upgrade(database.engine)
    now = utcnow()
    minutes = dt.timedelta(minutes=1)
    with database.session_scope() as session:
        crew = make_team(session)
        team.save_settings(
            session,
            crew.manager.actor,
            TeamSettingsIn(default_capacity=2, silent_reassign_minutes=SILENT_MINUTES),
        )
        shift_running(
            session,
            crew,
            chatters=[crew.chatter, crew.second],
            creator_ids=[crew.creator_id],
            now=now,
        )
        # Priority = minutes waited × (1 + spent/$100 + 0.5 × extra unread messages).
        specs = [
            ("Whale", 5, 1, 50_000),
            ("Regular", 8, 1, 10_000),
            ("Chatty", 6, 3, 0),
            ("Newbie", 9, 1, 0),
            ("Quiet", 2, 1, 0),
        ]
        fans = {
            name: waiting_fan(
                session,
                crew,
                str(n),
                name=name,
                waited=waited * minutes,
                unread=unread,
                spent_cents=spent,
                now=now,
            ).id
            for n, (name, waited, unread, spent) in enumerate(specs, start=1)
        }
        people = (crew.chatter, crew.second, crew.manager)
    set_database(database)
    app = create_app(get_settings(), database=database, rate_limiter=RateLimiter(MemoryStorage()))
    try:
        with serve(app) as url:
            yield Floor(url, database, *people, fans=fans)
    finally:
        set_database(None)
        database.dispose()


def _log_in(browser: Any, url: str, member: Member) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{url}/login?next=/my-shift")
    page.fill("#email", member.user.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/my-shift")
    return page


def _next_chat(page: Any, floor: Floor) -> str:
    """Ask for the next chat; the fan it opened, or the note shown instead."""
    page.goto(f"{floor.url}/my-shift")
    with page.expect_navigation():
        page.get_by_test_id("next-chat").click()
    if "/inbox/" in page.url:
        fan_id = page.url.rsplit("/", 1)[-1]
        return next(name for name, known in floor.fans.items() if known == fan_id)
    return str(page.get_by_test_id("note").inner_text())


def _reply(page: Any, text: str) -> None:
    page.fill("#r-text", text)
    with page.expect_navigation():
        page.click("[data-testid=reply] button[value=draft]")


def test_two_chatters_a_manager_and_the_queue(floor: Floor) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        first = _log_in(browser, floor.url, floor.first)
        second = _log_in(browser, floor.url, floor.second)
        manager = _log_in(browser, floor.url, floor.manager)

        offline = _next_chat(first, floor) if first.get_by_test_id("next-chat").count() else ""
        assert offline == ""  # nobody clocked in: no "Next chat" button at all
        for page in (first, second):
            page.get_by_test_id("clock-in").click()
            expect(page.get_by_test_id("clock-state")).to_contain_text("Clocked in")
        first.screenshot(path=str(SHOTS / "01-my-shift-queue.png"), full_page=True)

        assert _next_chat(first, floor) == "Whale"
        assert _next_chat(first, floor) == "Regular"
        assert "capacity" in _next_chat(first, floor)
        assert _next_chat(second, floor) == "Chatty"
        assert _next_chat(second, floor) == "Newbie"
        assert "capacity" in _next_chat(second, floor)

        # The first chatter answers the Whale with a promise, then stays silent on the Regular.
        first.goto(f"{floor.url}/inbox/{floor.fans['Whale']}")
        _reply(first, "I'll send you the full beach video tomorrow, promise 😘")
        second.goto(f"{floor.url}/inbox/{floor.fans['Chatty']}")
        _reply(second, "hey you! sorry for the wait")
        second.goto(f"{floor.url}/inbox/{floor.fans['Regular']}")
        _reply(second, "hi there")
        expect(second.locator("main")).to_contain_text("Another chatter holds")
        second.screenshot(path=str(SHOTS / "02-held-by-another.png"), full_page=True)

        with floor.database.session_scope() as session:
            session.execute(
                update(ChatAssignment)
                .where(ChatAssignment.fan_id == floor.fans["Regular"])
                .values(assigned_at=utcnow() - dt.timedelta(minutes=SILENT_MINUTES + 1))
            )
        assert _next_chat(second, floor) == "Regular"
        second.screenshot(path=str(SHOTS / "03-silent-chat-moved.png"), full_page=True)

        first.goto(f"{floor.url}/my-shift")
        with first.expect_navigation():
            first.get_by_test_id("clock-out").click()
        expect(first.get_by_test_id("note")).to_contain_text("Clocked out")
        second.goto(f"{floor.url}/my-shift")
        handover = second.get_by_test_id("handover")
        expect(handover).to_contain_text("full beach video tomorrow")
        expect(handover).to_contain_text("Whale")
        second.screenshot(path=str(SHOTS / "04-handover.png"), full_page=True)

        manager.goto(f"{floor.url}/shifts")
        expect(manager.get_by_test_id("calendar")).to_contain_text("UTC")
        expect(manager.get_by_test_id("chatters")).to_contain_text("clocked in")
        manager.screenshot(path=str(SHOTS / "05-shifts-calendar.png"), full_page=True)
        manager.goto(f"{floor.url}/leaderboard")
        expect(manager.get_by_test_id("leaderboard")).to_be_visible()
        manager.screenshot(path=str(SHOTS / "06-leaderboard.png"), full_page=True)
        browser.close()
