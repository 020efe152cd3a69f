"""The worker's side of a campaign: freeze the audience, then plan paced batches through the
outbox (DESIGN.md §6 "Campaign" and "Send").

:func:`advance` is one step for one campaign, safe to run twice at once or again after a crash:

- ``scheduled`` and due: the segment's fans at this moment are written to ``campaign_recipient``
  (one row per fan, a unique constraint) — opted-out fans, fans messaged within the
  campaign's window and fans who already bought or got its vault items are recorded as excluded
  with the reason, a random share (the hold-out, by a
  hash of the campaign's seed and the fan) as held out — and the campaign moves to ``sending``,
  all in one transaction.
- ``sending``: while fewer than one batch of the campaign's messages is still in the outbox
  (``queued`` or ``sending``), the next due recipients are rendered, their distinct texts checked
  by compliance once each, and one outbound message per recipient created with the key
  ``campaign:<id>:fan:<fan id>``; the recipients are marked in the same transaction, which only
  commits if the campaign is still ``sending`` (a pause or cancel that won meanwhile rolls the
  batch back). So a pause lets at most one batch go out, a resume continues with the next
  pending recipients, and a killed worker's batch is either all there or not at all — and if it
  is replanned, the idempotency keys make the outbox skip what exists.
- ``sending`` with nobody pending and nothing left in flight: ``done``.

With A/B variants (:mod:`huntaze.campaigns.variants`) the snapshot also gives each treated fan
its variant, or marks it ``waiting`` for the winner (the remainder phase); a batch is made per
variant (each its own text and price); once the test's time is up a step chooses the winner and
the waiting recipients become pending with it. A campaign with variants is ``done`` only after
its winner is chosen. The idempotency key is the same in every phase: one message per fan.

The outbox paces the sends per account under the platform's rate limit and retries faults.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Role
from huntaze.campaigns.models import Campaign, CampaignRecipient, CampaignVariant, Segment
from huntaze.campaigns.personalize import FanValues, render
from huntaze.campaigns.repository import DueRecipient, campaigns_repo, recipients_repo
from huntaze.campaigns.rules import SegmentRules, membership
from huntaze.campaigns.states import Arm, Kind, RecipientState, Schedule, State
from huntaze.campaigns.variants import choose_winner, in_test, pick_variant
from huntaze.compliance.models import Verdict
from huntaze.content.offers import offers
from huntaze.core.bulk import insert_ignoring
from huntaze.core.db import get_database, new_id, utcnow
from huntaze.core.tenancy import tenant_filter, trusted_org_id
from huntaze.creators.service import creators
from huntaze.fans.models import Fan
from huntaze.outbox.batch import (
    BatchItem,
    BatchResult,
    BatchSpec,
    counts_of_source,
    create_batch,
)
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.states import Kind as OutboxKind

SOURCE_KIND = "campaign"
SNAPSHOT_CHUNK = 5_000
ALREADY_HAS_IT = "already bought or got this vault item"
IN_FLIGHT = ("queued", "sending")
# Batches undone because a pause or cancel won meanwhile, before a step gives up for now.
MAX_LOST_RACES = 3


def campaign_actor(campaign: Campaign) -> Actor:
    """Who the worker acts as: the campaign itself, on behalf of the person who wrote it."""
    return Actor(
        org=trusted_org_id(campaign.organization_id),
        role=Role.MANAGER,
        label=f"campaign {campaign.id}",
        user_id=campaign.created_by_user_id,
    )


def idempotency_key(campaign_id: str, fan_id: str) -> str:
    """The outbox key of one campaign's message to one fan."""
    return f"campaign:{campaign_id}:fan:{fan_id}"


