"""Fans acting on their own: reactions to creator messages, and one simulated hour of life.

See DESIGN.md §3. ``schedule_reactions`` decides, when a creator message is delivered, whether
and when the fan will buy and reply; ``run_due_reactions`` applies what has come due;
``hourly_step`` renews or expires subscriptions, makes fans write and tip, and brings new fans
through links. All randomness comes from ``behaviour.stream`` keyed by ids and hour numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from huntaze.simulator.behaviour import (
    FanClock,
    MessageContext,
    arrivals_this_hour,
    buy_probability,
    hourly_chance,
    reaction_delay_minutes,
    reply_category,
    reply_probability,
    stream,
)
from huntaze.simulator.fan_model import FanModel
from huntaze.simulator.models import Creator, Fan, Link, Message, PendingReaction, Transaction
from huntaze.simulator.population import DAY, SUBSCRIPTION_DAYS, RowBatch, new_arrival
from huntaze.simulator.state import get_fan_model, next_id, next_seq, peek_seq, store_seq
from huntaze.simulator.texts import fan_text

HOUR = dt.timedelta(hours=1)


def schedule_reactions(
    session: Session,
    *,
    seed: int,
    messages: list[dict[str, Any]],
    fans: dict[int, Fan],
    is_mass: bool,
) -> None:
    """Decide each recipient's buy and reply to freshly delivered creator messages."""
    rows: list[dict[str, Any]] = []
    first_id = next_id(session, PendingReaction)
    model = get_fan_model(session)
    earlier = _earlier_mass_ppvs(session, model, messages) if is_mass else {}
    for message in messages:
        fan = fans[message["fan_id"]]
        profile = model.profile(fan.profile)
        rng = stream(seed, "react", message["id"])
        sent_at: dt.datetime = message["created_at"]
        since = None
        if fan.last_fan_message_at is not None:
            since = (sent_at - fan.last_fan_message_at).total_seconds() / 3600
        clock = FanClock(fan.utc_offset_minutes, fan.active_start_hour, fan.active_length_hours)
        ctx = MessageContext(
            text=message["text"],
            price_cents=message["price_cents"],
            is_mass=is_mass,
            hour_of_day=sent_at.hour,
            hours_since_fan_wrote=since,
            fan_first_name=fan.display_name.split()[0],
            in_active_hours=clock.is_active(sent_at),
            earlier_mass_ppvs_today=earlier.get(fan.id, 0) if message["price_cents"] else 0,
        )
        p_buy = buy_probability(
            model,
            profile,
            price_cents=ctx.price_cents,
            ppv_max_cents=fan.ppv_max_cents,
            is_mass=is_mass,
            force=fan.force_buy,
            ctx=ctx,
        )
        bought = ctx.price_cents > 0 and rng.random() < p_buy
        buy_at = sent_at
        if bought:
            buy_at = sent_at + dt.timedelta(
                minutes=reaction_delay_minutes(model, rng, hour_of_day=ctx.hour_of_day, is_buy=True)
            )
            rows.append(_pending(fan, message["id"], "buy", "", buy_at))
        if rng.random() < reply_probability(model, profile, ctx):
            category = reply_category(profile, rng, bought=bought, ctx=ctx)
            delay = reaction_delay_minutes(model, rng, hour_of_day=ctx.hour_of_day, is_buy=False)
            reply_at = max(buy_at, sent_at) + dt.timedelta(minutes=delay)
            rows.append(_pending(fan, message["id"], "reply", fan_text(rng, category), reply_at))
    for offset, row in enumerate(rows):
        row["id"] = first_id + offset
    if rows:
        session.execute(insert(PendingReaction), rows)


