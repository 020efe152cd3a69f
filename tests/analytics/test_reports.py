"""Monthly reports kept in blob storage by the task of the 1st, listed and downloaded."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import api_headers, make_creator, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.analytics.events import EventIn, record_events
from huntaze.analytics.tasks import store_monthly_reports


def test_the_reports_of_a_month_are_stored_listed_and_downloaded(
    session: Session, client: TestClient, ai_answers: object
) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    creator = make_creator(session, owner, name="Mia")
    record_events(
        session,
        owner.actor.org,
        [
            EventIn(
                "purchase.made",
                f"p{day}",
                dt.datetime(2026, 3, day, 15, tzinfo=dt.UTC),
                creator_id=creator.id,
                fan_id=f"f{day % 4}",
                amount_cents=1000 + day * 10,
                payload={"kind": "ppv" if day % 2 else "tip"},
            )
            for day in range(1, 29)
        ],
    )
    assert store_monthly_reports(owner.actor.org, "2026-03-01") == 1
    assert store_monthly_reports(owner.actor.org, "2026-03-01") == 1  # again: replaced, not added
    headers = api_headers(client, session, owner)
    listed = client.get(f"/api/v1/analytics/creators/{creator.id}/reports", headers=headers)
    assert listed.status_code == 200
    assert [r["month"] for r in listed.json()] == ["2026-03"]
    pdf = client.get(listed.json()[0]["url"], headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert len(pdf.content) == listed.json()[0]["size_bytes"]
    missing = client.get(
        f"/api/v1/analytics/creators/{creator.id}/reports/2026-02.pdf", headers=headers
    )
    assert missing.status_code == 404
    other = make_member(session, make_org(session), Role.OWNER)
    foreign = client.get(listed.json()[0]["url"], headers=api_headers(client, session, other))
    assert foreign.status_code == 404
