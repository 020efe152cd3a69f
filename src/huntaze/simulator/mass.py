"""Mass messages after sending: audiences by list, what each one did, and unsending
(DESIGN.md §3).

Fan lists are the platform's built-in ones: ``fans`` (active subscribers) and ``expired``.
Viewed means bought or answered after the message arrived; unsending removes the copies no fan
has bought yet.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import and_, case, delete, func, or_, select
from sqlalchemy.orm import Session

from huntaze.simulator.errors import invalid, not_found
from huntaze.simulator.messaging import check_limit
from huntaze.simulator.models import Creator, Fan, MassMessage, MassUnsend, Message
from huntaze.simulator.state import get_now, retire_ids

FAN_LISTS = {"fans": ("Fans", "active"), "expired": ("Expired", "expired")}


def list_counts(session: Session, creator: Creator) -> dict[str, int]:
    """How many fans each built-in list holds."""
    rows = dict(
        session.execute(
            select(Fan.status, func.count())
            .where(Fan.creator_id == creator.id)
            .group_by(Fan.status)
        ).all()
    )
    return {key: int(rows.get(status, 0)) for key, (_name, status) in FAN_LISTS.items()}


def audience(
    session: Session,
    creator: Creator,
    *,
    user_lists: Sequence[str | int],
    user_ids: Sequence[int],
    excluded_lists: Sequence[str | int],
) -> list[int]:
    """Fan ids in any of ``user_lists`` or ``user_ids``, minus those in ``excluded_lists``."""
    for key in [*user_lists, *excluded_lists]:
        if str(key) not in FAN_LISTS:
            raise not_found("list", str(key))
    chosen = _in_lists(session, creator, user_lists) | set(user_ids)
    excluded = _in_lists(session, creator, excluded_lists)
    recipients = sorted(chosen - excluded)
    if not recipients:
        raise invalid("no_recipients", "The chosen lists and fans leave nobody to send to.")
    return recipients


def _in_lists(session: Session, creator: Creator, keys: Sequence[str | int]) -> set[int]:
    statuses = [FAN_LISTS[str(k)][1] for k in keys]
    if not statuses:
        return set()
    return set(
        session.scalars(
            select(Fan.id).where(Fan.creator_id == creator.id, Fan.status.in_(statuses))
        )
    )


def list_mass(
    session: Session, creator: Creator, *, limit: int, offset: int, nonce: str | None = None
) -> tuple[list[MassMessage], bool]:
    """Mass messages (those sent with ``nonce``), newest first, and whether more follow."""
    check_limit(limit)
    query = select(MassMessage).where(MassMessage.creator_id == creator.id)
    if nonce is not None:
        query = query.where(MassMessage.nonce == nonce)
    rows = list(
        session.scalars(
            query.order_by(MassMessage.id.desc()).offset(max(offset, 0)).limit(limit + 1)
        )
    )
    return rows[:limit], len(rows) > limit


def stats(session: Session, mass_ids: Collection[int]) -> dict[int, dict[str, int]]:
    """Per mass message: copies ``sent``, ``viewed`` (bought or answered) and ``purchased``."""
    if not mass_ids:
        return {}
    viewed = or_(
        Message.purchased_at.is_not(None),
        and_(Fan.last_fan_message_at.is_not(None), Fan.last_fan_message_at > Message.created_at),
    )
    rows = session.execute(
        select(
            Message.mass_message_id,
            func.count(),
            func.sum(case((viewed, 1), else_=0)),
            func.sum(case((Message.purchased_at.is_not(None), 1), else_=0)),
        )
        .join(Fan, Fan.id == Message.fan_id)
        .where(Message.mass_message_id.in_(list(mass_ids)))
        .group_by(Message.mass_message_id)
    )
    return {
        int(mass_id): {"sent": int(sent), "viewed": int(seen or 0), "purchased": int(bought or 0)}
        for mass_id, sent, seen, bought in rows
    }


def unsent(session: Session, mass_ids: Collection[int]) -> set[int]:
    """Which of these mass messages were unsent."""
    if not mass_ids:
        return set()
    return set(
        session.scalars(
            select(MassUnsend.mass_message_id).where(MassUnsend.mass_message_id.in_(list(mass_ids)))
        )
    )


def unsend(session: Session, creator: Creator, mass_id: int) -> MassUnsend:
    """Take a mass message back: its copies nobody bought leave the fans' chats."""
    mass = session.get(MassMessage, mass_id)
    if mass is None or mass.creator_id != creator.id:
        raise not_found("mass message", mass_id)
    done = session.get(MassUnsend, mass_id)
    if done is not None:
        return done
    removable = select(Message.id).where(
        Message.mass_message_id == mass_id, Message.purchased_at.is_(None)
    )
    ids = list(session.scalars(removable))
    still_last = set(session.scalars(select(Fan.id).where(Fan.last_message_id.in_(ids))))
    session.execute(delete(Message).where(Message.id.in_(ids)))
    retire_ids(session, Message, max(ids, default=0))
    for fan in session.scalars(select(Fan).where(Fan.id.in_(still_last))):
        latest = session.scalars(
            select(Message).where(Message.fan_id == fan.id).order_by(Message.id.desc()).limit(1)
        ).first()
        fan.last_message_id = latest.id if latest else None
        fan.last_message_at = latest.created_at if latest else None
    row = MassUnsend(mass_message_id=mass_id, removed=len(ids), created_at=get_now(session))
    session.add(row)
    session.flush()
    return row
