"""The conversation view's assistant, saved replies, edits and the provenance export, through
the pages: clear refusals for bad input with nothing written, 404 for another organization,
403 for a viewer's changes."""

from __future__ import annotations

import csv
import html
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import log_in, make_member, make_org
from tests.inbox.helpers import fan_who_wrote
from tests.outbox.helpers import Agency, make_agency

from huntaze.accounts.permissions import Role
from huntaze.inbox.models import SavedReply
from huntaze.outbox.models import OutboundMessage


@pytest.fixture
def agency(session: Session, warm_assistant: None) -> Agency:
    return make_agency(session)


def test_the_conversation_loads_the_assistant_after_it_opens(
    client: TestClient, session: Session, agency: Agency
) -> None:
    fan = fan_who_wrote(session, agency, "hey, how was your day?")
    log_in(client, session, agency.chatter)
    page = client.get(f"/inbox/{fan.id}")
    assert page.status_code == 200
    assert f'hx-get="/inbox/{fan.id}/assistant"' in page.text
    assert 'src="/static/inbox.js"' in page.text and "Keyboard shortcuts" in page.text
    panel = client.get(f"/inbox/{fan.id}/assistant", headers={"HX-Request": "true"})
    assert panel.status_code == 200 and "<html" not in panel.text
    assert 'data-testid="intent"' in panel.text and 'data-use-draft="1"' in panel.text
    assert "Needs a manager" not in panel.text
    script = client.get("/static/inbox.js")
    assert script.status_code == 200 and "keydown" in script.text


def test_a_fan_who_says_he_is_16_needs_a_manager_and_gets_no_draft(
    client: TestClient, session: Session, agency: Agency
) -> None:
    fan = fan_who_wrote(session, agency, "hi", "im 16 lol")
    csrf = log_in(client, session, agency.chatter)
    panel = client.get(f"/inbox/{fan.id}/assistant").text
    assert "Needs a manager" in panel and "may be under 18" in panel
    assert "data-use-draft" not in panel
    sent = client.post(
        f"/inbox/{fan.id}/reply",
        data={"csrf_token": csrf, "text": "hey you", "action": "send"},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and "held=1" in sent.headers["location"]
    row = session.scalars(select(OutboundMessage)).one()
    assert (row.state, row.compliance_outcome) == ("draft", "review")
    assert "Saved for a manager" in client.get(sent.headers["location"]).text


def test_a_suggestion_is_put_in_the_reply_box(
    client: TestClient, session: Session, agency: Agency
) -> None:
    fan = fan_who_wrote(session, agency, "hey, how was your day?")
    log_in(client, session, agency.chatter)
    page = client.get(f"/inbox/{fan.id}?draft=1")
    assert page.status_code == 200
    box = page.text.split('id="r-text"', 1)[1].split("</textarea>", 1)[0]
    assert len(box.split(">", 1)[1].strip()) > 5
    assert 'id="r-suggested" value=""' not in page.text
    missing = client.get(f"/inbox/{fan.id}?draft=9")
    assert missing.status_code == 422 and "no such suggestion" in missing.text.lower()


def test_saved_replies_are_checked_inserted_and_counted(
    client: TestClient, session: Session, agency: Agency
) -> None:
    fan = fan_who_wrote(session, agency, "hello", bought_cents=1500)
    csrf = log_in(client, session, agency.manager)
    bad = client.post(
        "/inbox/scripts",
        data={"csrf_token": csrf, "title": "Oops", "text": "hi {fan_nmae}!"},
    )
    assert bad.status_code == 422
    assert 'data-testid="error-text"' in bad.text and "unknown variable {fan_nmae}" in bad.text
    assert session.scalars(select(SavedReply)).all() == []
    made = client.post(
        "/inbox/scripts",
        data={
            "csrf_token": csrf,
            "title": "Thanks",
            "text": "Hey {fan_name}, did you enjoy {last_purchase}?",
            "price": "9.50",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    script = session.scalars(select(SavedReply)).one()
    assert script.price_cents == 950
    page = client.get(f"/inbox/{fan.id}?script={script.id}")
    assert page.status_code == 200
    filled = "Hey Mia, did you enjoy the PPV ($15.00) on "
    assert filled in page.text and 'value="9.50"' in page.text
    reply = client.post(
        f"/inbox/{fan.id}/reply",
        data={
            "csrf_token": csrf,
            "text": filled + "yesterday?",
            "price": "9.50",
            "script_id": script.id,
            "action": "draft",
        },
        follow_redirects=False,
    )
    assert reply.status_code == 303
    session.refresh(script)
    assert script.usage_count == 1
    row = session.scalars(select(OutboundMessage)).one()
    assert (row.kind, row.source_kind, row.source_id) == ("ppv", "saved_reply", script.id)
    never_bought = fan_who_wrote(session, agency, "hi", name="Leo")
    refused = client.get(f"/inbox/{never_bought.id}?script={script.id}")
    assert refused.status_code == 422 and "{last_purchase} has no value" in refused.text


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "write a reply first"), ("x" * 10_000, "at most 5,000 characters")],
    ids=["empty", "10000-characters"],
)
def test_a_bad_reply_says_why(
    client: TestClient, session: Session, agency: Agency, text: str, message: str
) -> None:
    fan = fan_who_wrote(session, agency, "hello")
    csrf = log_in(client, session, agency.chatter)
    answer = client.post(
        f"/inbox/{fan.id}/reply", data={"csrf_token": csrf, "text": text, "action": "send"}
    )
    assert answer.status_code == 422 and message in answer.text
    assert session.scalars(select(OutboundMessage)).all() == []


