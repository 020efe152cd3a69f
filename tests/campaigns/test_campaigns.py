"""Campaigns from draft to done: bad input refused before anything is sent (acceptance 5);
pause, resume and cancel (acceptance 2); exclusions, the hold-out and exactly one message per
fan when a batch is planned twice.

The send task's wake-up is replaced by nothing here (the queue is a process boundary): the
outbound rows stay ``queued`` and the test marks them sent, as a worker would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from tests.campaigns.helpers import hours_ago, make_campaign, make_fan, make_fans, make_segment
from tests.outbox.helpers import Agency, make_agency

from huntaze.campaigns import dispatch
from huntaze.campaigns.models import Campaign, CampaignRecipient
from huntaze.campaigns.personalize import render
from huntaze.campaigns.service import campaigns
from huntaze.campaigns.states import State
from huntaze.content.models import VaultItem
from huntaze.core.db import utcnow
from huntaze.core.errors import ConflictError, InvalidInputError, PermissionDeniedError
from huntaze.outbox import batch
from huntaze.outbox.models import OutboundMessage


@pytest.fixture(autouse=True)
def no_send_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "wake_after_commit", lambda *args, **kwargs: None)


@pytest.fixture
def agency(session: Session) -> Agency:
    return make_agency(session)


def vault_item(session: Session, agency: Agency) -> VaultItem:
    item = VaultItem(
        organization_id=agency.account.organization_id,
        creator_id=agency.account.creator_id,
        kind="image",
        media_type="image/jpeg",
        filename="set.jpg",
        size_bytes=10,
        sha256=hashlib.sha256(agency.account.id.encode()).hexdigest(),
        blob_key=f"vault/{agency.account.id}",
    )
    session.add(item)
    session.flush()
    return item


def messages(session: Session, campaign: Campaign) -> list[OutboundMessage]:
    stmt = select(OutboundMessage).where(OutboundMessage.source_id == campaign.id)
    return list(session.scalars(stmt.execution_options(populate_existing=True)))


def mark_sent(session: Session, campaign: Campaign) -> None:
    session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.source_id == campaign.id, OutboundMessage.state == "queued")
        .values(state="sent", sent_at=utcnow())
    )
    session.flush()


def started(session: Session, agency: Agency, campaign: Campaign) -> Campaign:
    campaigns.start(session, agency.manager.actor, campaign)
    session.flush()
    return campaign


def step(session: Session, campaign: Campaign) -> str:
    state = dispatch.advance(campaign.id)
    session.refresh(campaign)
    return state


# -- acceptance 5: bad input is refused with a clear message before anything is sent -----


def refused(session: Session, agency: Agency, segment_id: str, **data: object) -> str:
    segment = campaigns.get_segment(session, agency.manager.actor, segment_id)
    with pytest.raises(InvalidInputError) as caught:
        make_campaign(session, agency, segment, **data)
    return caught.value.detail


def test_bad_input_is_refused_before_anything_is_sent(session: Session, agency: Agency) -> None:
    make_fans(session, agency, 3)
    segment = make_segment(session, agency)
    empty = make_segment(session, agency, rules={"spent_min_cents": 1_000_000})
    item = vault_item(session, agency)
    ppv = {"kind": "ppv", "media_ids": [item.id]}

    assert "has no fans who can be messaged" in refused(session, agency, empty.id)
    assert "between $3.00 and $200.00" in refused(
        session, agency, segment.id, price_cents=250, **ppv
    )
    assert "between $3.00 and $200.00" in refused(
        session, agency, segment.id, price_cents=50_000, **ppv
    )
    past = (utcnow() - dt.timedelta(minutes=5)).isoformat()
    assert "in the past" in refused(session, agency, segment.id, schedule="at", send_at=past)
    detail = refused(session, agency, segment.id, text="Hey {{nickname}}!")
    assert "Unknown template variable {{nickname}}" in detail and "{{name}}" in detail
    assert "needs at least one vault item" in refused(
        session, agency, segment.id, kind="ppv", price_cents=900
    )
    assert "needs a price" in refused(session, agency, segment.id, kind="ppv", media_ids=[item.id])
    assert "no vault item" in refused(
        session, agency, segment.id, kind="ppv", price_cents=900, media_ids=["nope"]
    )
    assert "Compliance blocks" in refused(
        session, agency, segment.id, text="Pay me on cashapp $jane instead"
    )
    assert session.scalar(select(OutboundMessage.id).limit(1)) is None


def test_a_segment_emptied_after_writing_is_refused_at_start(
    session: Session, agency: Agency
) -> None:
    fan = make_fan(session, agency)
    campaign = make_campaign(session, agency, make_segment(session, agency))
    fan.opted_out = True
    session.flush()
    with pytest.raises(InvalidInputError, match="no fans who can be messaged"):
        campaigns.start(session, agency.manager.actor, campaign)
    assert campaign.state == State.DRAFT


def test_only_managers_write_campaigns(session: Session, agency: Agency) -> None:
    make_fan(session, agency)
    segment = make_segment(session, agency)
    with pytest.raises(PermissionDeniedError):
        campaigns.start(session, agency.chatter.actor, make_campaign(session, agency, segment))


# -- planning, exclusions, hold-out ---------------------------------------------------


def test_one_message_per_eligible_fan_personalized(session: Session, agency: Agency) -> None:
    fans = make_fans(session, agency, 8)
    fans[0].display_name = "Robin"
    fans[1].opted_out = True
    fans[2].last_message_at = hours_ago(1)
    session.flush()
    # A message the outbox sent this fan an hour ago: excluded by the 24 hour window.
    recent = make_fan(session, agency)
    session.add(
        OutboundMessage(
            organization_id=agency.account.organization_id,
            platform_account_id=agency.account.id,
            kind="message",
            state="sent",
            idempotency_key="earlier",
            nonce="n-earlier",
            platform_fan_id=recent.platform_fan_id,
            text="earlier",
            compliance_outcome="allow",
            author_kind="person",
            created_at=hours_ago(1),
        )
    )
    segment = make_segment(session, agency)
    campaign = started(
        session, agency, make_campaign(session, agency, segment, holdout_percent=0, batch_size=4)
    )
    assert step(session, campaign) == State.SENDING
    assert (campaign.audience_count, campaign.excluded_count) == (9, 2)
    for _ in range(5):
        mark_sent(session, campaign)
        step(session, campaign)
    assert campaign.state == State.DONE
    sent = messages(session, campaign)
    assert Counter(m.platform_fan_id for m in sent) == Counter(
        f.platform_fan_id for f in fans if f is not fans[1]
    )
    texts = {m.platform_fan_id: m.text for m in sent}
    assert texts[fans[0].platform_fan_id] == "Hi Robin, thanks for being here!"
    assert texts[fans[3].platform_fan_id] == f"Hi {fans[3].username}, thanks for being here!"
    reasons = dict(
        session.execute(
            select(CampaignRecipient.fan_id, CampaignRecipient.reason).where(
                CampaignRecipient.campaign_id == campaign.id,
                CampaignRecipient.state == "excluded",
            )
        ).all()
    )
    assert reasons == {fans[1].id: "opted out", recent.id: "messaged in the last 24 hours"}
    progress = campaigns.progress(session, agency.chatter.actor, campaign)
    assert progress.sent == 7 and progress.percent_done == 100


def test_hold_out_is_recorded_and_sent_nothing(session: Session, agency: Agency) -> None:
    make_fans(session, agency, 60)
    segment = make_segment(session, agency)
    campaign = started(
        session, agency, make_campaign(session, agency, segment, holdout_percent=30, batch_size=100)
    )
    step(session, campaign)
    held = set(
        session.scalars(
            select(CampaignRecipient.platform_fan_id).where(
                CampaignRecipient.campaign_id == campaign.id, CampaignRecipient.arm == "holdout"
            )
        )
    )
    assert campaign.holdout_count == len(held) and 5 <= len(held) <= 35
    sent_to = {m.platform_fan_id for m in messages(session, campaign)}
    assert len(sent_to) == 60 - len(held) and not held & sent_to


def test_planning_twice_creates_nothing_twice(session: Session, agency: Agency) -> None:
    make_fans(session, agency, 5)
    campaign = started(
        session,
        agency,
        make_campaign(session, agency, make_segment(session, agency), holdout_percent=0),
    )
    step(session, campaign)
    first = {m.idempotency_key: m.id for m in messages(session, campaign)}
    # A worker killed after its batch committed, its recipients' marks lost: planned again.
    session.execute(
        update(CampaignRecipient)
        .where(CampaignRecipient.campaign_id == campaign.id, CampaignRecipient.arm == "treated")
        .values(state="pending", outbound_message_id=None)
    )
    session.execute(update(Campaign).where(Campaign.id == campaign.id).values(planned_count=0))
    step(session, campaign)
    again = {m.idempotency_key: m.id for m in messages(session, campaign)}
    assert again == first and len(first) == 5
    linked = session.scalars(
        select(CampaignRecipient.outbound_message_id).where(
            CampaignRecipient.campaign_id == campaign.id
        )
    ).all()
    assert sorted(linked) == sorted(first.values())  # type: ignore[type-var]


# -- acceptance 2: pause, resume, cancel -------------------------------------------------


def test_pause_stops_new_batches_and_resume_continues_without_duplicates(
    session: Session, agency: Agency
) -> None:
    make_fans(session, agency, 10)
    segment = make_segment(session, agency)
    campaign = started(
        session, agency, make_campaign(session, agency, segment, holdout_percent=0, batch_size=3)
    )
    step(session, campaign)
    assert len(messages(session, campaign)) == 3
    campaigns.pause(session, agency.manager.actor, campaign)
    mark_sent(session, campaign)
    for _ in range(3):
        assert step(session, campaign) == State.PAUSED
    assert len(messages(session, campaign)) == 3  # nothing planned while paused
    with pytest.raises(ConflictError, match="cannot be paused"):
        campaigns.pause(session, agency.manager.actor, campaign)
    campaigns.resume(session, agency.manager.actor, campaign)
    for _ in range(6):
        mark_sent(session, campaign)
        step(session, campaign)
    assert campaign.state == State.DONE
    sent = messages(session, campaign)
    assert len(sent) == 10 and len({m.platform_fan_id for m in sent}) == 10


def test_a_batch_that_loses_to_a_pause_is_undone(
    session: Session, agency: Agency, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_fans(session, agency, 4)
    campaign = started(
        session,
        agency,
        make_campaign(session, agency, make_segment(session, agency), holdout_percent=0),
    )
    seen: list[int] = []
    real = dispatch.campaigns_repo.add_planned

    def pause_won_first(inner: Session, campaign_id: str, count: int) -> bool:
        # The first time, a pause committed while this batch was planned: the campaign is no
        # longer sending when the batch counts itself, so it must be undone.
        seen.append(len(messages(inner, campaign)))
        return len(seen) > 1 and real(inner, campaign_id, count)

    monkeypatch.setattr(dispatch.campaigns_repo, "add_planned", pause_won_first)
    assert step(session, campaign) == State.SENDING
    assert seen == [4, 4]  # the first batch was rolled back, then planned once
    assert len(messages(session, campaign)) == 4 and campaign.planned_count == 4


def test_cancel_leaves_a_clear_final_state(session: Session, agency: Agency) -> None:
    make_fans(session, agency, 6)
    campaign = started(
        session,
        agency,
        make_campaign(
            session, agency, make_segment(session, agency), holdout_percent=0, batch_size=2
        ),
    )
    step(session, campaign)
    rows = messages(session, campaign)
    session.execute(
        update(OutboundMessage).where(OutboundMessage.id == rows[0].id).values(state="sent")
    )
    campaigns.cancel(session, agency.manager.actor, campaign)
    assert campaign.state == State.CANCELLED and campaign.finished_at is not None
    assert "1 queued messages were not sent" in (campaign.state_note or "")
    assert step(session, campaign) == State.CANCELLED
    progress = campaigns.progress(session, agency.manager.actor, campaign)
    assert (progress.sent, progress.pending, progress.queued) == (1, 0, 0)
    assert progress.cancelled == 5 and progress.actions == []
    with pytest.raises(ConflictError):
        campaigns.resume(session, agency.manager.actor, campaign)


def test_scheduled_at_a_time_waits_then_fan_local_time_spreads(
    session: Session, agency: Agency
) -> None:
    make_fan(session, agency, time_zone="Asia/Tokyo")
    make_fan(session, agency, time_zone="Not/AZone")
    segment = make_segment(session, agency)
    later = utcnow() + dt.timedelta(hours=1)
    at = started(
        session,
        agency,
        make_campaign(session, agency, segment, schedule="at", send_at=later.isoformat()),
    )
    assert step(session, at) == State.SCHEDULED and at.audience_count == 0
    local = started(
        session,
        agency,
        make_campaign(session, agency, segment, schedule="fan_local", local_time="09:30"),
    )
    step(session, local)
    moments = session.scalars(
        select(CampaignRecipient.send_after).where(CampaignRecipient.campaign_id == local.id)
    ).all()
    now = utcnow()
    assert all(now - dt.timedelta(minutes=1) <= m <= now + dt.timedelta(days=1) for m in moments)
    shown = {m.astimezone(dt.UTC).strftime("%H:%M") for m in moments}
    assert "00:30" in shown and "09:30" in shown  # 09:30 in Tokyo; UTC for an unknown zone


def test_render_falls_back_and_substitutes_plainly() -> None:
    values = {"name": "", "username": "x", "creator": "Mia"}
    assert render("Hi {{ name }} from {{creator}} {{name}}", values) == "Hi there from Mia there"
    assert render("{{name}}", {"name": "{{creator}}", "creator": "Z"}) == "{{creator}}"
