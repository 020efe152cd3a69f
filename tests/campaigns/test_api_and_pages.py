"""The campaigns API and pages: tenant and role checks, clear refusals, the builder's live
count, the campaign page's progress fragment and its buttons."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.campaigns.helpers import make_campaign, make_fans, make_segment
from tests.factories import api_headers, log_in
from tests.outbox.helpers import Agency, make_agency

from huntaze.core.db import utcnow
from huntaze.outbox import batch


@pytest.fixture(autouse=True)
def no_send_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "wake_after_commit", lambda *args, **kwargs: None)


@pytest.fixture
def agency(session: Session) -> Agency:
    agency = make_agency(session)
    make_fans(session, agency, 4, spent_tip_cents=2_000)
    make_fans(session, agency, 2)
    session.commit()
    return agency


def test_api_segments_count_and_campaign_refusals(
    client: TestClient, session: Session, agency: Agency
) -> None:
    headers = api_headers(client, session, agency.manager)
    rules = {"spent_min_cents": 1_000}
    counted = client.post(
        f"/api/v1/platform-accounts/{agency.account.id}/segments/count",
        json={"rules": rules},
        headers=headers,
    )
    assert counted.status_code == 200, counted.text
    assert counted.json() == {"fans": 4, "opted_out": 0}
    made = client.post(
        f"/api/v1/platform-accounts/{agency.account.id}/segments",
        json={"name": "Tippers", "rules": rules},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    segment_id = made.json()["id"]
    assert client.get(f"/api/v1/segments/{segment_id}/count", headers=headers).json()["fans"] == 4
    bad = client.post(
        f"/api/v1/segments/{segment_id}/campaigns",
        json={"name": "x", "text": "Hi {{pet}}"},
        headers=headers,
    )
    assert bad.status_code == 422 and "Unknown template variable {{pet}}" in bad.text
    past = (utcnow() - dt.timedelta(hours=1)).isoformat()
    bad = client.post(
        f"/api/v1/segments/{segment_id}/campaigns",
        json={
            "name": "x",
            "text": "Hi",
            "schedule": "at",
            "send_at": past,
        },
        headers=headers,
    )
    assert bad.status_code == 422 and "in the past" in bad.text
    ok = client.post(
        f"/api/v1/segments/{segment_id}/campaigns",
        json={"name": "Thanks", "text": "Thanks {{name}}!"},
        headers=headers,
    )
    assert ok.status_code == 201, ok.text
    campaign_id = ok.json()["id"]
    started = client.post(f"/api/v1/campaigns/{campaign_id}/start", headers=headers)
    assert started.status_code == 200, started.text
    assert started.json()["state"] in ("scheduled", "sending")
    progress = client.get(f"/api/v1/campaigns/{campaign_id}/progress", headers=headers).json()
    assert progress["audience"] == 4 and progress["held_out"] + progress["queued"] == 4
    again = client.post(f"/api/v1/campaigns/{campaign_id}/start", headers=headers)
    assert again.status_code == 409 and "cannot be started" in again.text
    assert client.delete(f"/api/v1/segments/{segment_id}", headers=headers).status_code == 409


def test_api_checks_role_and_tenant(client: TestClient, session: Session, agency: Agency) -> None:
    segment = make_segment(session, agency)
    campaign = make_campaign(session, agency, segment)
    session.commit()
    headers = api_headers(client, session, agency.chatter)
    assert client.get(f"/api/v1/campaigns/{campaign.id}", headers=headers).status_code == 200
    denied = client.post(f"/api/v1/campaigns/{campaign.id}/start", headers=headers)
    assert denied.status_code == 403
    other = make_agency(session)
    session.commit()
    headers = api_headers(client, session, other.owner)
    assert client.get(f"/api/v1/campaigns/{campaign.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/segments/{segment.id}", headers=headers).status_code == 404


def test_pages_build_a_segment_write_a_campaign_and_follow_it(
    client: TestClient, session: Session, agency: Agency
) -> None:
    csrf = log_in(client, session, agency.manager)
    assert "New campaign" in client.get("/campaigns").text
    assert client.get("/campaigns/segments/new").status_code == 200
    form = {"csrf_token": csrf, "platform_account_id": agency.account.id, "spent_min": "10"}
    count = client.post("/campaigns/segments/count", data=form, headers={"HX-Request": "true"})
    assert count.status_code == 200 and "<b>4</b> fans now" in count.text
    wrong = client.post(
        "/campaigns/segments/count",
        data={**form, "spent_min": "lots"},
        headers={"HX-Request": "true"},
    )
    assert "enter an amount" in wrong.text
    saved = client.post(
        "/campaigns/segments", data={**form, "name": "Tippers"}, follow_redirects=False
    )
    assert saved.status_code == 303
    assert "Tippers" in client.get("/campaigns").text
    new = client.get("/campaigns/new")
    assert new.status_code == 200 and "{{name}}" in new.text
    segment_id = new.text.split('<option value="')[1].split('"')[0]
    refused = client.post(
        "/campaigns",
        data={
            "csrf_token": csrf,
            "name": "PPV",
            "segment_id": segment_id,
            "text": "New set",
            "kind": "ppv",
            "price": "9",
        },
    )
    assert refused.status_code == 422 and "needs at least one vault item" in refused.text
    made = client.post(
        "/campaigns",
        data={
            "csrf_token": csrf,
            "name": "Hello",
            "segment_id": segment_id,
            "text": "Hello {{name}}",
            "holdout_percent": "0",
            "exclude_messaged_hours": "0",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    page = made.headers["location"]
    detail = client.get(page)
    assert detail.status_code == 200 and 'data-testid="start"' in detail.text
    assert (
        client.post(f"{page}/start", data={"csrf_token": csrf}, follow_redirects=False).status_code
        == 303
    )
    fragment = client.get(page, headers={"HX-Request": "true"})
    assert 'data-testid="progress"' in fragment.text and "<html" not in fragment.text
    assert 'hx-trigger="every 3s"' in fragment.text and 'data-testid="pause"' in fragment.text
    shown = client.get(page).text
    assert 'data-testid="uplift"' in shown and "No hold-out group" in shown
    uplift = client.get(
        f"/api/v1/campaigns/{page.rsplit('/', 1)[1]}/uplift", headers={"X-CSRF-Token": csrf}
    )
    assert uplift.status_code == 200 and uplift.json()["treated_fans"] == 4
    paused = client.post(f"{page}/pause", data={"csrf_token": csrf}, follow_redirects=False)
    assert paused.status_code == 303
    twice = client.post(f"{page}/pause", data={"csrf_token": csrf})
    assert twice.status_code == 409 and "cannot be paused" in twice.text
    assert (
        client.post(f"{page}/cancel", data={"csrf_token": csrf}, follow_redirects=False).status_code
        == 303
    )
    final = client.get(page).text
    assert 'data-state="cancelled"' in final and "every 3s" not in final
