"""A campaign on the live simulator, through the outbox, with platform faults and a planning
worker that dies mid-run (acceptance 1 on a reduced scale).

The simulator is seeded with a few hundred fans; the campaign goes to every active one, minus
opted-out fans, an exclude list and the hold-out. 20% of the platform's answers are 503s and
one write in eight loses its answer (the platform stored the message; the worker does not know).
One planning step dies after creating its batch, before its commit, and one after its commit
with its recipients' marks lost. The simulator's own records are the ground truth: exactly one
delivery per eligible fan, none to anyone else. ``HUNTAZE_CAMPAIGN_TEST_FANS`` sets the number of
simulator fans (200 by default to keep the suite short).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from tests.campaigns.helpers import make_campaign, make_segment
from tests.live_server import serve
from tests.outbox.helpers import Agency, make_agency
from tests.platforms.live_simulator import LiveSimulator
from tests.simulator.conftest import make_settings, seeded_db

from huntaze.campaigns import dispatch
from huntaze.campaigns.models import CampaignRecipient
from huntaze.campaigns.service import campaigns
from huntaze.campaigns.states import State
from huntaze.config import get_settings
from huntaze.core.db import utcnow
from huntaze.fans.models import Fan
from huntaze.outbox import sender
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.tasks import dispatch_due
from huntaze.platforms.limits import KINDS
from huntaze.simulator import create_simulator_app

FANS = int(os.environ.get("HUNTAZE_CAMPAIGN_TEST_FANS", "200"))


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSimulator]:
    path = seeded_db(tmp_path_factory.mktemp("sim-campaign") / "sim.sqlite3", fans=FANS)
    app = create_simulator_app(make_settings(path), seed_if_empty=False)
    with serve(app) as url:
        yield LiveSimulator(url=url)


@pytest.fixture(autouse=True)
def fast_and_unpaced(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Pacing is not under test here (the outbox's own tests cover it): at the platform's rate a
    # few hundred messages take minutes.
    limits = {kind: {"per_minute": 100_000, "burst": 1_000} for kind in KINDS}
    monkeypatch.setenv("HUNTAZE_PLATFORM_SEND_LIMITS", json.dumps(limits))
    monkeypatch.setenv("HUNTAZE_OUTBOX_BACKOFF_BASE_S", "0.05")
    monkeypatch.setenv("HUNTAZE_OUTBOX_BACKOFF_CAP_S", "0.2")
    monkeypatch.setenv("HUNTAZE_OUTBOX_CIRCUIT_FAILURES", "50")
    get_settings.cache_clear()
    sender.reset_platform_rate_limiter()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()
    sender.reset_platform_rate_limiter()


class WorkerDiedError(Exception):
    """A planning worker's death, injected between creating a batch and committing it."""


