"""Access aliases of campaigns: a segment or campaign named in the path, loaded through the
service for the request's actor, 404 when it is another organization's (DESIGN.md §8.1, §8.2).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from huntaze.accounts.auth import ApiActor, PageUser
from huntaze.campaigns.models import Campaign, Segment
from huntaze.campaigns.service import campaigns
from huntaze.core.fields import ObjectId
from huntaze.core.http import DbSession

SegmentId = Annotated[ObjectId, Path(description="A saved segment of the organization.")]
CampaignId = Annotated[ObjectId, Path(description="A campaign of the organization.")]


def _segment_for_api(segment_id: SegmentId, actor: ApiActor, session: DbSession) -> Segment:
    return campaigns.get_segment(session, actor, segment_id)


def _segment_for_page(segment_id: SegmentId, auth: PageUser, session: DbSession) -> Segment:
    return campaigns.get_segment(session, auth.actor, segment_id)


def _campaign_for_api(campaign_id: CampaignId, actor: ApiActor, session: DbSession) -> Campaign:
    return campaigns.get(session, actor, campaign_id)


def _campaign_for_page(campaign_id: CampaignId, auth: PageUser, session: DbSession) -> Campaign:
    return campaigns.get(session, auth.actor, campaign_id)


SegmentFromPath = Annotated[Segment, Depends(_segment_for_api)]
PageSegmentFromPath = Annotated[Segment, Depends(_segment_for_page)]
CampaignFromPath = Annotated[Campaign, Depends(_campaign_for_api)]
PageCampaignFromPath = Annotated[Campaign, Depends(_campaign_for_page)]
