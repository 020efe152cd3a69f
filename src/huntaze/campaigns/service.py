"""The campaigns service: segments with a live count, and campaigns from draft to done
(DESIGN.md §6 "Campaign").

Bad input is refused when the campaign is written and again when it is started, before anything
is sent: an empty segment, a price outside the platform's range, a schedule in the past, an
unknown template variable, a PPV without media, a text compliance blocks. Starting moves
``draft → scheduled`` and wakes the worker (:mod:`huntaze.campaigns.dispatch`), which freezes the
audience and plans paced batches; pause, resume and cancel are compare-and-set moves that the
worker's next batch respects. The service never commits.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.audit import audit, snapshot
from huntaze.accounts.permissions import Permission
from huntaze.campaigns.checks import (
    DEFAULT_PPV_PRICE_RANGE,
    PPV_PRICE_RANGE,
    check_variants,
    draft_of,
    input_of,
    invalid,
    with_first_variant,
)
from huntaze.campaigns.dispatch import SOURCE_KIND
from huntaze.campaigns.models import Automation, Campaign, CampaignVariant, Segment
from huntaze.campaigns.personalize import check_template, render
from huntaze.campaigns.repository import campaigns_repo, recipients_repo, segments_repo
from huntaze.campaigns.results import campaign_uplift
from huntaze.campaigns.rules import SegmentRules, membership
from huntaze.campaigns.schemas import (
    AutomationIn,
    CampaignIn,
    ProgressOut,
    SegmentCountOut,
    SegmentDraft,
    SegmentIn,
    UpliftOut,
    VariantResultOut,
)
from huntaze.campaigns.states import (
    ACTION_MOVES,
    Action,
    Kind,
    Schedule,
    State,
    actions_from,
)
from huntaze.campaigns.tasks import wake_campaign_after_commit
from huntaze.campaigns.variants import variant_results
from huntaze.compliance.models import Outcome
from huntaze.content.service import vault
from huntaze.core.db import new_id, utcnow
from huntaze.core.errors import ConflictError, NotFoundError
from huntaze.core.tenancy import OrgId, tenant_filter, trusted_org_id
from huntaze.creators.service import creators
from huntaze.fans.models import Fan
from huntaze.outbox.batch import cancel_queued_of_source, check_texts, counts_of_source

AUDIT_FIELDS = (
    "state",
    "name",
    "kind",
    "price_cents",
    "schedule",
    "segment_id",
    "winner_metric",
    "test_hours",
    "test_percent",
)


def segment_condition(
    org: OrgId,
    account_id: str,
    rules: SegmentRules,
    include: list[str],
    exclude: list[str],
    now: dt.datetime,
) -> list[object]:
    """The WHERE clauses of a segment's fans: the organization, the account, the rules."""
    return [
        tenant_filter(Fan, org),
        Fan.platform_account_id == account_id,
        membership(rules, include=include, exclude=exclude, now=now),
    ]


