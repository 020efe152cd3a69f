"""A campaign's results page: the lift over the hold-out with its interval and p-value in plain
words, revenue attributed, each A/B variant with the winner, and the live progress; the
campaign form's A/B fields; another organization gets 404."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session
from tests.campaigns.helpers import make_campaign, make_fans, make_segment
from tests.factories import log_in, make_member, make_org
from tests.outbox.helpers import Agency, make_agency

from huntaze.accounts.permissions import Role
from huntaze.campaigns import dispatch
from huntaze.campaigns.models import Campaign, CampaignRecipient
from huntaze.campaigns.pages import p_in_words
from huntaze.campaigns.service import campaigns
from huntaze.core.db import utcnow
from huntaze.inbox.models import Earning
from huntaze.outbox import batch
from huntaze.outbox.models import OutboundMessage


@pytest.fixture(autouse=True)
def no_send_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "wake_after_commit", lambda *args, **kwargs: None)


def ab_campaign_with_revenue(session: Session, agency: Agency) -> Campaign:
    """An A/B campaign, sent, its winner chosen, with each recipient's revenue synced."""
    make_fans(session, agency, 200)
    campaign = make_campaign(
        session,
        agency,
        make_segment(session, agency),
        holdout_percent=20,
        exclude_messaged_hours=None,
        batch_size=1_000,
        test_hours=1,
        variants=[
            {"label": "Warm", "text": "Hi {{name}}, a new set", "split_percent": 50},
            {"label": "Bold", "text": "{{name}}, tonight only", "split_percent": 50},
        ],
    )
    campaigns.start(session, agency.manager.actor, campaign)
    session.commit()
    dispatch.advance(campaign.id)
    session.refresh(campaign)
    assert campaign.started_at is not None
    bold = campaign.variants[1].id
    rows = session.query(CampaignRecipient).filter_by(campaign_id=campaign.id).all()
    for n, row in enumerate(rows):
        paid = 0
        if row.arm == "holdout":
            paid = 500 if n % 5 == 0 else 0
        elif row.variant_id == bold:
            paid = 1_500 if n % 2 == 0 else 0
        elif n % 4 == 0:
            paid = 900
        if paid:
            session.add(
                Earning(
                    organization_id=campaign.organization_id,
                    platform_account_id=campaign.platform_account_id,
                    fan_id=row.fan_id,
                    platform_entry_id=f"r{n}",
                    kind="ppv",
                    amount_cents=paid,
                    occurred_at=campaign.started_at + dt.timedelta(minutes=20),
                )
            )
    session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.source_id == campaign.id)
        .values(state="sent", sent_at=utcnow())
    )
    session.commit()
    dispatch.advance(campaign.id, now=campaign.started_at + dt.timedelta(hours=2))
    session.refresh(campaign)
    assert campaign.winner_variant_id == bold and campaign.state == "done"
    session.commit()
    return campaign


def test_the_results_page_says_what_the_campaign_earned(
    client: TestClient, session: Session
) -> None:
    agency = make_agency(session)
    campaign = ab_campaign_with_revenue(session, agency)
    log_in(client, session, agency.chatter)
    page = client.get(f"/campaigns/{campaign.id}/results")
    assert page.status_code == 200, page.text
    text = page.text
    assert 'data-testid="lift"' in text and 'data-testid="attributed"' in text
    assert "paid " in text and "more on average than a held-out fan" in text
    assert "With 95% confidence the true gap per fan lies between" in text
    assert "would show up by chance" in text and "very likely real" in text
    assert 'data-testid="variant-Bold"' in text and "winner" in text
    assert "Bold won on revenue per recipient after 1 h" in text
    assert 'id="campaign-progress"' in text and "<progress" in text
    assert "<meter" in text
    # The window is a validated query; out of range is refused, not a 500.
    assert client.get(f"/campaigns/{campaign.id}/results?window_days=1").status_code == 200
    assert client.get(f"/campaigns/{campaign.id}/results?window_days=0").status_code == 422
    detail = client.get(f"/campaigns/{campaign.id}").text
    assert f'href="/campaigns/{campaign.id}/results"' in detail and "tonight only" in detail
    # Another organization's person gets 404.
    stranger = make_member(session, make_org(session), Role.OWNER)
    session.commit()
    log_in(client, session, stranger)
    assert client.get(f"/campaigns/{campaign.id}/results").status_code == 404


def test_a_sending_campaign_polls_its_progress_and_a_draft_says_nothing_yet(
    client: TestClient, session: Session
) -> None:
    agency = make_agency(session)
    make_fans(session, agency, 30)
    campaign = make_campaign(
        session,
        agency,
        make_segment(session, agency),
        exclude_messaged_hours=None,
        test_percent=50,
        test_hours=6,
        variants=[
            {"label": "A", "text": "Hi {{name}}", "split_percent": 50},
            {"label": "B", "text": "Hey {{name}}", "split_percent": 50},
        ],
    )
    session.commit()
    log_in(client, session, agency.manager)
    draft = client.get(f"/campaigns/{campaign.id}/results").text
    assert "has not started" in draft and "hx-trigger" not in draft
    campaigns.start(session, agency.manager.actor, campaign)
    session.commit()
    sending = client.get(f"/campaigns/{campaign.id}/results").text
    assert f'hx-get="/campaigns/{campaign.id}"' in sending and 'hx-trigger="every 3s"' in sending
    dispatch.advance(campaign.id)
    fragment = client.get(f"/campaigns/{campaign.id}", headers={"HX-Request": "true"}).text
    assert "fans wait for the A/B winner, chosen 6 h after the start" in fragment


def test_p_values_in_plain_words() -> None:
    assert "cannot be told apart from chance" in p_in_words(0.4)
    assert "about 40 times in 100 (p = 0.400)" in p_in_words(0.4)
    assert "less than once in 100 tries (p < 0.001)" in p_in_words(0.0001)
    assert "not enough data" in p_in_words(None)


def test_the_campaign_form_makes_an_ab_test(client: TestClient, session: Session) -> None:
    agency = make_agency(session)
    make_fans(session, agency, 5)
    segment = make_segment(session, agency)
    session.commit()
    csrf = log_in(client, session, agency.manager)
    form = client.get("/campaigns/new").text
    assert 'name="variant_b_text"' in form and 'name="winner_metric"' in form
    base = {
        "csrf_token": csrf,
        "name": "AB",
        "segment_id": segment.id,
        "text": "Hello {{name}}",
        "variant_b_text": "Hey {{name}}, tonight?",
        "split_b": "30",
        "winner_metric": "buy_rate",
        "test_hours": "12",
        "test_percent": "40",
    }
    wrong = client.post("/campaigns", data={**base, "split_b": "150"})
    assert wrong.status_code == 422 and "between 1 and 99" in wrong.text
    unknown = client.post("/campaigns", data={**base, "variant_b_text": "Hey {{nick}}"})
    assert unknown.status_code == 422 and "Variant B" in unknown.text
    made = client.post("/campaigns", data=base, follow_redirects=False)
    assert made.status_code == 303, made.text
    campaign_id = made.headers["location"].rsplit("/", 1)[1]
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None
    session.refresh(campaign)
    assert [(v.label, v.split_percent) for v in campaign.variants] == [("A", 70), ("B", 30)]
    assert (campaign.winner_metric, campaign.test_hours, campaign.test_percent) == (
        "buy_rate",
        12,
        40,
    )