def in_holdout(seed: str, fan_id: str, percent: int) -> bool:
    """Whether the fan is in the hold-out: a uniform draw from the seed and the fan."""
    digest = hashlib.blake2b(f"{seed}:{fan_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < percent / 100


@lru_cache(maxsize=512)
def _zone(name: str | None) -> dt.tzinfo:
    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return dt.UTC  # a fan's zone the platform gave wrong: the platform's UTC
    return dt.UTC


def local_moment(local_time: str, zone_name: str | None, now: dt.datetime) -> dt.datetime:
    """The next moment (from ``now``) the fan's clock shows ``local_time`` (UTC for a fan
    whose time zone is unknown), in UTC."""
    zone = _zone(zone_name)
    hour, minute = (int(part) for part in local_time.split(":"))
    local_now = now.astimezone(zone)
    moment = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if moment < local_now:
        moment = (local_now + dt.timedelta(days=1)).replace(
            hour=hour, minute=minute, second=0, microsecond=0
        )
    return moment.astimezone(dt.UTC)


def _messaged_since(since: dt.datetime) -> Any:
    return (
        select(OutboundMessage.platform_fan_id)
        .where(
            OutboundMessage.organization_id == Fan.organization_id,
            OutboundMessage.platform_account_id == Fan.platform_account_id,
            OutboundMessage.platform_fan_id == Fan.platform_fan_id,
            OutboundMessage.state.in_(("queued", "sending", "sent")),
            OutboundMessage.created_at >= since,
        )
        .exists()
    )


def audience_rows(
    session: Session, campaign: Campaign, segment: Segment, now: dt.datetime
) -> Iterator[dict[str, Any]]:
    """The recipient rows of the segment's fans at ``now`` (streamed)."""
    rules = SegmentRules.model_validate(segment.rules)
    condition = membership(
        rules,
        include=list(segment.include_fan_ids),
        exclude=list(segment.exclude_fan_ids),
        now=now,
    )
    recent = (
        _messaged_since(now - dt.timedelta(hours=campaign.exclude_messaged_hours))
        if campaign.exclude_messaged_hours
        else None
    )
    # Never sell a fan what they already have: those who bought or got any of the campaign's
    # vault items are left out (the content ledger reads the outbox and the purchases).
    already_have = (
        offers.platform_fans_who_have(
            session,
            trusted_org_id(campaign.organization_id),
            platform_account_id=campaign.platform_account_id,
            media_ids=list(campaign.media_ids),
            now=now,
        )
        if campaign.media_ids
        else set()
    )
    columns: list[Any] = [Fan.id, Fan.platform_fan_id, Fan.opted_out, Fan.time_zone]
    if recent is not None:
        columns.append(recent)
    stmt = (
        select(*columns)
        .where(
            tenant_filter(Fan, trusted_org_id(campaign.organization_id)),
            Fan.platform_account_id == campaign.platform_account_id,
            condition,
        )
        .order_by(Fan.id)
    )
    variants = list(campaign.variants)
    for row in session.execute(stmt.execution_options(yield_per=SNAPSHOT_CHUNK)):
        fan_id, platform_fan_id, opted_out, zone = row[0], row[1], row[2], row[3]
        arm, state, reason = Arm.TREATED, RecipientState.PENDING, None
        variant_id = None
        if opted_out:
            arm, state, reason = Arm.EXCLUDED, RecipientState.EXCLUDED, "opted out"
        elif recent is not None and row[4]:
            arm, state = Arm.EXCLUDED, RecipientState.EXCLUDED
            reason = f"messaged in the last {campaign.exclude_messaged_hours} hours"
        elif platform_fan_id in already_have:
            arm, state, reason = Arm.EXCLUDED, RecipientState.EXCLUDED, ALREADY_HAS_IT
        elif in_holdout(campaign.seed, fan_id, campaign.holdout_percent):
            arm, state, reason = Arm.HOLDOUT, RecipientState.HELD_OUT, "hold-out group"
        elif variants:
            if in_test(campaign.id, fan_id, campaign.test_percent):
                variant_id = pick_variant(campaign.id, fan_id, variants)
            else:
                state, reason = RecipientState.WAITING, "waits for the A/B winner"
        send_after = now
        if campaign.schedule == Schedule.FAN_LOCAL and campaign.local_time:
            send_after = local_moment(campaign.local_time, zone, now)
        yield {
            "id": new_id(),
            "campaign_id": campaign.id,
            "organization_id": campaign.organization_id,
            "fan_id": fan_id,
            "platform_fan_id": platform_fan_id,
            "arm": arm.value,
            "state": state.value,
            "reason": reason,
            "send_after": send_after,
            "outbound_message_id": None,
            "variant_id": variant_id,
        }


def take_snapshot(session: Session, campaign: Campaign, now: dt.datetime) -> dict[str, int]:
    """Freeze the audience into ``campaign_recipient`` (rows already there are kept); the
    count per arm."""
    segment = session.get(Segment, campaign.segment_id)
    if segment is None:
        raise LookupError("the campaign's segment is gone")
    arms = {arm.value: 0 for arm in Arm}
    chunk: list[dict[str, Any]] = []
    for row in audience_rows(session, campaign, segment, now):
        arms[row["arm"]] += 1
        chunk.append(row)
        if len(chunk) >= SNAPSHOT_CHUNK:
            insert_ignoring(session, CampaignRecipient, chunk, conflict=("campaign_id", "fan_id"))
            chunk = []
    insert_ignoring(session, CampaignRecipient, chunk, conflict=("campaign_id", "fan_id"))
    return arms


def _start(session: Session, campaign: Campaign, now: dt.datetime) -> bool:
    if campaign.schedule == Schedule.AT and campaign.send_at and campaign.send_at > now:
        return False
    arms = take_snapshot(session, campaign, now)
    return campaigns_repo.move(
        session,
        campaign.id,
        from_states=[State.SCHEDULED],
        to_state=State.SENDING,
        started_at=now,
        audience_count=sum(arms.values()),
        holdout_count=arms[Arm.HOLDOUT.value],
        excluded_count=arms[Arm.EXCLUDED.value],
        updated_at=now,
    )


def _plan_batch(
    session: Session, campaign: Campaign, now: dt.datetime, verdicts: dict[str, Verdict]
) -> int | None:
    """Plan the next batch; how many recipients it planned (None: the campaign is finished)."""
    org = trusted_org_id(campaign.organization_id)
    in_flight = 0
    if IN_FLIGHT:
        sends = counts_of_source(
            session, org, source_kind=SOURCE_KIND, source_id=campaign.id, states=IN_FLIGHT
        )
        in_flight = sum(sends.values())
    room = campaign.batch_size - in_flight
    if room <= 0:
        return 0
    due = recipients_repo.due(session, campaign.id, now=now, limit=room)
    if not due:
        counts = recipients_repo.counts(session, campaign.id)
        left = counts.get(RecipientState.PENDING, 0) + counts.get(RecipientState.WAITING, 0)
        undecided = bool(campaign.variants) and campaign.winner_variant_id is None
        return None if not left and not in_flight and not undecided else 0
    actor = campaign_actor(campaign)
    creator_name = _creator_name(session, actor, campaign.platform_account_id)
    variants: dict[str | None, CampaignVariant] = {v.id: v for v in campaign.variants}
    groups: dict[str | None, list[DueRecipient]] = {}
    for recipient in due:
        groups.setdefault(recipient.variant_id, []).append(recipient)
    items: dict[str, BatchItem] = {}
    result = BatchResult()
    for variant_id, members in groups.items():
        variant = variants.get(variant_id)
        text = variant.text if variant is not None else campaign.text
        price = campaign.price_cents
        if variant is not None and variant.price_cents is not None:
            price = variant.price_cents
        group_items = [
            BatchItem(
                idempotency_key=idempotency_key(campaign.id, r.fan_id),
                platform_fan_id=r.platform_fan_id,
                text=render(
                    text,
                    FanValues(username=r.username, display_name=r.display_name).values(
                        creator_name
                    ),
                ),
            )
            for r in members
        ]
        spec = BatchSpec(
            platform_account_id=campaign.platform_account_id,
            kind=OutboxKind.PPV if campaign.kind == Kind.PPV else OutboxKind.MESSAGE,
            price_cents=price if campaign.kind == Kind.PPV else None,
            media_ids=tuple(campaign.media_ids),
            source_kind=SOURCE_KIND,
            source_id=campaign.id,
        )
        made = create_batch(session, actor, spec, group_items, verdicts=verdicts)
        result.message_ids.update(made.message_ids)
        result.refused.update(made.refused)
        items.update({r.id: item for r, item in zip(members, group_items, strict=True)})
    changes = []
    for recipient in due:
        item = items[recipient.id]
        message_id = result.message_ids.get(item.idempotency_key)
        if message_id is not None:
            changes.append(
                {"rid": recipient.id, "s": RecipientState.QUEUED.value, "m": message_id, "r": None}
            )
        else:
            verdict = result.refused[item.idempotency_key]
            reason = "; ".join(hit.reason for hit in verdict.hits)[:200] or verdict.verdict.value
            changes.append(
                {"rid": recipient.id, "s": RecipientState.REFUSED.value, "m": None, "r": reason}
            )
    table = cast(Table, CampaignRecipient.__table__)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("rid"), table.c.state == RecipientState.PENDING.value)
        .values(state=bindparam("s"), outbound_message_id=bindparam("m"), reason=bindparam("r")),
        changes,
    )
    if not campaigns_repo.add_planned(session, campaign.id, len(due)):
        raise _NoLongerSendingError
    return len(due)


