"""Chats: delivering creator messages (single and mass), reading chats and messages.

See DESIGN.md §3. Delivery never de-duplicates: the client ``nonce`` is stored with the message
so that tests (and a careful connector, via ``nonce=`` filters) can see how many copies arrived.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, insert, select, update
from sqlalchemy.orm import Session

from huntaze.simulator.errors import invalid, not_found
from huntaze.simulator.models import Creator, Fan, MassMessage, Message, VaultItem
from huntaze.simulator.simulation import schedule_reactions
from huntaze.simulator.state import get_now, get_seed, next_id, next_seq

MAX_TEXT = 5_000
MIN_PPV_CENTS = 300
MAX_PRICE_CENTS = 20_000
MAX_PAGE = 200


def validate_offer(text: str, price_cents: int, *, has_media: bool = False) -> None:
    """Reject empty or oversized text and impossible PPV prices."""
    if not text.strip() and not has_media:
        raise invalid("empty_text", "The message text is empty.")
    if len(text) > MAX_TEXT:
        raise invalid("text_too_long", f"The text is {len(text)} characters; at most {MAX_TEXT}.")
    if price_cents < 0:
        raise invalid("invalid_price", "The price cannot be negative.")
    if 0 < price_cents < MIN_PPV_CENTS:
        raise invalid("price_too_low", f"A PPV price is at least {MIN_PPV_CENTS} cents.")
    if price_cents > MAX_PRICE_CENTS:
        raise invalid("price_too_high", f"A PPV price is at most {MAX_PRICE_CENTS} cents.")


def check_limit(limit: int) -> int:
    """A page size between 1 and ``MAX_PAGE``."""
    if not 1 <= limit <= MAX_PAGE:
        raise invalid("invalid_limit", f"limit must be between 1 and {MAX_PAGE}.")
    return limit


def get_fan(session: Session, creator: Creator, fan_id: int) -> Fan:
    """One of this account's fans, or a 404."""
    fan = session.get(Fan, fan_id)
    if fan is None or fan.creator_id != creator.id:
        raise not_found("fan", fan_id)
    return fan


def check_media(session: Session, creator: Creator, media_ids: Sequence[int]) -> str:
    """The stored form of media ids, after checking they are in this account's vault."""
    if not media_ids:
        return ""
    found = set(
        session.scalars(
            select(VaultItem.id).where(
                VaultItem.creator_id == creator.id, VaultItem.id.in_(list(media_ids))
            )
        )
    )
    missing = [m for m in media_ids if m not in found]
    if missing:
        raise not_found("media", missing[0])
    return ",".join(str(m) for m in media_ids)


def media_list(stored: str) -> list[int]:
    """Media ids from their stored form."""
    return [int(part) for part in stored.split(",") if part]


def send_message(
    session: Session,
    creator: Creator,
    *,
    fan_id: int,
    text: str,
    price_cents: int = 0,
    media_ids: Sequence[int] = (),
    nonce: str | None = None,
) -> Message:
    """Deliver one creator message to one fan (and let the fan decide how to react)."""
    validate_offer(text, price_cents, has_media=bool(media_ids))
    fan = get_fan(session, creator, fan_id)
    media = check_media(session, creator, media_ids)
    row = _delivery(session, creator, fan, text, price_cents, media, nonce, None)
    row["id"] = next_id(session, Message)
    session.execute(insert(Message), [row])
    _after_delivery(session, [row], {fan.id: fan}, is_mass=False)
    message = session.get(Message, row["id"])
    assert message is not None
    return message


def send_mass_message(
    session: Session,
    creator: Creator,
    *,
    text: str,
    price_cents: int = 0,
    media_ids: Sequence[int] = (),
    fan_ids: Sequence[int] | None = None,
    nonce: str | None = None,
) -> MassMessage:
    """Deliver one message to the listed fans, or to every active fan when none are listed."""
    validate_offer(text, price_cents, has_media=bool(media_ids))
    media = check_media(session, creator, media_ids)
    query = select(Fan).where(Fan.creator_id == creator.id).order_by(Fan.id)
    if fan_ids is None:
        fans = list(session.scalars(query.where(Fan.status == "active")))
    else:
        if not fan_ids:
            raise invalid("no_recipients", "List at least one fan, or send to all active fans.")
        fans = list(session.scalars(query.where(Fan.id.in_(list(fan_ids)))))
        missing = sorted(set(fan_ids) - {f.id for f in fans})
        if missing:
            raise not_found("fan", missing[0])
    if not fans:
        raise invalid("no_recipients", "There is no active fan to send to.")
    mass = MassMessage(
        id=next_id(session, MassMessage),
        creator_id=creator.id,
        text=text,
        price_cents=price_cents,
        nonce=nonce,
        recipients=len(fans),
        created_at=get_now(session),
    )
    session.add(mass)
    session.flush()
    first = next_id(session, Message)
    rows = [
        _delivery(session, creator, fan, text, price_cents, media, nonce, mass.id)
        | {"id": first + i}
        for i, fan in enumerate(fans)
    ]
    session.execute(insert(Message), rows)
    _after_delivery(session, rows, {f.id: f for f in fans}, is_mass=True)
    return mass