@pytest.mark.slow
def test_campaign_delivers_exactly_once_through_faults_and_a_dead_planner(
    session: Session, sim: LiveSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    username = "creator1"
    sim.clear_faults(username)
    agency: Agency = make_agency(session, base_url=sim.url, secret=sim.secret_json(username))
    items = sim.admin("GET", f"/accounts/{username}/fans", params={"limit": 10_000})["items"]
    fans = [
        Fan(
            organization_id=agency.account.organization_id,
            creator_id=agency.account.creator_id,
            platform_account_id=agency.account.id,
            platform_fan_id=str(item["id"]),
            username=str(item.get("username") or item["id"]),
            display_name="",
            status=item["status"],
            opted_out=index % 17 == 0,
        )
        for index, item in enumerate(items)
    ]
    session.add_all(fans)
    session.flush()
    active = [f for f in fans if f.status == "active"]
    excluded = [f.id for f in active if not f.opted_out][:5]
    segment = make_segment(
        session, agency, rules={"subscription": "active"}, exclude_fan_ids=excluded
    )
    campaign = make_campaign(
        session, agency, segment, holdout_percent=10, batch_size=10, exclude_messaged_hours=None
    )
    real_create = dispatch.create_batch
    planned_batches = 0

    def dies_sometimes(*args: object, **kwargs: object) -> object:
        nonlocal planned_batches
        planned_batches += 1
        result = real_create(*args, **kwargs)  # type: ignore[arg-type]
        if planned_batches == 2:
            raise WorkerDiedError("killed before the batch committed")
        return result

    monkeypatch.setattr(dispatch, "create_batch", dies_sometimes)
    sim.fault("error_rate", username, params={"rate": 0.2, "status": 503})
    sim.fault("lost_response", username, params={"rate": 1 / 8})
    try:
        campaigns.start(session, agency.manager.actor, campaign)
        session.commit()  # the first step runs at once (the queue is immediate in tests)
    except WorkerDiedError:
        pass
    deadline = time.monotonic() + 300
    replanned = False
    while True:
        assert time.monotonic() < deadline, "the campaign did not finish"
        try:
            state = dispatch.advance(campaign.id, max_batches=2)
        except WorkerDiedError:
            state = State.SENDING.value
        if not replanned and planned_batches >= 4:
            # A worker died after its batch committed, before the marks were kept: the batch's
            # recipients are pending again and are planned once more.
            replanned = True
            session.execute(
                update(CampaignRecipient)
                .where(
                    CampaignRecipient.campaign_id == campaign.id,
                    CampaignRecipient.state == "queued",
                )
                .values(state="pending", outbound_message_id=None)
            )
            session.commit()
        dispatch_due()
        if state == State.DONE:
            break
        time.sleep(0.05)
    sim.clear_faults(username)

    rows = session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.source_id == campaign.id)
        .execution_options(populate_existing=True)
    ).all()
    assert {row.state for row in rows} == {"sent"}, Counter(row.state for row in rows)
    arms = dict(
        session.execute(
            select(CampaignRecipient.platform_fan_id, CampaignRecipient.arm).where(
                CampaignRecipient.campaign_id == campaign.id
            )
        ).all()
    )
    eligible = {pid for pid, arm in arms.items() if arm == "treated"}
    held_out = {pid for pid, arm in arms.items() if arm == "holdout"}
    assert held_out and eligible
    nonces = {row.nonce: row for row in rows}
    delivered: Counter[str] = Counter()
    for message in sim.admin("GET", f"/accounts/{username}/deliveries")["messages"]:
        if message.get("nonce") in nonces:
            delivered[str(message["fan_id"])] += 1
    assert set(delivered.values()) == {1}, [fan for fan, n in delivered.items() if n != 1]
    assert set(delivered) == eligible
    opted_out = {f.platform_fan_id for f in fans if f.opted_out}
    listed_out = {f.platform_fan_id for f in fans if f.id in excluded}
    expired = {f.platform_fan_id for f in fans if f.status != "active"}
    assert not set(delivered) & (opted_out | listed_out | expired | held_out)
    assert {f.platform_fan_id for f in active} - opted_out - listed_out == eligible | held_out
    print(
        f"\n{len(active)} active fans: {len(eligible)} delivered once each, "
        f"{len(held_out)} held out, {len(opted_out & set(arms))} opted out, "
        f"{len(listed_out)} on the exclude list; {planned_batches} batches planned"
    )


