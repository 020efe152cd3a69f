"""Factories for campaign tests: fans of an agency's platform account, segments, campaigns."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy.orm import Session
from tests.outbox.helpers import Agency

from huntaze.campaigns.models import Campaign, Segment
from huntaze.campaigns.schemas import CampaignIn, SegmentIn
from huntaze.campaigns.service import campaigns
from huntaze.core.db import utcnow
from huntaze.fans.models import Fan

_numbers = itertools.count(1)


def make_fan(session: Session, agency: Agency, **values: Any) -> Fan:
    """A fan of the agency's account (platform id unique unless given)."""
    n = next(_numbers)
    fan = Fan(
        organization_id=agency.account.organization_id,
        creator_id=agency.account.creator_id,
        platform_account_id=agency.account.id,
        platform_fan_id=str(values.pop("platform_fan_id", f"f{n}")),
        username=values.pop("username", f"fan{n}"),
        display_name=values.pop("display_name", ""),
        status=values.pop("status", "active"),
        **values,
    )
    session.add(fan)
    session.flush()
    return fan


def make_fans(session: Session, agency: Agency, count: int, **values: Any) -> list[Fan]:
    return [make_fan(session, agency, **values) for _ in range(count)]


def make_segment(
    session: Session, agency: Agency, *, name: str | None = None, **data: Any
) -> Segment:
    body = {"platform_account_id": agency.account.id, "name": name or f"seg {next(_numbers)}"}
    return campaigns.create_segment(
        session, agency.manager.actor, SegmentIn.model_validate({**body, **data})
    )


def make_campaign(session: Session, agency: Agency, segment: Segment, **data: Any) -> Campaign:
    body: dict[str, Any] = {"name": f"camp {next(_numbers)}", "segment_id": segment.id}
    body.update({"text": "Hi {{name}}, thanks for being here!"})
    return campaigns.create(
        session, agency.manager.actor, CampaignIn.model_validate({**body, **data})
    )


def hours_ago(hours: float) -> dt.datetime:
    return utcnow() - dt.timedelta(hours=hours)
