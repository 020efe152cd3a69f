"""Every page in headless Chromium under the strict CSP: no console error, no CSP violation, no
axe-core (WCAG 2 A/AA) violation, and a script payload stored in every field a person can edit
never runs — not on any page, not when any confirmation button is clicked.

The pages are found by walking the application's GET routes, so a new page is checked without
being listed here; a path parameter this file cannot fill fails the test until it is added to
``_path_values``. axe-core comes from npm (``make node-deps``, pinned by package-lock.json).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.conftest import ARTIFACTS
from tests.content.media_files import picture
from tests.live_server import CHROMIUM, CHROMIUM_ARGS, serve

from huntaze.demo import DEMO_EMAIL, DEMO_PASSWORD

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium missing"),
]
SHOTS = ARTIFACTS / "web"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Each part breaks out of a different context: a JavaScript string in an inline handler, an
# HTML attribute, HTML text. Had any part run, a dialog with 3, 4 or 5 would open.
PAYLOAD = "'+alert(3)+'\"><img src=x onerror=alert(4)><script>alert(5)</script>"
EMAIL_PAYLOAD = "x'+alert(3)+'\"><img/src=x/onerror=alert(4)><script>alert(5)</script>@example.com"
RULE_ID = "custom.payload"

# What asks before acting: the data-confirm of static/app.js, and inline handlers (which must
# not exist, but if one came back, clicking it is what would run a payload).
ASKS_FIRST = "[data-confirm], [onclick], form[onsubmit] button, form[data-confirm] button"
# GET routes that answer JSON, plain text, an image or a CSV download, not a page.
NOT_PAGES = {
    "/healthz",
    "/readyz",
    "/metrics",
    "/favicon.ico",
    "/shifts/hours.csv",
    "/leaderboard.csv",
    "/inbox/provenance.csv",
}


@dataclass
class World:
    """The demo with payloads stored through the JSON API, as an owner would type them."""

    url: str
    app: FastAPI
    fan_id: str = ""
    creator_id: str = ""
    account_id: str = ""
    invitation_token: str = ""
    campaign_id: str = ""
    item_id: str = ""
    stored: dict[str, int] = field(default_factory=dict)


@dataclass
class Watch:
    """What a page did that it must not: console errors, CSP violations, alerts."""

    console_errors: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    confirms: list[str] = field(default_factory=list)
    decline_confirms: bool = False

    def clear(self) -> None:
        self.console_errors.clear()
        self.violations.clear()
        self.alerts.clear()


@contextmanager
def _serve_demo_app(data_dir: Path) -> Iterator[tuple[str, FastAPI, str]]:
    from limits.storage import MemoryStorage

    from huntaze.config import get_settings
    from huntaze.core import migrations
    from huntaze.core.db import Database, set_database
    from huntaze.core.ratelimit import RateLimiter
    from huntaze.demo import link_simulator_accounts, load_demo
    from huntaze.main import create_app
    from huntaze.simulator import ensure_demo_accounts

    database = Database(f"sqlite:///{data_dir / 'browser.sqlite3'}")
    migrations.upgrade(database.engine)
    with database.session_scope() as session:
        load_demo(session)
        simulator_accounts = ensure_demo_accounts(data_dir / "sim.sqlite3", fans_per_creator=10)
        link_simulator_accounts(session, simulator_accounts, base_url="http://127.0.0.1:9")
        fan_id = _fan_from_the_platform(session)
    set_database(database)
    app = create_app(get_settings(), database=database, rate_limiter=RateLimiter(MemoryStorage()))
    try:
        with serve(app) as url:
            yield url, app, fan_id
    finally:
        set_database(None)
        database.dispose()


def _fan_from_the_platform(session: Session) -> str:
    """A fan whose name and message carry the payload, stored as a sync stores what it reads:
    fans choose their own names and write what they like."""
    from huntaze.creators.models import PlatformAccount
    from huntaze.fans.service import AccountRef, fans
    from huntaze.inbox.ingest import ingest_messages
    from huntaze.platforms.base import PlatformFan, PlatformMessage

    account = session.scalars(select(PlatformAccount).order_by(PlatformAccount.handle)).first()
    assert account is not None
    ref = AccountRef(
        org=account.organization_id, account_id=account.id, creator_id=account.creator_id
    )
    fan = PlatformFan(platform_fan_id="9001", username=PAYLOAD, display_name=PAYLOAD)
    fans.upsert_from_platform(session, ref, [fan])
    message = PlatformMessage(
        platform_message_id="payload-1",
        platform_fan_id="9001",
        direction="inbound",
        text=PAYLOAD,
        sent_at=dt.datetime.now(dt.UTC),
    )
    ingest_messages(session, ref, [message])
    # Purchases over the last days, so the analytics pages draw bars and list the fan.
    from huntaze.analytics import rollups
    from huntaze.analytics.events import record_events
    from huntaze.inbox.ingest import ingest_earnings
    from huntaze.platforms.base import EarningEntry

    entries = [
        EarningEntry(
            platform_entry_id=f"payload-e{days}",
            kind="ppv" if days % 2 else "tip",
            amount_cents=1000 + 300 * days,
            occurred_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=days),
            platform_fan_id="9001",
        )
        for days in range(6)
    ]
    record_events(session, ref.org, ingest_earnings(session, ref, entries))
    rollups.refresh(session, ref.org)
    return fans.ensure(session, ref, ["9001"])["9001"].id


def _watch(context: Any) -> Watch:
    """Record console errors, CSP violations and dialogs of every page of ``context``."""
    watch = Watch()

    def report_violation(text: str) -> None:
        watch.violations.append(text)

    context.expose_function("__reportCspViolation", report_violation)
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => window.__reportCspViolation("
        "e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + "
        "e.sourceFile + ':' + e.lineNumber));"
    )

    def on_page(page: Any) -> None:
        def on_console(message: Any) -> None:
            if message.type != "error":
                return
            # A 4xx page reports its own status: expected where the page itself is the 404.
            own_status = re.search(r"status of 4\d\d", message.text)
            if not (own_status and message.location.get("url") == page.url):
                watch.console_errors.append(f"{message.text} ({message.location.get('url')})")

        page.on("console", on_console)
        page.on("pageerror", lambda e: watch.console_errors.append(f"page error: {e}"))

        def on_dialog(dialog: Any) -> None:
            if dialog.type == "confirm":
                watch.confirms.append(dialog.message)
                if watch.decline_confirms:
                    dialog.dismiss()
                else:
                    dialog.accept()
            else:
                watch.alerts.append(f"{dialog.type}: {dialog.message}")
                dialog.dismiss()

        page.on("dialog", on_dialog)

    context.on("page", on_page)
    return watch


def _log_in(page: Any, url: str) -> str:
    """Log in as the demo owner; returns the session's CSRF token."""
    page.goto(f"{url}/login")
    page.fill("#email", DEMO_EMAIL)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    assert token
    return str(token)


