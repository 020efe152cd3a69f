"""JSON API of segments and campaigns under ``/api/v1`` (DESIGN.md §6 "Campaign", §8.1: thin
routes). Starting, pausing, resuming and cancelling change rows only; a worker plans and sends.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from huntaze.accounts.auth import ApiActor
from huntaze.campaigns.auth import CampaignFromPath, SegmentFromPath
from huntaze.campaigns.schemas import (
    AutomationBody,
    AutomationIn,
    AutomationOut,
    CampaignBody,
    CampaignIn,
    CampaignOut,
    ProgressOut,
    SegmentCountOut,
    SegmentCreateIn,
    SegmentDraft,
    SegmentIn,
    SegmentOut,
    SegmentRulesIn,
    UpliftOut,
)
from huntaze.campaigns.service import campaigns
from huntaze.core.fields import MAX_OFFSET
from huntaze.core.http import DbSession
from huntaze.creators.auth import PlatformAccountFromPath

router = APIRouter(tags=["campaigns"])


@router.get("/segments", response_model=list[SegmentOut])
def list_segments(actor: ApiActor, session: DbSession) -> list[SegmentOut]:
    """The organization's saved segments, by name."""
    return [SegmentOut.model_validate(s) for s in campaigns.segments(session, actor)]


@router.post("/platform-accounts/{account_id}/segments", response_model=SegmentOut, status_code=201)
def create_segment(
    account: PlatformAccountFromPath, body: SegmentCreateIn, actor: ApiActor, session: DbSession
) -> SegmentOut:
    """Save a segment: rules over the account's fans, plus include and exclude lists."""
    data = SegmentIn(platform_account_id=account.id, **body.model_dump())
    return SegmentOut.model_validate(campaigns.create_segment(session, actor, data))


@router.post("/platform-accounts/{account_id}/segments/count", response_model=SegmentCountOut)
def count_segment_draft(
    account: PlatformAccountFromPath, body: SegmentRulesIn, actor: ApiActor, session: DbSession
) -> SegmentCountOut:
    """How many of the account's fans rules and lists hold right now (the live count)."""
    draft = SegmentDraft(platform_account_id=account.id, **body.model_dump())
    return campaigns.count(session, actor, draft)


@router.get("/segments/{segment_id}", response_model=SegmentOut)
def get_segment(segment: SegmentFromPath) -> SegmentOut:
    """One saved segment."""
    return SegmentOut.model_validate(segment)


@router.get("/segments/{segment_id}/count", response_model=SegmentCountOut)
def count_segment(segment: SegmentFromPath, actor: ApiActor, session: DbSession) -> SegmentCountOut:
    """How many fans a saved segment holds now (it stays live)."""
    return campaigns.count_segment(session, actor, segment)


@router.delete("/segments/{segment_id}", status_code=204)
def delete_segment(segment: SegmentFromPath, actor: ApiActor, session: DbSession) -> Response:
    """Delete a segment that no campaign uses."""
    campaigns.delete_segment(session, actor, segment)
    return Response(status_code=204)


@router.get("/campaigns", response_model=list[CampaignOut])
def list_campaigns(
    actor: ApiActor,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[CampaignOut]:
    """The organization's campaigns, newest first."""
    found = campaigns.list(session, actor, limit=limit, offset=offset)
    return [CampaignOut.model_validate(c) for c in found]


@router.post("/segments/{segment_id}/campaigns", response_model=CampaignOut, status_code=201)
def create_campaign(
    segment: SegmentFromPath, body: CampaignBody, actor: ApiActor, session: DbSession
) -> CampaignOut:
    """A draft campaign to the segment; refused (422) when it could not be sent as written."""
    data = CampaignIn(segment_id=segment.id, **body.model_dump())
    return CampaignOut.model_validate(campaigns.create(session, actor, data))


@router.get("/campaigns/{campaign_id}", response_model=CampaignOut)
def get_campaign(campaign: CampaignFromPath) -> CampaignOut:
    """One campaign."""
    return CampaignOut.model_validate(campaign)


@router.get("/campaigns/{campaign_id}/progress", response_model=ProgressOut)
def campaign_progress(
    campaign: CampaignFromPath, actor: ApiActor, session: DbSession
) -> ProgressOut:
    """The audience by arm and the messages by state."""
    return campaigns.progress(session, actor, campaign)


@router.get("/campaigns/{campaign_id}/uplift", response_model=UpliftOut)
def campaign_uplift(
    campaign: CampaignFromPath,
    actor: ApiActor,
    session: DbSession,
    window_days: Annotated[int, Query(ge=1, le=90)] = 7,
) -> UpliftOut:
    """Incremental revenue per fan over the hold-out, with its interval (a warning when the
    groups are too small to tell)."""
    return campaigns.uplift(session, actor, campaign, window_days=window_days)


@router.post("/campaigns/{campaign_id}/start", response_model=CampaignOut)
def start_campaign(campaign: CampaignFromPath, actor: ApiActor, session: DbSession) -> CampaignOut:
    """Check the campaign again and hand it to the worker."""
    return CampaignOut.model_validate(campaigns.start(session, actor, campaign))


@router.post("/campaigns/{campaign_id}/pause", response_model=CampaignOut)
def pause_campaign(campaign: CampaignFromPath, actor: ApiActor, session: DbSession) -> CampaignOut:
    """Plan no more batches (at most the batch already queued still goes out)."""
    return CampaignOut.model_validate(campaigns.pause(session, actor, campaign))


@router.post("/campaigns/{campaign_id}/resume", response_model=CampaignOut)
def resume_campaign(campaign: CampaignFromPath, actor: ApiActor, session: DbSession) -> CampaignOut:
    """Continue a paused campaign with its next pending recipients."""
    return CampaignOut.model_validate(campaigns.resume(session, actor, campaign))


@router.post("/campaigns/{campaign_id}/cancel", response_model=CampaignOut)
def cancel_campaign(campaign: CampaignFromPath, actor: ApiActor, session: DbSession) -> CampaignOut:
    """End the campaign: queued messages and pending recipients are cancelled."""
    return CampaignOut.model_validate(campaigns.cancel(session, actor, campaign))


@router.get("/automations", response_model=list[AutomationOut])
def list_automations(actor: ApiActor, session: DbSession) -> list[AutomationOut]:
    """The organization's automations (welcome and win-back flows)."""
    return [AutomationOut.model_validate(a) for a in campaigns.automations(session, actor)]


@router.post(
    "/platform-accounts/{account_id}/automations", response_model=AutomationOut, status_code=201
)
def create_automation(
    account: PlatformAccountFromPath, body: AutomationBody, actor: ApiActor, session: DbSession
) -> AutomationOut:
    """A flow that reaches each fan of the account who subscribes (or expires) from now on,
    once per trigger, under a frequency cap across all flows."""
    data = AutomationIn(platform_account_id=account.id, **body.model_dump())
    return AutomationOut.model_validate(campaigns.create_automation(session, actor, data))