def _earlier_mass_ppvs(
    session: Session, model: FanModel, messages: list[dict[str, Any]]
) -> dict[int, int]:
    """Per fan, the mass PPVs they received in the 24 hours before this send (fatigue)."""
    if model.buy.repeat_mass_ppv_within_day == 1.0 or not messages:
        return {}
    sent_at: dt.datetime = messages[0]["created_at"]
    ids = [m["id"] for m in messages]
    fan_ids = sorted({m["fan_id"] for m in messages})
    query = (
        select(Message.fan_id, func.count())
        .where(
            Message.fan_id.in_(fan_ids),
            Message.from_creator.is_(True),
            Message.mass_message_id.is_not(None),
            Message.price_cents > 0,
            Message.created_at > sent_at - DAY,
            Message.created_at <= sent_at,
            Message.id.not_in(ids),
        )
        .group_by(Message.fan_id)
    )
    return {int(fan_id): int(count) for fan_id, count in session.execute(query)}


def _pending(
    fan: Fan, message_id: int, kind: str, text: str, due_at: dt.datetime
) -> dict[str, Any]:
    return {
        "creator_id": fan.creator_id,
        "fan_id": fan.id,
        "message_id": message_id,
        "kind": kind,
        "text": text,
        "due_at": due_at,
    }


def run_due_reactions(session: Session, *, until: dt.datetime) -> None:
    """Apply every scheduled reaction due at or before ``until``, in due order."""
    due = session.scalars(
        select(PendingReaction)
        .where(PendingReaction.due_at <= until)
        .order_by(PendingReaction.due_at, PendingReaction.id)
    ).all()
    for reaction in due:
        fan = session.get(Fan, reaction.fan_id)
        message = session.get(Message, reaction.message_id)
        if fan is None or message is None:
            continue
        if reaction.kind == "buy" and message.purchased_at is None:
            message.purchased_at = reaction.due_at
            session.add(
                Transaction(
                    id=next_id(session, Transaction),
                    creator_id=fan.creator_id,
                    fan_id=fan.id,
                    kind="ppv",
                    amount_cents=message.price_cents,
                    message_id=message.id,
                    link_id=fan.link_id,
                    created_at=reaction.due_at,
                )
            )
            fan.total_spent_cents += message.price_cents
        elif reaction.kind == "reply":
            reply = Message(
                id=next_id(session, Message),
                creator_id=fan.creator_id,
                fan_id=fan.id,
                from_creator=False,
                text=reaction.text,
                price_cents=0,
                media_ids="",
                created_at=reaction.due_at,
            )
            session.add(reply)
            fan.last_message_id, fan.last_message_at = reply.id, reply.created_at
            fan.last_fan_message_at = reply.created_at
            fan.unread_count += 1
        fan.changed_seq = next_seq(session)
        session.flush()
    if due:
        session.execute(delete(PendingReaction).where(PendingReaction.due_at <= until))