def _api(page: Any, world: World, csrf: str, method: str, path: str, body: object) -> Any:
    response = page.request.fetch(
        f"{world.url}/api/v1{path}",
        method=method,
        data=json.dumps(body),
        headers={"X-CSRF-Token": csrf, "Content-Type": "application/json"},
    )
    assert response.status < 300, f"{method} {path}: {response.status} {response.text()}"
    return response.json()


def _store_payloads(page: Any, world: World, csrf: str) -> None:
    """Put the payload in every field a person can edit, through the API the pages also use."""
    _api(page, world, csrf, "PATCH", "/organization", {"name": PAYLOAD})
    creator = _api(
        page,
        world,
        csrf,
        "POST",
        "/creators",
        {
            "display_name": PAYLOAD,
            "tone": PAYLOAD,
            "topics": ["dance", PAYLOAD[:40]],
            "boundaries": PAYLOAD,
        },
    )
    world.creator_id = creator["id"]
    shift = {
        "name": PAYLOAD[:80],
        "weekdays": [0, 1, 2, 3, 4, 5, 6],
        "start_time": "00:00",
        "end_time": "23:59",
        "creator_ids": [world.creator_id],
    }
    _api(page, world, csrf, "POST", "/team/shifts", shift)
    upload = page.request.fetch(
        f"{world.url}/api/v1/creators/{world.creator_id}/vault?filename={quote(PAYLOAD)}",
        method="POST",
        data=picture(),
        headers={"X-CSRF-Token": csrf, "Content-Type": "image/png"},
    )
    assert upload.status == 201, upload.text()
    vault_item = {"folder": PAYLOAD[:100], "tags": [PAYLOAD[:40]], "price_cents": 999}
    _api(page, world, csrf, "PATCH", f"/vault/{upload.json()['id']}", vault_item)
    world.item_id = upload.json()["id"]
    ladder = {"folder": PAYLOAD[:100], "steps_cents": [999, 500]}
    _api(page, world, csrf, "PUT", f"/creators/{world.creator_id}/vault/ladders", ladder)
    demo_creators = _api(page, world, csrf, "GET", "/creators", None)
    luna = next(c for c in demo_creators if c["display_name"] == "Luna Rivers")
    accounts = _api(page, world, csrf, "GET", f"/creators/{luna['id']}/platform-accounts", None)
    world.account_id = accounts[0]["id"]
    _api(
        page,
        world,
        csrf,
        "POST",
        f"/creators/{world.creator_id}/platform-accounts",
        {"platform": "simulator", "handle": "payload.account", "base_url": "http://127.0.0.1:9"},
    )
    rule = {
        "rules": [
            {
                "id": RULE_ID,
                "category": "off_platform_payment",
                "severity": "block",
                "reason": PAYLOAD,
                "keywords": ["venmo"],
            }
        ]
    }
    _api(page, world, csrf, "PUT", "/compliance/rules", {"yaml_text": json.dumps(rule)})
    rule["rules"][0]["id"] = f"{RULE_ID}.creator"
    _api(
        page,
        world,
        csrf,
        "PUT",
        f"/creators/{world.creator_id}/compliance-rules",
        {"yaml_text": json.dumps(rule)},
    )
    for text in (f"{PAYLOAD} pay me on venmo", f"{PAYLOAD} thank you"):
        _api(
            page,
            world,
            csrf,
            "POST",
            f"/platform-accounts/{world.account_id}/outbound-messages",
            {"kind": "message", "platform_fan_id": "17", "text": text},
        )
    _api(page, world, csrf, "POST", "/api-keys", {"name": PAYLOAD, "role": "viewer"})
    fan = _api(page, world, csrf, "GET", f"/fans/{world.fan_id}", None)
    segments = f"/platform-accounts/{fan['platform_account_id']}/segments"
    segment_id = _api(page, world, csrf, "POST", segments, {"name": PAYLOAD[:120]})["id"]
    campaign = {"name": PAYLOAD[:120], "text": PAYLOAD + " {{name}}"}
    made = _api(page, world, csrf, "POST", f"/segments/{segment_id}/campaigns", campaign)
    world.campaign_id = made["id"]
    provider = {"name": "payload", "kind": "openai_compatible", "model": PAYLOAD}
    provider["base_url"] = "http://127.0.0.1:9/v1"
    _api(page, world, csrf, "PUT", "/ai/settings", {"providers": [provider]})
    joined = _api(
        page, world, csrf, "POST", "/invitations", {"email": EMAIL_PAYLOAD, "role": "manager"}
    )
    pending = _api(
        page, world, csrf, "POST", "/invitations", {"email": "p" + EMAIL_PAYLOAD, "role": "viewer"}
    )
    world.invitation_token = pending["accept_url"].rsplit("/", 1)[1]
    _join(page.context.browser, joined["accept_url"].rsplit("/", 1)[1], world)