@pytest.mark.slow
def test_ab_campaign_with_a_remainder_delivers_exactly_once_through_faults(
    session: Session, sim: LiveSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two variants on a third of the treated fans, the winner to the rest after the test's
    time, with the same faults and a planning worker that dies: each treated fan gets exactly
    one message (its variant's, or the winner's), nobody else any."""
    username = "creator2"
    sim.clear_faults(username)
    agency: Agency = make_agency(session, base_url=sim.url, secret=sim.secret_json(username))
    items = sim.admin("GET", f"/accounts/{username}/fans", params={"limit": 10_000})["items"]
    fans = [
        Fan(
            organization_id=agency.account.organization_id,
            creator_id=agency.account.creator_id,
            platform_account_id=agency.account.id,
            platform_fan_id=str(item["id"]),
            username=str(item.get("username") or item["id"]),
            display_name="",
            status=item["status"],
            opted_out=index % 13 == 0,
        )
        for index, item in enumerate(items)
    ]
    session.add_all(fans)
    session.flush()
    segment = make_segment(session, agency, rules={"subscription": "active"})
    variants = [
        {"label": "A", "text": "Hi {{name}}, thanks for being here", "split_percent": 50},
        {"label": "B", "text": "{{name}}, you make my day", "split_percent": 50},
    ]
    campaign = make_campaign(
        session,
        agency,
        segment,
        holdout_percent=10,
        batch_size=20,
        exclude_messaged_hours=None,
        variants=variants,
        test_percent=35,
        test_hours=1,
    )
    real_create = dispatch.create_batch
    planned_batches = 0

    def dies_sometimes(*args: object, **kwargs: object) -> object:
        nonlocal planned_batches
        planned_batches += 1
        result = real_create(*args, **kwargs)  # type: ignore[arg-type]
        if planned_batches in (2, 6):
            raise WorkerDiedError("killed before the batch committed")
        return result

    monkeypatch.setattr(dispatch, "create_batch", dies_sometimes)
    sim.fault("error_rate", username, params={"rate": 0.2, "status": 503})
    sim.fault("lost_response", username, params={"rate": 1 / 8})
    try:
        campaigns.start(session, agency.manager.actor, campaign)
        session.commit()
    except WorkerDiedError:
        pass
    deadline = time.monotonic() + 300
    rounds = 0
    while True:
        assert time.monotonic() < deadline, "the campaign did not finish"
        rounds += 1
        # The test phase first, then the clock passes the test's hour: the winner is chosen.
        moment = utcnow() + (dt.timedelta(hours=2) if rounds > 3 else dt.timedelta())
        try:
            state = dispatch.advance(campaign.id, max_batches=2, now=moment)
        except WorkerDiedError:
            state = State.SENDING.value
        dispatch_due()
        if state == State.DONE:
            break
        time.sleep(0.05)
    sim.clear_faults(username)

    session.expire_all()
    session.refresh(campaign)
    assert campaign.winner_variant_id in {v.id for v in campaign.variants}
    rows = session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.source_id == campaign.id)
        .execution_options(populate_existing=True)
    ).all()
    assert {row.state for row in rows} == {"sent"}, Counter(row.state for row in rows)
    recipients = session.scalars(
        select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign.id)
    ).all()
    eligible = {r.platform_fan_id for r in recipients if r.arm == "treated"}
    others = {f.platform_fan_id for f in fans} - eligible
    variant_of = {r.platform_fan_id: r.variant_id for r in recipients if r.arm == "treated"}
    assert set(Counter(variant_of.values())) == {v.id for v in campaign.variants}
    text_of = {v.id: v.text.split("}}")[-1] for v in campaign.variants}
    nonces = {row.nonce: row for row in rows}
    delivered: Counter[str] = Counter()
    for message in sim.admin("GET", f"/accounts/{username}/deliveries")["messages"]:
        row = nonces.get(message.get("nonce"))
        if row is not None:
            delivered[str(message["fan_id"])] += 1
            variant_id = variant_of[str(message["fan_id"])]
            assert variant_id is not None and row.text.endswith(text_of[variant_id])
    assert set(delivered.values()) == {1}, [fan for fan, n in delivered.items() if n != 1]
    assert set(delivered) == eligible
    assert not set(delivered) & others
    print(
        f"\nA/B: {len(eligible)} delivered once each "
        f"({Counter(variant_of.values()).most_common()}), {planned_batches} batches planned"
    )
