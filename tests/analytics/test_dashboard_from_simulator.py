"""Acceptance 1 and 3 of analytics: simulated history goes the real path — simulator → inbox sync
→ domain events → rollups → dashboard — and the dashboard's revenue, churn and ARPPU equal what
the simulator's own ledger says, in the agency's time zone; the monthly PDF renders with a chart
and its totals equal the dashboard's; screenshots of the pages go to ``test-artifacts/``."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from tests.factories import log_in
from tests.live_server import CHROMIUM, CHROMIUM_ARGS, serve
from tests.outbox.helpers import Agency, make_agency
from tests.platforms.live_simulator import LiveSimulator
from tests.simulator.conftest import make_settings, seeded_db

from huntaze.analytics import rollups
from huntaze.analytics.insights import money
from huntaze.analytics.kpis import Period, month_period
from huntaze.analytics.service import analytics
from huntaze.core.tenancy import trusted_org_id
from huntaze.creators.service import creators
from huntaze.inbox.sync import sync_account
from huntaze.simulator import create_simulator_app

ZONE = "America/New_York"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclass
class Sim:
    live: LiveSimulator
    path: Path


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    path = seeded_db(tmp_path_factory.mktemp("sim-analytics") / "sim.sqlite3")
    app = create_simulator_app(make_settings(path), seed_if_empty=False)
    with serve(app) as url:
        yield Sim(LiveSimulator(url=url), path)


@dataclass
class Ledger:
    gross: int
    spenders: int
    renewed: int
    expired: int
    by_day: dict[dt.date, int]

    @property
    def arppu(self) -> int:
        return round(self.gross / self.spenders) if self.spenders else 0

    @property
    def churn(self) -> float:
        due = self.expired + self.renewed
        return round(self.expired / due * 100, 1) if due else 0.0


def _at(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def ledger(path: Path, username: str, period: Period) -> Ledger:
    """The period's figures straight from the simulator's tables (its ledger and fans)."""
    tz = ZoneInfo(ZONE)
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            creator_id = conn.execute(
                text("SELECT id FROM sim_creator WHERE username = :u"), {"u": username}
            ).scalar_one()
            rows = conn.execute(
                text(
                    "SELECT id, fan_id, kind, amount_cents, created_at FROM sim_transaction "
                    "WHERE creator_id = :c ORDER BY created_at, id"
                ),
                {"c": creator_id},
            ).all()
            fans = conn.execute(
                text("SELECT status, expires_at FROM sim_fan WHERE creator_id = :c"),
                {"c": creator_id},
            ).all()
    finally:
        engine.dispose()
    gross, spenders, renewed = 0, set(), 0
    by_day: dict[dt.date, int] = {}
    subscribed_before: set[int] = set()
    for _id, fan_id, kind, amount, created_at in rows:
        day = _at(created_at).astimezone(tz).date()
        inside = period.start <= day <= period.end
        if inside:
            gross += amount
            spenders.add(fan_id)
            by_day[day] = by_day.get(day, 0) + amount
        if kind == "subscription":
            if inside and fan_id in subscribed_before:
                renewed += 1
            subscribed_before.add(fan_id)
    expired = sum(
        1
        for status, expires_at in fans
        if status == "expired"
        and period.start <= _at(expires_at).astimezone(tz).date() <= period.end
    )
    return Ledger(gross, len(spenders), renewed, expired, by_day)


@pytest.fixture
def agency(session: Session, sim: Sim) -> Agency:
    made = make_agency(session, base_url=sim.live.url, secret=sim.live.secret_json())
    analytics.update_settings(session, made.owner.actor, timezone=ZONE, use_utc=False)
    return made


def _sync_and_roll(session: Session, agency: Agency) -> None:
    org = trusted_org_id(agency.account.organization_id)
    sync_account(org, agency.account.id)
    rollups.refresh(session, org)


def _sim_today(sim: Sim) -> dt.date:
    now = _at(sim.live.admin("GET", "/clock")["now"].replace("Z", "+00:00"))
    return now.astimezone(ZoneInfo(ZONE)).date()


def _check(session: Session, sim: Sim, agency: Agency, period: Period) -> None:
    creator = creators.get(session, agency.owner.actor, agency.account.creator_id)
    board = analytics.creator_dashboard(session, agency.owner.actor, creator, period)
    truth = ledger(sim.path, "creator1", period)
    assert truth.gross > 0 and truth.renewed + truth.expired > 0
    assert board.current.gross_cents == truth.gross
    assert board.current.net_cents == truth.gross  # the simulator has no chargeback here
    assert board.current.spenders == truth.spenders
    assert board.current.arppu_cents == truth.arppu
    assert board.current.subs_renewed == truth.renewed
    assert board.current.fans_expired == truth.expired
    assert board.current.churn_pct == truth.churn
    assert {d: c for d, c in board.current.daily_gross.items() if c} == truth.by_day


def test_the_dashboard_equals_the_simulators_ledger(
    session: Session, sim: Sim, agency: Agency, client: TestClient
) -> None:
    _sync_and_roll(session, agency)
    today = _sim_today(sim)
    period = Period(today - dt.timedelta(days=89), today)
    _check(session, sim, agency, period)

    # A simulated day later, a second sync brings only what is new; the rollups follow.
    sim.live.admin("POST", "/tick", json={"hours": 24})
    _sync_and_roll(session, agency)
    today = _sim_today(sim)
    _check(session, sim, agency, Period(today - dt.timedelta(days=89), today))

    # The page shows the same figures.
    log_in(client, session, agency.owner)
    creator_id = agency.account.creator_id
    truth = ledger(sim.path, "creator1", Period(today - dt.timedelta(days=89), today))
    page = client.get(
        f"/analytics/creators/{creator_id}",
        params={"start": (today - dt.timedelta(days=89)).isoformat(), "end": today.isoformat()},
    )
    assert page.status_code == 200, page.text
    gross_row = re.search(r'data-kpi="Gross revenue".*?class="figure">([^<]+)<', page.text, re.S)
    assert gross_row and gross_row.group(1) == money(truth.gross)
    arppu_row = re.search(r'data-kpi="ARPPU".*?class="figure">([^<]+)<', page.text, re.S)
    assert arppu_row and arppu_row.group(1) == money(truth.arppu)
    churn_row = re.search(r'data-kpi="Churn".*?class="figure">([^<]+)<', page.text, re.S)
    assert churn_row and churn_row.group(1) == f"{truth.churn}%"
    assert "<svg" in page.text and not re.search(r"<script(?![^>]*\bsrc=)", page.text)
    overview = client.get("/analytics")
    assert overview.status_code == 200 and creator_id in overview.text
    _screenshot(client, page.text, "analytics-creator-dashboard.png")
    _screenshot(client, overview.text, "analytics-agency-overview.png")


def _screenshot(client: TestClient, html: str, name: str) -> None:
    """The page as a browser draws it, into test-artifacts/ (when Chromium is installed)."""
    if not os.path.exists(CHROMIUM):
        return
    from playwright.sync_api import sync_playwright

    css = client.get("/static/app.css").text
    html = re.sub(r'<link rel="stylesheet" href="/static/app.css[^"]*">', "", html)
    html = re.sub(r"<script[^>]*></script>", "", html).replace(
        "</head>", f"<style>{css}</style></head>"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            view = browser.new_page(viewport={"width": 1280, "height": 900})
            view.set_content(html)
            view.screenshot(path=str(ARTIFACTS / name), full_page=True)
        finally:
            browser.close()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_the_monthly_pdf_renders_a_chart_and_its_totals_equal_the_dashboard(
    session: Session,
    sim: Sim,
    agency: Agency,
    client: TestClient,
    tmp_path: Path,
    ai_answers: object,
) -> None:
    from PIL import Image

    _sync_and_roll(session, agency)
    month = month_period(_sim_today(sim) - dt.timedelta(days=10))
    creator = creators.get(session, agency.owner.actor, agency.account.creator_id)
    board = analytics.creator_dashboard(session, agency.owner.actor, creator, month)
    assert board.current.gross_cents > 0
    log_in(client, session, agency.owner)
    response = client.get(
        f"/api/v1/analytics/creators/{creator.id}/report.pdf",
        params={"month": month.start.strftime("%Y-%m")},
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    colors = image.getcolors(maxcolors=1_000_000) or []
    assert len(colors) > 20  # not a blank page
    # The chart's bars are drawn in the revenue types' colours.
    bar_colors = {(0x7C, 0x3A, 0xED), (0xA7, 0x8B, 0xFA), (0x06, 0x76, 0x47), (0xB5, 0x47, 0x08)}
    assert any(rgb in bar_colors for _count, rgb in colors)
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "analytics-report-page1.png")
    text_out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    gross_line = next(line for line in text_out.splitlines() if "Gross revenue" in line)
    assert money(board.current.gross_cents) in gross_line
    total_line = next(line for line in text_out.splitlines() if line.strip().startswith("Total"))
    assert money(board.current.gross_cents) in total_line
    net_line = next(line for line in text_out.splitlines() if "Net revenue" in line)
    assert money(board.current.net_cents) in net_line


def test_a_queued_sync_refreshes_the_rollups_after_it(
    session: Session, sim: Sim, agency: Agency
) -> None:
    from sqlalchemy import func, select

    from huntaze.analytics.models import Rollup
    from huntaze.inbox.tasks import sync_platform_account

    result = sync_platform_account(agency.account.organization_id, agency.account.id)
    assert result.startswith("synced")
    rows = session.scalar(
        select(func.count())
        .select_from(Rollup)
        .where(Rollup.creator_id == agency.account.creator_id, Rollup.zone == ZONE)
    )
    assert rows and rows > 0