def test_editing_a_reply_already_sending_is_refused(
    client: TestClient, session: Session, agency: Agency
) -> None:
    fan = fan_who_wrote(session, agency, "hello")
    csrf = log_in(client, session, agency.chatter)
    client.post(f"/inbox/{fan.id}/reply", data={"csrf_token": csrf, "text": "hi", "action": "send"})
    row = session.scalars(select(OutboundMessage)).one()
    row.state = "sending"
    session.commit()
    assert client.get(f"/inbox/{fan.id}?edit={row.id}").status_code == 409
    answer = client.post(
        f"/inbox/{fan.id}/reply",
        data={"csrf_token": csrf, "text": "hello again", "replaces": row.id, "action": "draft"},
    )
    assert answer.status_code == 409 and "already sending" in answer.text
    assert len(session.scalars(select(OutboundMessage)).all()) == 1


def test_the_provenance_export_says_who_wrote_what(
    client: TestClient, session: Session, agency: Agency
) -> None:
    fan = fan_who_wrote(session, agency, "hey, how was your day?")
    csrf = log_in(client, session, agency.chatter)
    panel = client.get(f"/inbox/{fan.id}/assistant").text
    best = html.unescape(panel.split('data-draft-text="', 1)[1].split('"', 1)[0])
    client.post(
        f"/inbox/{fan.id}/reply",
        data={"csrf_token": csrf, "text": best, "suggested": best, "action": "send"},
    )
    page = client.get(f"/inbox/{fan.id}").text
    assert "AI draft, as is" in page
    creator_id = agency.account.creator_id
    assert client.get(f"/inbox/provenance.csv?creator_id={creator_id}").status_code == 403
    log_in(client, session, agency.manager)
    export = client.get(f"/inbox/provenance.csv?creator_id={creator_id}")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert len(rows) == 1
    row = rows[0]
    assert (row["author_kind"], row["origin"], row["edit_distance"]) == (
        "ai_draft_approved",
        "ai_draft",
        "0",
    )
    assert row["approved_by"] == "Chatter Person" and row["approved_at"] and row["ai_model"]
    bad = client.get(f"/inbox/provenance.csv?creator_id={creator_id}&start=2026-13-01")
    assert bad.status_code == 422
    backwards = f"/inbox/provenance.csv?creator_id={creator_id}&start=2026-02-01&end=2026-01-01"
    assert client.get(backwards).status_code == 422


def test_another_organization_gets_404_and_a_viewer_changes_nothing(
    client: TestClient, session: Session, agency: Agency
) -> None:
    fan = fan_who_wrote(session, agency, "hello")
    script = SavedReply(
        organization_id=agency.owner.organization.id, title="Hi", text="Hi {fan_name}"
    )
    session.add(script)
    session.commit()
    other = make_member(session, make_org(session, name="Other"), Role.OWNER)
    viewer = make_member(session, agency.owner.organization, Role.VIEWER)
    session.commit()
    csrf = log_in(client, session, other)
    creator_id = agency.account.creator_id
    for path in (
        f"/inbox/{fan.id}/assistant",
        f"/inbox/{fan.id}/next",
        f"/inbox/{fan.id}?script={script.id}",
        f"/inbox/provenance.csv?creator_id={creator_id}",
    ):
        assert client.get(path).status_code == 404, path
    delete = client.post(f"/inbox/scripts/{script.id}/delete", data={"csrf_token": csrf})
    assert delete.status_code == 404
    assert "Hi {fan_name}" not in client.get("/inbox/scripts").text
    csrf = log_in(client, session, viewer)
    assert client.get("/inbox/scripts").status_code == 200
    made = client.post("/inbox/scripts", data={"csrf_token": csrf, "title": "x", "text": "y"})
    assert made.status_code == 403
    delete = client.post(f"/inbox/scripts/{script.id}/delete", data={"csrf_token": csrf})
    assert delete.status_code == 403
    assert session.scalars(select(SavedReply)).one().id == script.id


def test_next_chat_opens_the_next_waiting_conversation(
    client: TestClient, session: Session, agency: Agency
) -> None:
    first = fan_who_wrote(session, agency, "hello")
    second = fan_who_wrote(session, agency, "anyone there?", name="Leo")
    log_in(client, session, agency.chatter)
    answer = client.get(f"/inbox/{first.id}/next", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/inbox/{second.id}"


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("2.00", "PPV prices run from $5.00 to $50.00"),
        ("75.00", "PPV prices run from $5.00 to $50.00"),
    ],
    ids=["below-persona", "above-persona"],
)
def test_a_reply_priced_outside_the_creators_range_is_refused(
    client: TestClient, session: Session, agency: Agency, price: str, message: str
) -> None:
    fan = fan_who_wrote(session, agency, "send me something")
    csrf = log_in(client, session, agency.chatter)
    answer = client.post(
        f"/inbox/{fan.id}/reply",
        data={"csrf_token": csrf, "text": "just for you", "price": price, "action": "send"},
    )
    assert answer.status_code == 422 and html.escape(message) in answer.text
    assert session.scalars(select(OutboundMessage)).all() == []


def test_the_api_refuses_a_price_the_platform_does_not_take(
    client: TestClient, session: Session, agency: Agency
) -> None:
    from tests.factories import api_headers

    headers = api_headers(client, session, agency.chatter)
    for price in (250, 20_001):
        answer = client.post(
            f"/api/v1/platform-accounts/{agency.account.id}/outbound-messages",
            json={
                "kind": "ppv",
                "platform_fan_id": "1",
                "text": "a set for you",
                "price_cents": price,
            },
            headers=headers,
        )
        assert answer.status_code == 422, answer.text
        assert "costs between $3.00 and $200.00" in answer.text
    assert session.scalars(select(OutboundMessage)).all() == []