def _join(browser: Any, token: str, world: World) -> None:
    """The invited person joins with the payload as their name, in their own browser."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{world.url}/invite/{token}")
    page.fill("#name", PAYLOAD[:120])
    page.fill("#password", "a long new password 1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{world.url}/")
    context.close()


def _path_values(world: World) -> dict[str, str]:
    return {
        "creator_id": world.creator_id,
        "account_id": world.account_id,
        "token": world.invitation_token,
        "fan_id": world.fan_id,
        "campaign_id": world.campaign_id,
        "item_id": world.item_id,
    }


def _pages(world: World) -> dict[str, str]:
    """Every GET route that is not the JSON API (by its template), its parameters filled in."""
    values = _path_values(world)
    paths = {}
    for route in iter_route_contexts(world.app.router.routes):
        if route.path is None or "GET" not in (route.methods or set()):
            continue
        if route.path.startswith("/api/v1/") or route.path in NOT_PAGES:
            continue
        names = re.findall(r"{(\w+)(?::\w+)?}", route.path)
        missing = [name for name in names if name not in values]
        assert not missing, f"no value for {missing} of {route.path}: add it to _path_values"
        path = route.path
        for name in names:
            path = re.sub(r"{" + name + r"(?::\w+)?}", values[name], path)
        paths[route.path] = path
    return paths


def _axe_violations(page: Any) -> list[str]:
    page.evaluate(AXE.read_text())
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' ' + n.failureSummary),
            }));
        }""",
        WCAG_TAGS,
    )
    return [f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes']}" for v in found]


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[:60] or "home"


def _check_page(page: Any, watch: Watch, url: str, *, shot: str | None = None) -> list[str]:
    """Load ``url``; the problems found on it (empty when the page is clean)."""
    watch.clear()
    response = page.goto(url)
    assert response is not None
    problems = []
    if response.status >= 500:
        problems.append(f"status {response.status}")
    if "'unsafe-inline'" in response.headers.get("content-security-policy", "'unsafe-inline'"):
        problems.append("no strict Content-Security-Policy")
    is_html = response.headers.get("content-type", "").startswith("text/html")
    if is_html:
        problems += [f"axe: {v}" for v in _axe_violations(page)]
    if shot and is_html:
        page.screenshot(path=str(SHOTS / f"security-{shot}.png"), full_page=True)
    problems += [f"console: {e}" for e in watch.console_errors]
    problems += [f"CSP violation: {v}" for v in watch.violations]
    problems += [f"dialog: {a}" for a in watch.alerts]
    return [f"{url}: {p}" for p in problems]


def _check_form_error_page(page: Any, watch: Watch, world: World) -> list[str]:
    """A refused form shows what was typed again: the payload comes back as text there too."""
    page.goto(f"{world.url}/creators/new")
    watch.clear()
    page.fill("#f-display_name", PAYLOAD[:80])
    page.fill("#f-boundaries", PAYLOAD)
    page.fill("#f-price_min", "abc")
    with page.expect_navigation():
        page.click("form[data-testid=creator-form] button[type=submit]")
    assert page.locator("#f-display_name").input_value() == PAYLOAD[:80]
    page.screenshot(path=str(SHOTS / "security-form-error.png"), full_page=True)
    problems = [f"axe: {v}" for v in _axe_violations(page)]
    problems += [f"console: {e}" for e in watch.console_errors]
    problems += [f"CSP violation: {v}" for v in watch.violations]
    problems += [f"dialog: {a}" for a in watch.alerts]
    return [f"creator form with errors: {p}" for p in problems]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from playwright.sync_api import sync_playwright

    with _serve_demo_app(tmp_path_factory.mktemp("security")) as (url, app, fan_id):
        world = World(url=url, app=app, fan_id=fan_id)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            _store_payloads(page, world, _log_in(page, url))
            browser.close()
        yield world


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert AXE.exists(), "axe-core is missing: run `make node-deps` (npm ci)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_every_page_is_clean_under_the_strict_csp(world: World, browser: Any) -> None:
    public = browser.new_context(viewport={"width": 1280, "height": 900})
    public_watch = _watch(public)
    page = public.new_page()
    problems = _check_page(page, public_watch, f"{world.url}/login", shot="login")
    problems += _check_page(
        page, public_watch, f"{world.url}/invite/{world.invitation_token}", shot="invite"
    )

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watch = _watch(context)
    page = context.new_page()
    _log_in(page, world.url)
    pages = _pages(world)
    assert {"/", "/creators", "/outbox", "/team"} <= set(pages)
    pages["/outbox?state=draft"] = "/outbox?state=draft"
    pages["/no-such-page"] = "/no-such-page"
    for template, path in pages.items():
        problems += _check_page(page, watch, world.url + path, shot=_slug(template))
    assert problems == [], "\n".join(problems)

    page.goto(f"{world.url}/creators/{world.creator_id}")
    assert page.get_by_test_id("creator-name").inner_text() == PAYLOAD
    page.goto(f"{world.url}/team")
    assert EMAIL_PAYLOAD in page.get_by_test_id("members").inner_text()
    problems += _check_form_error_page(page, watch, world)
    assert problems == [], "\n".join(problems)
    page.goto(f"{world.url}/compliance")
    with page.expect_navigation():
        page.select_option("#scope", world.creator_id)
    assert f"creator={world.creator_id}" in page.url
    assert watch.alerts == [] and watch.violations == []


def test_clicking_every_confirmation_never_runs_the_payload(world: World, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watch = _watch(context)
    page = context.new_page()
    _log_in(page, world.url)
    clicked: list[str] = []
    problems: list[str] = []
    for path in _pages(world).values():
        for _ in range(20):
            response = page.goto(world.url + path)
            if response is None or response.status != 200:
                break
            buttons = page.locator(ASKS_FIRST)
            actions = [
                str(b.evaluate("e => (e.form || e.closest('form') || {}).action || e.href"))
                + " "
                + str(b.inner_text())
                for b in buttons.all()
            ]
            todo = [i for i, a in enumerate(actions) if a not in clicked]
            if not todo:
                break
            clicked.append(actions[todo[0]])
            watch.clear()
            confirms_before = len(watch.confirms)
            with page.expect_navigation():
                buttons.nth(todo[0]).click()
            page.wait_for_load_state("load")
            assert len(watch.confirms) == confirms_before + 1, (
                f"no confirmation: {actions[todo[0]]}"
            )
            problems += [f"{path} after {actions[todo[0]]}: {a}" for a in watch.alerts]
            problems += [f"{path}: CSP violation {v}" for v in watch.violations]
    page.screenshot(path=str(SHOTS / "security-after-confirmations.png"), full_page=True)
    assert problems == []
    assert len(clicked) >= 3, clicked
    with_payload = [c for c in watch.confirms if "alert(" in c]
    assert with_payload, watch.confirms
    for message in with_payload:
        assert PAYLOAD in message or EMAIL_PAYLOAD in message, message


def test_declining_a_confirmation_sends_nothing(world: World, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watch = _watch(context)
    page = context.new_page()
    _log_in(page, world.url)
    page.goto(f"{world.url}/creators")
    page.get_by_role("link", name="Mia Steel").click()
    page.wait_for_url(re.compile(r".*/creators/\w+$"))
    detail = page.url
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    watch.decline_confirms = True
    page.get_by_role("button", name="Delete creator").click()
    assert watch.confirms == ["Delete Mia Steel and their accounts?"]
    assert page.url == detail and posts == []
    page.reload()
    assert page.get_by_test_id("creator-name").inner_text() == "Mia Steel"
    assert watch.console_errors == [] and watch.violations == []