class CampaignService:
    """Segments and campaigns of an organization, with an audit row per change."""

    # -- segments -----------------------------------------------------------------------

    def count(self, session: Session, actor: Actor, draft: SegmentDraft) -> SegmentCountOut:
        """How many fans the rules and lists hold now (the live count of the builder)."""
        actor.require(Permission.CAMPAIGNS_READ)
        creators.get_account(session, actor, draft.platform_account_id)
        where = segment_condition(
            actor.org,
            draft.platform_account_id,
            draft.rules,
            list(draft.include_fan_ids),
            list(draft.exclude_fan_ids),
            utcnow(),
        )
        stmt = select(func.count(), func.count().filter(Fan.opted_out)).where(*where)  # type: ignore[arg-type]
        fans_count, opted_out = session.execute(stmt).one()
        return SegmentCountOut(fans=int(fans_count), opted_out=int(opted_out or 0))

    def count_segment(self, session: Session, actor: Actor, segment: Segment) -> SegmentCountOut:
        """The live count of a saved segment."""
        return self.count(session, actor, draft_of(segment))

    def segments(self, session: Session, actor: Actor) -> Sequence[Segment]:
        actor.require(Permission.CAMPAIGNS_READ)
        return segments_repo.all(session, actor.org)

    def get_segment(self, session: Session, actor: Actor, segment_id: str) -> Segment:
        actor.require(Permission.CAMPAIGNS_READ)
        return segments_repo.get(session, actor.org, segment_id)

    def create_segment(self, session: Session, actor: Actor, data: SegmentIn) -> Segment:
        """Save a segment (its members stay live: they are whoever matches at each count)."""
        actor.require(Permission.CAMPAIGNS_WRITE)
        creators.get_account(session, actor, data.platform_account_id)
        if segments_repo.by_name(session, actor.org, data.name) is not None:
            raise ConflictError(f"A segment named {data.name!r} exists already.")
        segment = Segment(
            organization_id=actor.org,
            platform_account_id=data.platform_account_id,
            name=data.name,
            rules=data.rules.model_dump(exclude_defaults=True),
            include_fan_ids=list(dict.fromkeys(data.include_fan_ids)),
            exclude_fan_ids=list(dict.fromkeys(data.exclude_fan_ids)),
        )
        try:
            with session.begin_nested():
                session.add(segment)
                session.flush()
        except IntegrityError as exc:
            raise ConflictError(f"A segment named {data.name!r} exists already.") from exc
        audit.record(
            session,
            actor,
            action="segment.create",
            target_type="segment",
            target_id=segment.id,
            after={"name": segment.name, "rules": segment.rules},
        )
        return segment

    def delete_segment(self, session: Session, actor: Actor, segment: Segment) -> None:
        """Delete a segment no campaign uses."""
        actor.require(Permission.CAMPAIGNS_WRITE)
        if campaigns_repo.using_segment(session, actor.org, segment.id):
            raise ConflictError("Campaigns use this segment; it stays while they exist.")
        audit.record(
            session,
            actor,
            action="segment.delete",
            target_type="segment",
            target_id=segment.id,
            before={"name": segment.name},
        )
        session.delete(segment)
        session.flush()

    # -- campaigns ----------------------------------------------------------------------

    def list(
        self, session: Session, actor: Actor, *, limit: int = 50, offset: int = 0
    ) -> Sequence[Campaign]:
        actor.require(Permission.CAMPAIGNS_READ)
        return campaigns_repo.newest(session, actor.org, limit=limit, offset=offset)

    def get(self, session: Session, actor: Actor, campaign_id: str) -> Campaign:
        actor.require(Permission.CAMPAIGNS_READ)
        return campaigns_repo.get(session, actor.org, campaign_id)

    def create(self, session: Session, actor: Actor, data: CampaignIn) -> Campaign:
        """A draft campaign, refused with a clear message when anything in it cannot be sent."""
        actor.require(Permission.CAMPAIGNS_WRITE)
        segment = segments_repo.get(session, actor.org, data.segment_id)
        data = with_first_variant(data)
        self._check(session, actor, data, segment)
        campaign = Campaign(
            organization_id=actor.org,
            platform_account_id=segment.platform_account_id,
            segment_id=segment.id,
            name=data.name,
            kind=data.kind.value,
            text=data.text,
            price_cents=data.price_cents,
            media_ids=list(data.media_ids),
            state=State.DRAFT.value,
            schedule=data.schedule.value,
            send_at=data.send_at,
            local_time=data.local_time,
            exclude_messaged_hours=data.exclude_messaged_hours,
            holdout_percent=data.holdout_percent,
            batch_size=data.batch_size,
            seed=new_id(),
            created_by_user_id=actor.user_id,
            winner_metric=data.winner_metric.value,
            test_hours=data.test_hours,
            test_percent=data.test_percent,
            variants=[
                CampaignVariant(
                    organization_id=actor.org,
                    position=position,
                    label=variant.label,
                    text=variant.text,
                    price_cents=variant.price_cents,
                    split_percent=variant.split_percent,
                )
                for position, variant in enumerate(data.variants)
            ],
        )
        session.add(campaign)
        session.flush()
        audit.record(
            session,
            actor,
            action="campaign.create",
            target_type="campaign",
            target_id=campaign.id,
            after=snapshot(campaign, AUDIT_FIELDS),
        )
        return campaign

    def start(self, session: Session, actor: Actor, campaign: Campaign) -> Campaign:
        """Check the campaign again and hand it to the worker (``draft → scheduled``)."""
        actor.require(Permission.CAMPAIGNS_WRITE)
        segment = segments_repo.get(session, actor.org, campaign.segment_id)
        self._check(session, actor, input_of(campaign), segment)
        self._move(session, actor, campaign, Action.START)
        wake_campaign_after_commit(session, campaign.id)
        return campaign

    def pause(self, session: Session, actor: Actor, campaign: Campaign) -> Campaign:
        """Stop planning new batches; what is already queued (at most one batch) still goes."""
        actor.require(Permission.CAMPAIGNS_WRITE)
        self._move(session, actor, campaign, Action.PAUSE)
        return campaign

    def resume(self, session: Session, actor: Actor, campaign: Campaign) -> Campaign:
        """Plan batches again from where the campaign stopped."""
        actor.require(Permission.CAMPAIGNS_WRITE)
        self._move(session, actor, campaign, Action.RESUME)
        wake_campaign_after_commit(session, campaign.id)
        return campaign

    def cancel(self, session: Session, actor: Actor, campaign: Campaign) -> Campaign:
        """End the campaign: no more batches, queued messages cancelled, pending recipients
        cancelled; a message a worker is sending right now finishes."""
        actor.require(Permission.CAMPAIGNS_WRITE)
        self._move(session, actor, campaign, Action.CANCEL, finished_at=utcnow())
        cancelled = cancel_queued_of_source(
            session, actor, source_kind=SOURCE_KIND, source_id=campaign.id
        )
        recipients_repo.cancel_pending(session, campaign.id)
        campaign.state_note = f"Cancelled; {cancelled} queued messages were not sent."
        session.flush()
        return campaign

    def progress(self, session: Session, actor: Actor, campaign: Campaign) -> ProgressOut:
        """The audience by arm and the messages by state (two queries)."""
        actor.require(Permission.CAMPAIGNS_READ)
        return progress_of(session, campaign)

    def uplift(
        self, session: Session, actor: Actor, campaign: Campaign, *, window_days: int = 7
    ) -> UpliftOut:
        """The hold-out estimate of what the campaign earned beyond what its fans would have
        paid anyway, over ``window_days`` after it started."""
        actor.require(Permission.CAMPAIGNS_READ)
        found = campaign_uplift(session, campaign, window=dt.timedelta(days=window_days))
        return UpliftOut(
            window_days=window_days,
            treated_fans=found.treated_fans,
            control_fans=found.control_fans,
            treated_mean_cents=found.treated_mean_cents,
            control_mean_cents=found.control_mean_cents,
            per_fan_cents=found.per_fan_cents,
            low_cents=_finite(found.low_cents),
            high_cents=_finite(found.high_cents),
            confidence=found.confidence,
            total_cents=found.total_cents,
            p_value=found.p_value,
            warning=found.warning,
            variants=[
                VariantResultOut(
                    variant_id=r.variant.id,
                    label=r.variant.label,
                    price_cents=r.variant.price_cents,
                    recipients=r.recipients,
                    sent=r.sent,
                    buyers=r.buyers,
                    buy_rate=r.buy_rate,
                    revenue_cents=r.revenue_cents,
                    revenue_per_recipient_cents=r.revenue_per_recipient_cents,
                    lift_per_fan_cents=r.lift.per_fan_cents,
                    low_cents=_finite(r.lift.low_cents),
                    high_cents=_finite(r.lift.high_cents),
                    p_value=r.lift.p_value,
                    winner=r.variant.id == campaign.winner_variant_id,
                    warning=r.lift.warning,
                )
                for r in variant_results(session, campaign, window=dt.timedelta(days=window_days))
            ],
        )

    # -- automations ---------------------------------------------------------------------

    def automations(self, session: Session, actor: Actor) -> Sequence[Automation]:
        actor.require(Permission.CAMPAIGNS_READ)
        stmt = select(Automation).where(tenant_filter(Automation, actor.org))
        return session.scalars(stmt.order_by(Automation.created_at, Automation.id)).all()

    def create_automation(self, session: Session, actor: Actor, data: AutomationIn) -> Automation:
        """A flow that starts now: only fans who subscribe or expire from now on are reached."""
        actor.require(Permission.CAMPAIGNS_WRITE)
        check_template(data.text)
        creators.get_account(session, actor, data.platform_account_id)
        automation = Automation(
            organization_id=actor.org,
            created_by_user_id=actor.user_id,
            enabled=True,
            **data.model_dump(),
        )
        session.add(automation)
        session.flush()
        audit.record(
            session,
            actor,
            action="automation.create",
            target_type="automation",
            target_id=automation.id,
            after={"name": automation.name, "trigger": automation.trigger},
        )
        return automation

    # -- checks -------------------------------------------------------------------------

    def _check(self, session: Session, actor: Actor, data: CampaignIn, segment: Segment) -> None:
        check_template(data.text)
        account = creators.get_account(session, actor, segment.platform_account_id)
        check_variants(data)
        if data.kind is Kind.PPV:
            low, high = PPV_PRICE_RANGE.get(account.platform, DEFAULT_PPV_PRICE_RANGE)
            if data.price_cents is None:
                raise invalid("price_cents", "A PPV needs a price.")
            prices = [("price_cents", data.price_cents)] + [
                ("variants", v.price_cents) for v in data.variants if v.price_cents is not None
            ]
            for field, price in prices:
                if not low <= price <= high:
                    raise invalid(
                        field,
                        f"{account.platform} takes a PPV price between ${low / 100:.2f} and "
                        f"${high / 100:.2f}; {price / 100:.2f} is outside it.",
                    )
            if not data.media_ids:
                raise invalid("media_ids", "A PPV needs at least one vault item to unlock.")
        elif data.price_cents or any(v.price_cents for v in data.variants):
            field = "price_cents" if data.price_cents else "variants"
            raise invalid(field, "A message has no price; choose kind ppv to sell.")
        for item_id in data.media_ids:
            try:
                item = vault.get(session, actor, item_id)
            except NotFoundError as exc:
                raise invalid("media_ids", f"There is no vault item {item_id!r}.") from exc
            if item.creator_id != account.creator_id:
                raise invalid("media_ids", f"The vault item {item_id!r} is another creator's.")
        now = utcnow()
        if data.schedule is Schedule.AT:
            if data.send_at is None:
                raise invalid("send_at", "Scheduling at a time needs send_at.")
            if data.send_at <= now:
                raise invalid("send_at", "The schedule is in the past; pick a later time.")
        elif data.send_at is not None:
            raise invalid("send_at", "send_at applies to the schedule 'at' only.")
        if data.schedule is Schedule.FAN_LOCAL and data.local_time is None:
            raise invalid("local_time", "Sending in each fan's local time needs local_time.")
        counted = self.count_segment(session, actor, segment)
        if counted.fans - counted.opted_out <= 0:
            raise invalid(
                "segment_id",
                f"The segment {segment.name!r} has no fans who can be messaged now; "
                "nothing would be sent.",
            )
        creator = creators.get(session, actor, account.creator_id)
        names = {"name": "Alex", "username": "alex", "creator": creator.display_name}
        samples = [("text", "", render(data.text, names))] + [
            ("variants", f"variant {v.label}: ", render(v.text, names)) for v in data.variants
        ]
        verdicts = check_texts(
            session,
            actor,
            creator_id=account.creator_id,
            texts=[sample for _, _, sample in samples],
            is_ppv=data.kind is Kind.PPV,
        )
        for field, which, sample in samples:
            verdict = verdicts[sample]
            if verdict.verdict == Outcome.BLOCK:
                reasons = "; ".join(hit.reason for hit in verdict.hits)
                raise invalid(field, f"Compliance blocks {which or 'this '}text: {reasons}")

    def _move(
        self, session: Session, actor: Actor, campaign: Campaign, action: Action, **values: object
    ) -> None:
        froms, target = ACTION_MOVES[action]
        if State(campaign.state) not in froms:
            possible = ", ".join(a.value for a in actions_from(campaign.state)) or "nothing more"
            raise ConflictError(
                f"A {campaign.state} campaign cannot be {PAST[action]}; it can be: {possible}."
            )
        before = campaign.state
        if not campaigns_repo.move(
            session, campaign.id, from_states=sorted(froms), to_state=target, **values
        ):
            session.refresh(campaign)
            raise ConflictError(f"The campaign changed meanwhile; it is {campaign.state} now.")
        session.refresh(campaign)
        audit.record(
            session,
            actor,
            action=f"campaign.{action.value}",
            target_type="campaign",
            target_id=campaign.id,
            before={"state": before},
            after={"state": campaign.state},
        )


