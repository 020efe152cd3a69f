"""All SQL of campaigns, tenant-scoped for people; by id with compare-and-set for the worker
(DESIGN.md §8.2, §6 "Campaign")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from huntaze.campaigns.models import Campaign, CampaignRecipient, Segment
from huntaze.campaigns.states import State, check_move
from huntaze.core.db import utcnow
from huntaze.core.repository import TenantRepository
from huntaze.core.tenancy import OrgId, tenant_filter
from huntaze.fans.models import Fan


class SegmentRepository(TenantRepository[Segment]):
    model = Segment
    not_found_message = "There is no such segment in this organization."

    def by_name(self, session: Session, org: OrgId, name: str) -> Segment | None:
        return session.scalars(self.scoped(org).where(Segment.name == name)).one_or_none()

    def all(self, session: Session, org: OrgId) -> Sequence[Segment]:
        return session.scalars(self.scoped(org).order_by(Segment.name, Segment.id)).all()


class CampaignRepository(TenantRepository[Campaign]):
    model = Campaign
    not_found_message = "There is no such campaign in this organization."

    def newest(
        self, session: Session, org: OrgId, *, limit: int, offset: int
    ) -> Sequence[Campaign]:
        stmt = self.scoped(org).order_by(Campaign.created_at.desc(), Campaign.id.desc())
        return session.scalars(stmt.limit(limit).offset(offset)).all()

    def using_segment(self, session: Session, org: OrgId, segment_id: str) -> int:
        stmt = select(func.count()).where(
            tenant_filter(Campaign, org), Campaign.segment_id == segment_id
        )
        return int(session.scalar(stmt) or 0)

    def by_id(self, session: Session, campaign_id: str) -> Campaign | None:
        """A campaign by id in any organization (the worker holds only the id)."""
        return session.get(Campaign, campaign_id, populate_existing=True)

    def active_ids(self, session: Session) -> Sequence[str]:
        """Campaigns a worker has to move on: scheduled or sending."""
        stmt = select(Campaign.id).where(Campaign.state.in_((State.SCHEDULED, State.SENDING)))
        return session.scalars(stmt.order_by(Campaign.id)).all()

    def move(
        self,
        session: Session,
        campaign_id: str,
        *,
        from_states: Sequence[State],
        to_state: State,
        **values: Any,
    ) -> bool:
        """Compare-and-set from any of ``from_states`` to ``to_state``; whether this call won."""
        for state in from_states:
            check_move(state, to_state)
        stmt = (
            update(Campaign)
            .where(Campaign.id == campaign_id, Campaign.state.in_([s.value for s in from_states]))
            .values(
                state=to_state.value,
                updated_at=values.pop("updated_at", None) or utcnow(),
                **values,
            )
            .execution_options(synchronize_session=False)
        )
        won = bool(session.execute(stmt).rowcount == 1)  # type: ignore[attr-defined]
        session.expire_all()
        return won

    def add_planned(self, session: Session, campaign_id: str, count: int) -> bool:
        """Count ``count`` more planned recipients, only while the campaign is still sending
        (a pause or cancel committed meanwhile makes this 0 rows: the batch is rolled back)."""
        stmt = (
            update(Campaign)
            .where(Campaign.id == campaign_id, Campaign.state == State.SENDING.value)
            .values(planned_count=Campaign.planned_count + count, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return bool(session.execute(stmt).rowcount == 1)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class DueRecipient:
    """A recipient to plan: its row, its fan and the names its text is rendered with."""

    id: str
    fan_id: str
    platform_fan_id: str
    username: str
    display_name: str
    variant_id: str | None = None


class RecipientRepository:
    """The frozen audience of campaigns."""

    def counts(self, session: Session, campaign_id: str) -> dict[str, int]:
        stmt = (
            select(CampaignRecipient.state, func.count())
            .where(CampaignRecipient.campaign_id == campaign_id)
            .group_by(CampaignRecipient.state)
        )
        return {str(state): int(count) for state, count in session.execute(stmt).all()}

    def due(
        self, session: Session, campaign_id: str, *, now: dt.datetime, limit: int
    ) -> Sequence[DueRecipient]:
        """The next pending recipients whose time has come, with their fan's names (one
        query, plain rows)."""
        stmt = (
            select(
                CampaignRecipient.id,
                CampaignRecipient.fan_id,
                CampaignRecipient.platform_fan_id,
                Fan.username,
                Fan.display_name,
                CampaignRecipient.variant_id,
            )
            .join(Fan, Fan.id == CampaignRecipient.fan_id)
            .where(
                CampaignRecipient.campaign_id == campaign_id,
                CampaignRecipient.state == "pending",
                CampaignRecipient.send_after <= now,
            )
            .order_by(CampaignRecipient.send_after, CampaignRecipient.id)
            .limit(limit)
        )
        return [DueRecipient(*row) for row in session.execute(stmt).all()]

    def cancel_pending(self, session: Session, campaign_id: str) -> int:
        stmt = (
            update(CampaignRecipient)
            .where(
                CampaignRecipient.campaign_id == campaign_id,
                CampaignRecipient.state.in_(("pending", "waiting")),
            )
            .values(state="cancelled", reason="The campaign was cancelled.")
            .execution_options(synchronize_session=False)
        )
        return int(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


segments_repo = SegmentRepository()
campaigns_repo = CampaignRepository()
recipients_repo = RecipientRepository()