def hourly_step(session: Session, *, seed: int, at: dt.datetime) -> None:
    """Simulate the hour that ends at ``at`` for every account (events are stamped ``at``)."""
    hour_number = int(at.timestamp() // 3600)
    model = get_fan_model(session)
    for creator in session.scalars(select(Creator).order_by(Creator.id)).all():
        _creator_hour(
            session, model=model, seed=seed, creator=creator, at=at, hour_number=hour_number
        )


def _creator_hour(
    session: Session,
    *,
    model: FanModel,
    seed: int,
    creator: Creator,
    at: dt.datetime,
    hour_number: int,
) -> None:
    rng = stream(seed, "hour", creator.id, hour_number)
    batch = RowBatch(
        next_fan_id=next_id(session, Fan),
        next_message_id=next_id(session, Message),
        next_transaction_id=next_id(session, Transaction),
        next_seq=peek_seq(session),
    )
    columns = (
        Fan.id,
        Fan.status,
        Fan.profile,
        Fan.expires_at,
        Fan.link_id,
        Fan.unread_count,
        Fan.total_spent_cents,
    )
    query = select(*columns).where(Fan.creator_id == creator.id).order_by(Fan.id)
    updates: list[dict[str, Any]] = []
    price = creator.subscription_price_cents
    for fan_id, status, profile_name, expires_at, link_id, unread, spent in session.execute(query):
        profile = model.profile(profile_name)
        change: dict[str, Any] = {}
        if status == "active" and expires_at <= at:
            if rng.random() < profile.renew_p:
                change["expires_at"] = expires_at + DAY * SUBSCRIPTION_DAYS
                spent += _pay(batch, creator, fan_id, "subscription", price, link_id, at)
            else:
                change["status"] = "expired"
        elif status == "expired" and rng.random() < hourly_chance(profile.resub_per_day):
            change.update(status="active", expires_at=at + DAY * SUBSCRIPTION_DAYS)
            spent += _pay(batch, creator, fan_id, "subscription", price, link_id, at)
        if change.get("status", status) == "active":
            if rng.random() < hourly_chance(profile.msg_per_day):
                text = fan_text(rng, rng.choice(profile.topics))
                change.update(
                    _fan_writes(batch, creator.id, fan_id, text, at), unread_count=unread + 1
                )
            if rng.random() < hourly_chance(profile.tip_per_day):
                amount = rng.randint(profile.tip_cents.low, profile.tip_cents.high) // 100 * 100
                tip_text = fan_text(rng, "tip")
                change.update(_fan_writes(batch, creator.id, fan_id, tip_text, at))
                change["unread_count"] = change.get("unread_count", unread) + 1
                spent += _pay(batch, creator, fan_id, "tip", amount, link_id, at)
                batch.transactions[-1]["message_id"] = change["last_message_id"]
        if change:
            change.update(id=fan_id, total_spent_cents=spent, changed_seq=batch.take_seq())
            updates.append(change)
    _arrivals(
        session, batch, model=model, seed=seed, creator=creator, at=at, hour_number=hour_number
    )
    for table, rows in ((Message, batch.messages), (Transaction, batch.transactions)):
        if rows:
            session.execute(insert(table), rows)
    if batch.fans:
        session.execute(insert(Fan), batch.fans)
    if updates:
        session.execute(update(Fan), updates)
    store_seq(session, batch.next_seq)
    session.flush()
    session.expire_all()


def _pay(
    batch: RowBatch,
    creator: Creator,
    fan_id: int,
    kind: str,
    amount: int,
    link_id: int | None,
    at: dt.datetime,
) -> int:
    batch.add_transaction(
        creator_id=creator.id,
        fan_id=fan_id,
        kind=kind,
        amount_cents=amount,
        link_id=link_id,
        created_at=at,
    )
    return amount


def _fan_writes(
    batch: RowBatch, creator_id: int, fan_id: int, text: str, at: dt.datetime
) -> dict[str, Any]:
    message_id = batch.add_message(
        creator_id=creator_id, fan_id=fan_id, from_creator=False, text=text, created_at=at
    )
    return {"last_message_id": message_id, "last_message_at": at, "last_fan_message_at": at}


def _arrivals(
    session: Session,
    batch: RowBatch,
    *,
    model: FanModel,
    seed: int,
    creator: Creator,
    at: dt.datetime,
    hour_number: int,
) -> None:
    links = session.scalars(
        select(Link).where(Link.creator_id == creator.id).order_by(Link.id)
    ).all()
    for link in links:
        rng = stream(seed, "link", link.id, hour_number)
        arrivals = arrivals_this_hour(rng, link.arrivals_per_day)
        link.clicks += arrivals + rng.randint(0, 2 * arrivals)
        for _ in range(arrivals):
            new_arrival(
                batch,
                model=model,
                seed=seed,
                creator_id=creator.id,
                population_index=creator.population_index,
                fan_index=creator.next_fan_index,
                price_cents=creator.subscription_price_cents,
                now=at,
                link_id=link.id,
                trial_days=link.trial_days,
            )
            creator.next_fan_index += 1