PAST = {
    Action.START: "started",
    Action.PAUSE: "paused",
    Action.RESUME: "resumed",
    Action.CANCEL: "cancelled",
}


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def progress_of(session: Session, campaign: Campaign) -> ProgressOut:
    """Where a campaign's sending stands (two grouped counts)."""
    arms = recipients_repo.counts(session, campaign.id)
    sends = counts_of_source(
        session,
        trusted_org_id(campaign.organization_id),
        source_kind=SOURCE_KIND,
        source_id=campaign.id,
    )
    treated = sum(arms.get(s, 0) for s in ("pending", "waiting", "queued", "refused", "cancelled"))
    finished = sends.get("sent", 0) + sends.get("failed", 0) + sends.get("cancelled", 0)
    finished += arms.get("refused", 0) + arms.get("cancelled", 0)
    percent = 100 if treated == 0 and campaign.state == State.DONE else 0
    if treated:
        percent = min(100, int(100 * finished / treated))
    return ProgressOut(
        state=State(campaign.state),
        audience=sum(arms.values()),
        held_out=arms.get("held_out", 0),
        excluded=arms.get("excluded", 0),
        pending=arms.get("pending", 0),
        queued=sends.get("queued", 0),
        sending=sends.get("sending", 0),
        sent=sends.get("sent", 0),
        failed=sends.get("failed", 0),
        cancelled=sends.get("cancelled", 0) + arms.get("cancelled", 0),
        refused=arms.get("refused", 0),
        waiting=arms.get("waiting", 0),
        percent_done=percent,
        actions=actions_from(campaign.state),
    )


campaigns = CampaignService()
