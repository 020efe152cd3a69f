"""The simulator's own tables (DESIGN.md §3: the fan-platform simulator).

The simulator is a separate app with its own SQLite file, so it has its own declarative base.
Money is integer cents, timestamps are UTC on the simulated clock. Primary keys are assigned by
the simulator itself (``state.next_id``) so that two runs with the same seed get the same ids.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy import Text as SqlText
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores naive UTC in SQLite and hands back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of the simulator's database (never shared with Huntaze's)."""


class MetaValue(Base):
    """Key/value state of the whole simulator: seed, simulated clock, change sequence."""

    __tablename__ = "sim_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))


class Creator(Base):
    """A creator account on the simulated platform."""

    __tablename__ = "sim_creator"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_salt: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(128))
    otp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    otp_code: Mapped[str] = mapped_column(String(6))
    api_token: Mapped[str] = mapped_column(String(64), unique=True)
    skin: Mapped[str] = mapped_column(String(16), default="classic")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    subscription_price_cents: Mapped[int] = mapped_column(Integer)
    population_index: Mapped[int] = mapped_column(Integer)
    next_fan_index: Mapped[int] = mapped_column(Integer, default=0)


class SessionToken(Base):
    """A browser session; ``stage`` is ``otp`` until the one-time code is entered."""

    __tablename__ = "sim_session"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("sim_creator.id"), index=True)
    stage: Mapped[str] = mapped_column(String(8))


class Fan(Base):
    """A simulated fan of one creator, with a behaviour profile and subscription state."""

    __tablename__ = "sim_fan"
    __table_args__ = (
        Index("ix_sim_fan_creator_changed", "creator_id", "changed_seq"),
        Index("ix_sim_fan_creator_chat", "creator_id", "last_message_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("sim_creator.id"))
    fan_index: Mapped[int] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(128))
    profile: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    subscribed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ppv_max_cents: Mapped[int] = mapped_column(Integer)
    # When the fan is online, in their own zone (drawn from the fan model; ground truth).
    utc_offset_minutes: Mapped[int] = mapped_column(Integer, default=0)
    active_start_hour: Mapped[int] = mapped_column(Integer, default=0)
    active_length_hours: Mapped[int] = mapped_column(Integer, default=24)
    force_buy: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    total_spent_cents: Mapped[int] = mapped_column(Integer, default=0)
    link_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    last_message_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_message_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_fan_message_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    unread_count: Mapped[int] = mapped_column(Integer, default=0)
    changed_seq: Mapped[int] = mapped_column(Integer)


class Message(Base):
    """One chat message; creator messages keep the client nonce for delivery ground truth."""

    __tablename__ = "sim_message"
    __table_args__ = (Index("ix_sim_message_fan", "fan_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("sim_creator.id"), index=True)
    fan_id: Mapped[int] = mapped_column(ForeignKey("sim_fan.id"))
    from_creator: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str] = mapped_column(SqlText)
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    media_ids: Mapped[str] = mapped_column(String(256), default="")
    nonce: Mapped[str | None] = mapped_column(String(128), nullable=True, index=True)
    mass_message_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    purchased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class MassMessage(Base):
    """A message sent to many fans at once; each recipient also gets a ``Message`` row."""

    __tablename__ = "sim_mass_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("sim_creator.id"), index=True)
    text: Mapped[str] = mapped_column(SqlText)
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    nonce: Mapped[str | None] = mapped_column(String(128), nullable=True)
    recipients: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Transaction(Base):
    """Money a fan paid: ``subscription``, ``tip`` or ``ppv`` (linked to the offering message)."""

    __tablename__ = "sim_transaction"
    __table_args__ = (Index("ix_sim_transaction_creator", "creator_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("sim_creator.id"))
    fan_id: Mapped[int] = mapped_column(ForeignKey("sim_fan.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount_cents: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    link_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Post(Base):
    """A feed post, published now or at ``publish_at``."""

    __tablename__ = "sim_post"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("sim_creator.id"), index=True)
    text: Mapped[str] = mapped_column(SqlText)
    media_ids: Mapped[str] = mapped_column(String(256), default="")
    nonce: Mapped[str | None] = mapped_column(String(128), nullable=True)
    publish_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class VaultItem(Base):
    """An uploaded media file in the creator's vault."""

    __tablename__ = "sim_vault_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("sim_creator.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size_bytes: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Link(Base):
    """A tracking or free-trial link; simulated new fans arrive through it."""

    __tablename__ = "sim_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("sim_creator.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(128))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    arrivals_per_day: Mapped[float] = mapped_column(Float)
    trial_days: Mapped[int] = mapped_column(Integer, default=0)
    clicks: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class PendingReaction(Base):
    """A fan's scheduled reaction (buy, reply) to a creator message, run when the clock passes."""

    __tablename__ = "sim_pending_reaction"
    __table_args__ = (Index("ix_sim_pending_due", "due_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("sim_creator.id"))
    fan_id: Mapped[int] = mapped_column(ForeignKey("sim_fan.id"))
    message_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(SqlText, default="")
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Fault(Base):
    """A fault switched on for one account (see ``faults.py`` for the modes)."""

    __tablename__ = "sim_fault"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("sim_creator.id"), index=True)
    mode: Mapped[str] = mapped_column(String(32))
    params: Mapped[str] = mapped_column(String(512), default="{}")
    remaining: Mapped[int | None] = mapped_column(Integer, nullable=True)
    checks: Mapped[int] = mapped_column(Integer, default=0)
    fired: Mapped[int] = mapped_column(Integer, default=0)


class Chargeback(Base):
    """A payment taken back (``undo``) or being returned (``pending_return``) (DESIGN.md §3).

    A table of its own rather than a column of ``Transaction``, so that simulator databases made
    before it still open (the simulator creates missing tables, it has no migrations).
    """

    __tablename__ = "sim_chargeback"

    transaction_id: Mapped[int] = mapped_column(ForeignKey("sim_transaction.id"), primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("sim_creator.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class VaultList(Base):
    """A named list of vault media (the web app's vault folders)."""

    __tablename__ = "sim_vault_list"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("sim_creator.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class VaultListItem(Base):
    """One vault item in one vault list."""

    __tablename__ = "sim_vault_list_item"

    list_id: Mapped[int] = mapped_column(ForeignKey("sim_vault_list.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("sim_vault_item.id"), primary_key=True)


class MassUnsend(Base):
    """A mass message taken back: unopened copies were removed from the fans' chats."""

    __tablename__ = "sim_mass_unsend"

    mass_message_id: Mapped[int] = mapped_column(
        ForeignKey("sim_mass_message.id"), primary_key=True
    )
    removed: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