class _NoLongerSendingError(Exception):
    """A pause or cancel committed while a batch was being planned: the batch is undone."""


def _creator_name(session: Session, actor: Actor, account_id: str) -> str:
    account = creators.platform_account(session, actor.org, account_id)
    return creators.get(session, actor, account.creator_id).display_name


def advance(
    campaign_id: str,
    *,
    now: dt.datetime | None = None,
    max_batches: int = 1,
    verdicts: dict[str, Verdict] | None = None,
) -> str:
    """One step of one campaign (see the module's note); its state afterwards."""
    cache = verdicts if verdicts is not None else {}
    batches = attempts = 0
    while batches < max_batches and attempts < max_batches + MAX_LOST_RACES:
        attempts += 1
        moment = now or utcnow()
        try:
            with get_database().session_scope() as session:
                campaign = campaigns_repo.by_id(session, campaign_id)
                if campaign is None:
                    return "missing"
                if campaign.state == State.SCHEDULED:
                    if not _start(session, campaign, moment):
                        return campaign.state
                    continue
                if campaign.state != State.SENDING:
                    return campaign.state
                if choose_winner(session, campaign, moment) is not None:
                    continue
                planned = _plan_batch(session, campaign, moment, cache)
                if planned is None:
                    campaigns_repo.move(
                        session,
                        campaign.id,
                        from_states=[State.SENDING],
                        to_state=State.DONE,
                        finished_at=moment,
                        updated_at=moment,
                    )
                    return State.DONE.value
                if planned == 0:
                    return State.SENDING.value
                batches += 1
        except _NoLongerSendingError:
            continue
    with get_database().session_scope(writes=False) as session:
        campaign = campaigns_repo.by_id(session, campaign_id)
        return campaign.state if campaign else "missing"