def _delivery(
    session: Session,
    creator: Creator,
    fan: Fan,
    text: str,
    price_cents: int,
    media: str,
    nonce: str | None,
    mass_id: int | None,
) -> dict[str, Any]:
    return {
        "creator_id": creator.id,
        "fan_id": fan.id,
        "from_creator": True,
        "text": text,
        "price_cents": price_cents,
        "media_ids": media,
        "nonce": nonce,
        "mass_message_id": mass_id,
        "created_at": get_now(session),
        "read_at": None,
        "purchased_at": None,
    }


def _after_delivery(
    session: Session, rows: list[dict[str, Any]], fans: dict[int, Fan], *, is_mass: bool
) -> None:
    schedule_reactions(session, seed=get_seed(session), messages=rows, fans=fans, is_mass=is_mass)
    first_seq = next_seq(session, len(rows))
    for offset, row in enumerate(rows):
        fan = fans[row["fan_id"]]
        fan.last_message_id, fan.last_message_at = row["id"], row["created_at"]
        fan.changed_seq = first_seq + offset
        if not is_mass:
            _mark_fan_messages_read(session, fan)
    session.flush()


def _mark_fan_messages_read(session: Session, fan: Fan) -> None:
    session.execute(
        update(Message)
        .where(Message.fan_id == fan.id, Message.read_at.is_(None), Message.from_creator.is_(False))
        .values(read_at=get_now(session))
    )
    fan.unread_count = 0


def mark_read(session: Session, creator: Creator, fan_id: int) -> Fan:
    """Mark a chat as read."""
    fan = get_fan(session, creator, fan_id)
    if fan.unread_count:
        _mark_fan_messages_read(session, fan)
        fan.changed_seq = next_seq(session)
        session.flush()
    return fan


def list_chats(
    session: Session, creator: Creator, *, limit: int, offset: int, unread_only: bool = False
) -> tuple[list[Fan], bool]:
    """Chats with unread messages first, then by latest message; and whether more follow."""
    check_limit(limit)
    if offset < 0:
        raise invalid("invalid_offset", "offset cannot be negative.")
    query = select(Fan).where(Fan.creator_id == creator.id, Fan.last_message_id.is_not(None))
    if unread_only:
        query = query.where(Fan.unread_count > 0)
    rows = session.scalars(
        query.order_by(
            case((Fan.unread_count > 0, 0), else_=1),
            Fan.last_message_at.desc(),
            Fan.id.desc(),
        )
        .offset(offset)
        .limit(limit + 1)
    ).all()
    return list(rows[:limit]), len(rows) > limit


def last_messages(session: Session, fans: Sequence[Fan]) -> dict[int, Message]:
    """The latest message of each chat, by fan id, in one query."""
    ids = [f.last_message_id for f in fans if f.last_message_id is not None]
    messages = session.scalars(select(Message).where(Message.id.in_(ids))).all()
    return {m.fan_id: m for m in messages}


def chat_messages(
    session: Session,
    creator: Creator,
    fan_id: int,
    *,
    limit: int,
    before_id: int | None = None,
    after_id: int | None = None,
    nonce: str | None = None,
) -> tuple[list[Message], bool]:
    """A page of one chat in id order: newest (before ``before_id``) or newer than ``after_id``."""
    check_limit(limit)
    get_fan(session, creator, fan_id)
    query = select(Message).where(Message.fan_id == fan_id)
    if nonce is not None:
        query = query.where(Message.nonce == nonce)
    if after_id is not None:
        rows = list(
            session.scalars(
                query.where(Message.id > after_id).order_by(Message.id).limit(limit + 1)
            )
        )
        return rows[:limit], len(rows) > limit
    if before_id is not None:
        query = query.where(Message.id < before_id)
    rows = list(session.scalars(query.order_by(Message.id.desc()).limit(limit + 1)))
    return list(reversed(rows[:limit])), len(rows) > limit


def messages_since(
    session: Session, creator: Creator, *, since_id: int, limit: int
) -> tuple[list[Message], bool]:
    """Every message of the account after ``since_id`` (incremental sync), oldest first."""
    check_limit(limit)
    rows = list(
        session.scalars(
            select(Message)
            .where(Message.creator_id == creator.id, Message.id > since_id)
            .order_by(Message.id)
            .limit(limit + 1)
        )
    )
    return rows[:limit], len(rows) > limit
