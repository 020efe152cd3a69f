"""The segment rule builder: typed rules over a fan, compiled to one SQL condition.

Every rule is optional and they all hold together (AND). Amounts are integer cents, periods
whole days or hours. The compiled condition reads the ``fan`` row and, for the rules about
renewals, vault items and messages, ``EXISTS`` sub-queries on the synced statement entries and
the outbox, so a live count and the audience snapshot are one query each on either backend.

Fans have no tags, scores or tracking links yet: rules on those wait for the fan CRM to keep them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from sqlalchemy import String, and_, cast, exists, not_, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from huntaze.core.fields import PriceCents
from huntaze.fans.models import Fan
from huntaze.inbox.models import ChatMessage, Earning
from huntaze.outbox.models import OutboundMessage

Days = Annotated[int, Field(ge=0, le=3650)]
Hours = Annotated[int, Field(ge=1, le=24 * 365)]
TimeZoneName = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_+\-/]{1,64}$")
]
VaultItemId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
MAX_LISTED_FANS = 10_000
FanIdList = Annotated[
    list[Annotated[str, StringConstraints(min_length=1, max_length=32)]],
    Field(max_length=MAX_LISTED_FANS),
]


class SegmentRules(BaseModel):
    """What a fan must match to be in the segment; every rule given must hold."""

    model_config = ConfigDict(extra="forbid")

    spent_min_cents: PriceCents | None = None
    spent_max_cents: PriceCents | None = None
    purchased_within_days: Days | None = None
    no_purchase_for_days: Days | None = None
    active_within_days: Days | None = None
    inactive_for_days: Days | None = None
    subscription: Literal["active", "expired"] | None = None
    expires_within_days: Days | None = None
    expired_for_days: Days | None = None
    rebill: bool | None = None
    time_zones: Annotated[list[TimeZoneName], Field(max_length=50)] = []
    bought_item: VaultItemId | None = None
    not_bought_item: VaultItemId | None = None
    sent_item: VaultItemId | None = None
    not_sent_item: VaultItemId | None = None
    messaged_within_hours: Hours | None = None
    not_messaged_within_hours: Hours | None = None
    unread: bool | None = None

    @model_validator(mode="after")
    def _consistent(self) -> SegmentRules:
        low, high = self.spent_min_cents, self.spent_max_cents
        if low is not None and high is not None and low > high:
            raise ValueError("spent_min_cents must not be above spent_max_cents")
        if self.expires_within_days is not None and self.subscription == "expired":
            raise ValueError("expires_within_days applies to active subscriptions only")
        if self.expired_for_days is not None and self.subscription == "active":
            raise ValueError("expired_for_days applies to expired subscriptions only")
        return self

    def is_empty(self) -> bool:
        """Whether no rule is set (every fan of the account matches)."""
        return not self.model_dump(exclude_defaults=True)


def total_spent() -> ColumnElement[int]:
    """What the fan paid in all, from the synced statements (chargebacks excluded)."""
    return (
        Fan.spent_subscription_cents
        + Fan.spent_tip_cents
        + Fan.spent_ppv_cents
        + Fan.spent_message_cents
        + Fan.spent_other_cents
    )


def _sent_with_item(item_id: str) -> Any:
    # media_ids is a JSON list of ids; its text holds the quoted id exactly when it is listed.
    return and_(
        OutboundMessage.organization_id == Fan.organization_id,
        OutboundMessage.platform_account_id == Fan.platform_account_id,
        OutboundMessage.platform_fan_id == Fan.platform_fan_id,
        OutboundMessage.state == "sent",
        cast(OutboundMessage.media_ids, String).like(f'%"{item_id}"%'),
    )


def _sent_item(item_id: str) -> ColumnElement[bool]:
    return exists(select(OutboundMessage.id).where(_sent_with_item(item_id)))


def _bought_item(item_id: str) -> ColumnElement[bool]:
    bought = (
        select(ChatMessage.id)
        .join(OutboundMessage, OutboundMessage.nonce == ChatMessage.nonce)
        .where(_sent_with_item(item_id), ChatMessage.fan_id == Fan.id, ChatMessage.purchased)
    )
    return exists(bought)


def _messaged_since(since: dt.datetime) -> ColumnElement[bool]:
    return exists(
        select(OutboundMessage.id).where(
            OutboundMessage.organization_id == Fan.organization_id,
            OutboundMessage.platform_account_id == Fan.platform_account_id,
            OutboundMessage.platform_fan_id == Fan.platform_fan_id,
            OutboundMessage.state.in_(("queued", "sending", "sent")),
            OutboundMessage.created_at >= since,
        )
    )


def _renews() -> ColumnElement[bool]:
    return exists(
        select(Earning.id).where(
            Earning.fan_id == Fan.id, Earning.renewal, Earning.status == "done"
        )
    )


def conditions(rules: SegmentRules, now: dt.datetime) -> list[ColumnElement[bool]]:
    """The SQL conditions on ``fan`` of ``rules`` at ``now``."""
    day = dt.timedelta(days=1)
    found: list[ColumnElement[bool]] = []
    spent = total_spent()
    if rules.spent_min_cents is not None:
        found.append(spent >= rules.spent_min_cents)
    if rules.spent_max_cents is not None:
        found.append(spent <= rules.spent_max_cents)
    if rules.purchased_within_days is not None:
        found.append(Fan.last_purchase_at >= now - rules.purchased_within_days * day)
    if rules.no_purchase_for_days is not None:
        since = now - rules.no_purchase_for_days * day
        found.append(or_(Fan.last_purchase_at.is_(None), Fan.last_purchase_at < since))
    if rules.active_within_days is not None:
        found.append(Fan.last_inbound_at >= now - rules.active_within_days * day)
    if rules.inactive_for_days is not None:
        since = now - rules.inactive_for_days * day
        found.append(or_(Fan.last_inbound_at.is_(None), Fan.last_inbound_at < since))
    if rules.subscription is not None:
        found.append(Fan.status == rules.subscription)
    if rules.expires_within_days is not None:
        found.append(Fan.status == "active")
        found.append(Fan.expires_at >= now)
        found.append(Fan.expires_at <= now + rules.expires_within_days * day)
    if rules.expired_for_days is not None:
        found.append(Fan.status == "expired")
        found.append(Fan.expires_at <= now - rules.expired_for_days * day)
    if rules.rebill is not None:
        found.append(_renews() if rules.rebill else not_(_renews()))
    if rules.time_zones:
        found.append(Fan.time_zone.in_(rules.time_zones))
    if rules.bought_item is not None:
        found.append(_bought_item(rules.bought_item))
    if rules.not_bought_item is not None:
        found.append(not_(_bought_item(rules.not_bought_item)))
    if rules.sent_item is not None:
        found.append(_sent_item(rules.sent_item))
    if rules.not_sent_item is not None:
        found.append(not_(_sent_item(rules.not_sent_item)))
    if rules.messaged_within_hours is not None:
        found.append(_messaged_since(now - dt.timedelta(hours=rules.messaged_within_hours)))
    if rules.not_messaged_within_hours is not None:
        since = now - dt.timedelta(hours=rules.not_messaged_within_hours)
        found.append(not_(_messaged_since(since)))
    if rules.unread is not None:
        found.append(Fan.unread_count > 0 if rules.unread else Fan.unread_count == 0)
    return found


def membership(
    rules: SegmentRules,
    *,
    include: list[str],
    exclude: list[str],
    now: dt.datetime,
) -> ColumnElement[bool]:
    """The whole segment as one condition on ``fan``: the rules, or listed in ``include``;
    never listed in ``exclude``. Tenant and account filters are the caller's."""
    matched: ColumnElement[bool] = and_(true(), *conditions(rules, now))
    if include:
        matched = or_(matched, Fan.id.in_(include))
    if exclude:
        matched = and_(matched, Fan.id.not_in(exclude))
    return matched if include or exclude or not rules.is_empty() else true()
