"""Shifts: repeats in a time zone, several creators, chatters; bad input refused with a clear
message on the API (422 problem+json) and beside the form's field on the page (acceptance 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session
from tests.factories import api_headers, log_in, make_member
from tests.team.helpers import Team, make_team, waiting_fan

from huntaze.accounts.models import AuditLog
from huntaze.accounts.permissions import Role
from huntaze.team.schedule import Window, is_running, overlap, parse_clock
from huntaze.team.schemas import ShiftCreate
from huntaze.team.service import team

MONDAY = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)


@pytest.fixture
def crew(session: Session) -> Team:
    made = make_team(session)
    session.commit()
    return made


def _window(days: tuple[int, ...], start: str, end: str, zone: str = "UTC") -> Window:
    return Window(days, parse_clock(start), parse_clock(end), zone)


def test_a_night_shift_runs_past_midnight_in_its_own_zone() -> None:
    night = _window((0,), "22:00", "06:00", "Europe/Paris")
    # Monday 22:30 in Paris is 21:30 UTC; Tuesday 05:30 in Paris is 04:30 UTC.
    assert is_running(night, MONDAY.replace(hour=21, minute=30))
    assert is_running(night, MONDAY.replace(day=1, month=12, hour=4, minute=30))
    assert not is_running(night, MONDAY.replace(day=1, month=12, hour=5, minute=30))
    assert not is_running(night, MONDAY.replace(hour=20, minute=30))


def test_overlap_is_found_across_zones_and_midnight() -> None:
    night = _window((0,), "22:00", "06:00", "UTC")
    early = _window((1,), "05:00", "09:00", "UTC")
    late = _window((1,), "06:00", "09:00", "UTC")
    paris_morning = _window((1,), "06:30", "08:00", "Europe/Paris")  # 05:30 UTC in winter
    assert overlap(night, early, MONDAY)
    assert not overlap(night, late, MONDAY)
    assert overlap(night, paris_morning, MONDAY)
    sunday_night = _window((6,), "23:00", "02:00", "UTC")
    assert overlap(sunday_night, _window((0,), "01:00", "03:00"), MONDAY)


def _shift(crew: Team, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": "Evening",
        "weekdays": [0, 1, 2, 3, 4],
        "start_time": "18:00",
        "end_time": "23:00",
        "time_zone": "Europe/Paris",
        "creator_ids": [crew.creator_id, crew.other_creator_id],
        "chatter_ids": [crew.chatter.membership.id],
    }
    return {**body, **changes}


def test_a_shift_covers_several_creators_and_is_audited(
    client: TestClient, session: Session, crew: Team
) -> None:
    headers = api_headers(client, session, crew.manager)
    made = client.post("/api/v1/team/shifts", json=_shift(crew), headers=headers)
    assert made.status_code == 201, made.text
    body = made.json()
    assert sorted(body["creator_ids"]) == sorted([crew.creator_id, crew.other_creator_id])
    assert body["time_zone"] == "Europe/Paris"
    listed = client.get("/api/v1/team/shifts", headers=headers).json()
    assert [s["id"] for s in listed] == [body["id"]]
    assert session.query(AuditLog).filter_by(action="team.shift_created").count() == 1


def test_overlapping_shifts_of_one_chatter_are_refused(
    client: TestClient, session: Session, crew: Team
) -> None:
    headers = api_headers(client, session, crew.manager)
    assert client.post("/api/v1/team/shifts", json=_shift(crew), headers=headers).status_code == 201
    clash = _shift(crew, name="Late", weekdays=[2], start_time="22:00", end_time="02:00")
    refused = client.post("/api/v1/team/shifts", json=clash, headers=headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert "must not overlap" in refused.json()["detail"]
    assert "'Evening'" in refused.json()["detail"]
    # Another chatter at the same time is fine, and so is a template.
    other = _shift(crew, name="Late", chatter_ids=[crew.second.membership.id])
    assert client.post("/api/v1/team/shifts", json=other, headers=headers).status_code == 201
    template = {**clash, "is_template": True}
    assert client.post("/api/v1/team/shifts", json=template, headers=headers).status_code == 201


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone", "not a time zone"),
        ({"start_time": "25:00"}, "start_time", "String should match pattern"),
        ({"end_time": "18:00"}, "form", "must end at another time"),
        ({"weekdays": []}, "weekdays", "at least 1"),
        ({"weekdays": [1, 1]}, "weekdays", "each weekday once"),
        ({"weekdays": [7]}, "weekdays", "less than or equal to 6"),
    ],
)
def test_bad_shifts_are_refused_with_a_clear_message(
    client: TestClient,
    session: Session,
    crew: Team,
    changes: dict[str, object],
    field: str,
    words: str,
) -> None:
    headers = api_headers(client, session, crew.manager)
    refused = client.post("/api/v1/team/shifts", json=_shift(crew, **changes), headers=headers)
    assert refused.status_code == 422, refused.text
    assert words in refused.text


def test_a_creator_of_another_organization_is_not_found(
    client: TestClient, session: Session, crew: Team
) -> None:
    headers = api_headers(client, session, crew.manager)
    refused = client.post(
        "/api/v1/team/shifts", json=_shift(crew, creator_ids=["nope"]), headers=headers
    )
    assert refused.status_code == 404


@pytest.mark.parametrize("capacity", [0, 10_000, -1, 2.5, "3"])
def test_capacity_outside_one_to_fifty_is_refused(
    client: TestClient, session: Session, crew: Team, capacity: object
) -> None:
    headers = api_headers(client, session, crew.manager)
    path = f"/api/v1/team/chatters/{crew.chatter.membership.id}/capacity"
    refused = client.put(path, json={"capacity": capacity}, headers=headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    accepted = client.put(path, json={"capacity": 50}, headers=headers)
    assert accepted.status_code == 200 and accepted.json() == {"capacity": 50}


def test_a_chatter_cannot_set_up_shifts(client: TestClient, session: Session, crew: Team) -> None:
    headers = api_headers(client, session, crew.chatter)
    refused = client.post("/api/v1/team/shifts", json=_shift(crew), headers=headers)
    assert refused.status_code == 403


def test_settings_refuse_an_unknown_zone_and_keep_defaults(
    client: TestClient, session: Session, crew: Team
) -> None:
    headers = api_headers(client, session, crew.manager)
    assert client.get("/api/v1/team/settings", headers=headers).json()["default_capacity"] == 3
    refused = client.put(
        "/api/v1/team/settings", json={"time_zone": "Europe/Atlantis"}, headers=headers
    )
    assert refused.status_code == 422 and "not a time zone" in refused.text
    saved = client.put(
        "/api/v1/team/settings",
        json={"time_zone": "America/New_York", "silent_reassign_minutes": 5},
        headers=headers,
    )
    assert saved.status_code == 200 and saved.json()["time_zone"] == "America/New_York"
    made = client.post(
        "/api/v1/team/shifts", json=_shift(crew, time_zone=None), headers=headers
    ).json()
    assert made["time_zone"] == "America/New_York"


def test_the_page_shows_errors_beside_the_fields(
    client: TestClient, session: Session, crew: Team
) -> None:
    csrf = log_in(client, session, crew.manager)
    base = {
        "csrf_token": csrf,
        "name": "Evening",
        "weekdays": ["0", "1"],
        "start_time": "18:00",
        "end_time": "23:00",
        "time_zone": "Europe/Paris",
        "creator_ids": [crew.creator_id],
        "chatter_ids": [crew.chatter.membership.id],
    }
    assert client.post("/shifts", data=base, follow_redirects=False).status_code == 303
    page = client.get("/shifts")
    assert page.status_code == 200 and 'data-testid="calendar"' in page.text
    assert "UTC" in page.text and "Evening" in page.text
    clash = client.post("/shifts", data={**base, "name": "Again"})
    assert clash.status_code == 422
    assert 'data-testid="error-chatter_ids"' in clash.text and "must not overlap" in clash.text
    zone = client.post("/shifts", data={**base, "chatter_ids": [], "time_zone": "Nowhere/Land"})
    assert zone.status_code == 422 and 'data-testid="error-time_zone"' in zone.text
    capacity = client.post(
        f"/shifts/chatters/{crew.chatter.membership.id}/capacity",
        data={"csrf_token": csrf, "capacity": "10000"},
    )
    assert capacity.status_code == 422 and 'data-testid="error-capacity"' in capacity.text
    settings = client.post(
        "/shifts/settings",
        data={
            "csrf_token": csrf,
            "time_zone": "UTC",
            "default_capacity": "0",
            "idle_clock_out_minutes": "30",
            "silent_reassign_minutes": "10",
        },
    )
    assert settings.status_code == 422 and 'data-testid="error-default_capacity"' in settings.text


PAYLOAD = "'+alert(3)+'\"><img src=x onerror=alert(4)><script>alert(5)</script>"


@pytest.mark.parametrize("who", ["owner", "chatter"])
def test_every_team_page_renders_escaped(
    client: TestClient, session: Session, crew: Team, who: str
) -> None:
    headers = api_headers(client, session, crew.manager)
    body = _shift(crew, name=PAYLOAD[:80], chatter_ids=[crew.chatter.membership.id])
    assert client.post("/api/v1/team/shifts", json=body, headers=headers).status_code == 201
    log_in(client, session, getattr(crew, who))
    for path in ("/shifts", "/my-shift", "/leaderboard", "/leaderboard.csv?days=30"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "<script>alert(5)" not in page.text and "onerror=alert(4)><" not in page.text
    assert client.post("/shifts/clock-in", data={"csrf_token": ""}).status_code == 403


def _statements_to_load(client: TestClient, session: Session, path: str) -> int:
    statements: list[str] = []
    engine = session.get_bind().engine

    def count_statement(*_args: object) -> None:
        statements.append("x")

    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)
    return len(statements)


def test_team_pages_run_as_many_statements_for_more_rows(
    client: TestClient, session: Session, crew: Team
) -> None:
    """No query per shift, member, waiting fan or leaderboard row."""
    now = dt.datetime.now(dt.UTC)
    counts: dict[str, list[int]] = {}
    for size in (1, 3):
        while len(team.shifts(session, crew.manager.actor)) < size:
            n = len(team.shifts(session, crew.manager.actor))
            extra = make_member(session, crew.owner.organization, Role.CHATTER)
            team.set_capacity(session, crew.manager.actor, extra.membership, 5)
            body = _shift(crew, name=f"Shift {n}", chatter_ids=[extra.membership.id])
            team.create_shift(session, crew.manager.actor, ShiftCreate.model_validate(body))
            waiting_fan(
                session, crew, f"q{n}", name=f"Fan{n}", waited=dt.timedelta(minutes=n + 1), now=now
            )
        session.commit()
        log_in(client, session, crew.manager)
        for path in ("/shifts", "/my-shift", "/leaderboard"):
            counts.setdefault(path, []).append(_statements_to_load(client, session, path))
    assert all(a == b for a, b in counts.values()), counts
