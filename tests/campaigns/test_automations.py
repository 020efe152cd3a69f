"""Automations over 30 simulated days on a fast-forward clock (acceptance 4): every new
subscriber gets one welcome per flow, every expired fan one win-back, and no fan gets more
automated messages in any 7 days than the frequency cap."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from tests.campaigns.helpers import make_fan
from tests.outbox.helpers import Agency, make_agency

from huntaze.campaigns.automations import run_automations
from huntaze.campaigns.models import Automation, AutomationSend
from huntaze.campaigns.schemas import AutomationIn
from huntaze.campaigns.service import campaigns
from huntaze.core.db import utcnow
from huntaze.core.errors import InvalidInputError
from huntaze.outbox import batch
from huntaze.outbox.models import OutboundMessage

DAYS = 30
CAP = 2


@pytest.fixture(autouse=True)
def no_send_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "wake_after_commit", lambda *args, **kwargs: None)


def _flow(session: Session, agency: Agency, start: dt.datetime, **data: object) -> Automation:
    body = {"platform_account_id": agency.account.id, "cap_per_week": CAP, **data}
    made = campaigns.create_automation(
        session, agency.manager.actor, AutomationIn.model_validate(body)
    )
    session.execute(update(Automation).where(Automation.id == made.id).values(created_at=start))
    session.refresh(made)
    return made


def test_thirty_days_of_welcomes_and_win_backs_under_the_cap(session: Session) -> None:
    agency = make_agency(session)
    rng = random.Random(19)
    start = (utcnow() - dt.timedelta(days=DAYS + 2)).replace(microsecond=0)
    welcome = _flow(
        session,
        agency,
        start,
        name="Welcome",
        trigger="welcome",
        text="Welcome {{name}}!",
        delay_hours=1,
    )
    day_after = _flow(
        session,
        agency,
        start,
        name="Day after",
        trigger="welcome",
        text="How was your first day, {{name}}?",
        delay_hours=24,
    )
    win_back = _flow(
        session,
        agency,
        start,
        name="Win-back",
        trigger="win_back",
        text="We miss you {{name}}, come back?",
        days_after_expiry=3,
    )
    old_fans = [
        make_fan(session, agency, subscribed_at=start - dt.timedelta(days=10)) for _ in range(5)
    ]
    opted_out = make_fan(
        session, agency, subscribed_at=start + dt.timedelta(hours=5), opted_out=True
    )
    subscribed: dict[str, dt.datetime] = {}
    expired: dict[str, dt.datetime] = {}
    fans = []
    clock = start
    end = start + dt.timedelta(days=DAYS)
    while clock < end:
        clock += dt.timedelta(hours=6)
        for _ in range(rng.randint(0, 3)):
            at = clock - dt.timedelta(minutes=rng.randint(0, 359))
            fan = make_fan(session, agency, subscribed_at=at)
            fans.append(fan)
            subscribed[fan.id] = at
        for fan in [f for f in fans + old_fans if f.status == "active"]:
            # Fans leave at least two days after joining (both welcomes reached them first).
            joined = subscribed.get(fan.id, start - dt.timedelta(days=10))
            if clock - joined > dt.timedelta(days=2) and rng.random() < 0.03:
                fan.status = "expired"
                fan.expires_at = clock - dt.timedelta(minutes=rng.randint(0, 359))
                expired[fan.id] = fan.expires_at
        session.flush()
        run_automations(session, clock, organization_id=agency.account.organization_id)
        run_automations(session, clock, organization_id=agency.account.organization_id)  # twice

    rows = session.scalars(select(AutomationSend)).all()
    per_flow = Counter((row.automation_id, row.fan_id) for row in rows)
    assert set(per_flow.values()) == {1}  # one per fan and trigger, however often it ran
    reached = {(row.automation_id, row.fan_id) for row in rows}
    for fan_id, at in subscribed.items():
        assert ((welcome.id, fan_id) in reached) == (at <= end - dt.timedelta(hours=1))
        assert ((day_after.id, fan_id) in reached) == (at <= end - dt.timedelta(hours=24))
    for fan_id, at in expired.items():
        assert ((win_back.id, fan_id) in reached) == (at <= end - dt.timedelta(days=3))
    for fan in old_fans:
        assert (welcome.id, fan.id) not in reached  # subscribed before the flow existed
    assert not any(row.fan_id == opted_out.id for row in rows)

    sent_at: dict[str, list[dt.datetime]] = defaultdict(list)
    for row in rows:
        if row.state == "queued":
            sent_at[row.fan_id].append(row.at)
    for times in sent_at.values():
        times.sort()
        for i, first in enumerate(times):
            in_week = [t for t in times[i:] if t - first < dt.timedelta(days=7)]
            assert len(in_week) <= CAP
    states = Counter(row.state for row in rows)
    assert states["capped"] > 0 and states["queued"] > 50, states
    keys = session.scalars(
        select(OutboundMessage.idempotency_key).where(OutboundMessage.source_kind == "automation")
    ).all()
    assert len(keys) == states["queued"] == len(set(keys))


def test_an_automation_refuses_unknown_variables(session: Session) -> None:
    agency = make_agency(session)
    with pytest.raises(InvalidInputError, match="Unknown template variable"):
        _flow(session, agency, utcnow(), name="x", trigger="welcome", text="Hi {{nick}}")
