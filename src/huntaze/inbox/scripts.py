"""Saved replies (scripts): texts a chatter inserts into the reply box, per creator or for the
whole agency, with variables filled from the fan and an optional price (issue 15 "Saved replies
and scripts"; DESIGN.md §6 "Reply").

A script's variables are checked when it is saved: an unknown one is refused with the list of
the known ones, so a fan never receives ``{fan_nmae}``. Inserting a script fills its variables
for one fan; a variable with no value for that fan (``{last_purchase}`` of a fan who bought
nothing) is refused rather than left blank. Each reply written from a script counts as one use.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.audit import audit, snapshot
from huntaze.accounts.permissions import Permission
from huntaze.core.db import utcnow
from huntaze.core.errors import InvalidInputError, field_error
from huntaze.core.fields import PriceText
from huntaze.creators.service import creators
from huntaze.fans.models import Fan
from huntaze.inbox.models import Earning, SavedReply
from huntaze.inbox.repository import earnings_repo, saved_replies

VARIABLES = {
    "fan_name": "the fan's display name (or username)",
    "fan_username": "the fan's username",
    "last_purchase": "what the fan last bought, and when",
    "creator_name": "the creator's name",
}
_REFERENCE = re.compile(r"\{([^{}\n]{0,60})\}")
SCRIPT_TEXT_MAX = 5000
AUDIT_FIELDS = ("title", "creator_id", "price_cents")
_KINDS = {"ppv": "PPV", "tip": "tip", "subscription": "subscription", "message": "paid message"}


def variables_in(text: str) -> list[str]:
    """The variable names ``text`` refers to, in order, each once."""
    return list(dict.fromkeys(name.strip() for name in _REFERENCE.findall(text)))


def _known_list() -> str:
    return ", ".join("{" + name + "}" for name in VARIABLES)


class ScriptIn(BaseModel):
    """A saved reply as a manager types it; ``creator_id`` empty: for every creator."""

    model_config = ConfigDict(extra="ignore")

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SCRIPT_TEXT_MAX)
    ]
    price: PriceText | None = None
    creator_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = ""

    @field_validator("text")
    @classmethod
    def _known_variables(cls, text: str) -> str:
        unknown = [name for name in variables_in(text) if name not in VARIABLES]
        if unknown:
            named = ", ".join("{" + name + "}" for name in unknown)
            raise ValueError(f"unknown variable {named}: the variables are {_known_list()}")
        return text


def _money(cents: int) -> str:
    return f"${cents / 100:.2f}"


def _purchase_text(earning: Earning) -> str:
    kind = _KINDS.get(earning.kind, earning.kind)
    when = earning.occurred_at
    return f"the {kind} ({_money(earning.amount_cents)}) on {when:%b} {when.day}"


class ScriptService:
    """Keeps the library of saved replies and fills them for a fan."""

    def library(
        self, session: Session, actor: Actor, *, creator_id: str | None = None
    ) -> Sequence[SavedReply]:
        """Scripts usable for a creator (agency-wide ones too), most used first; all without."""
        actor.require(Permission.FANS_READ)
        return saved_replies.usable_for(session, actor.org, creator_id)

    def get(self, session: Session, actor: Actor, script_id: str) -> SavedReply:
        """One script; 404 if it is not the organization's."""
        actor.require(Permission.FANS_READ)
        return saved_replies.get(session, actor.org, script_id)

    def create(self, session: Session, actor: Actor, data: ScriptIn) -> SavedReply:
        """Save a script for one creator or for every creator of the agency."""
        actor.require(Permission.CREATORS_WRITE)
        creator_id = creators.get(session, actor, data.creator_id).id if data.creator_id else None
        script = SavedReply(
            organization_id=actor.org,
            creator_id=creator_id,
            title=data.title,
            text=data.text,
            price_cents=data.price or None,
            usage_count=0,
            created_by_user_id=actor.user_id,
        )
        session.add(script)
        session.flush()
        audit.record(
            session,
            actor,
            action="saved_reply.create",
            target_type="saved_reply",
            target_id=script.id,
            after=snapshot(script, AUDIT_FIELDS),
        )
        return script

    def delete(self, session: Session, actor: Actor, script: SavedReply) -> None:
        """Remove a script from the library (replies written from it keep their provenance)."""
        actor.require(Permission.CREATORS_WRITE)
        before = snapshot(script, AUDIT_FIELDS)
        session.delete(script)
        session.flush()
        audit.record(
            session,
            actor,
            action="saved_reply.delete",
            target_type="saved_reply",
            target_id=script.id,
            before=before,
        )

    def fill(self, session: Session, actor: Actor, script: SavedReply, fan: Fan) -> str:
        """The script's text for ``fan``; a variable without a value for him is refused."""
        actor.require(Permission.FANS_READ)
        if script.creator_id is not None and script.creator_id != fan.creator_id:
            raise InvalidInputError(
                "This saved reply belongs to another creator.",
                errors=[field_error("script", "this saved reply is for another creator")],
            )
        values: dict[str, str] = {}
        for name in variables_in(script.text):
            value = self._value(session, actor, name, fan)
            if not value:
                raise InvalidInputError(
                    f"{{{name}}} has no value for this fan, so “{script.title}” cannot be "
                    "used here.",
                    errors=[field_error("script", f"{{{name}}} has no value for this fan")],
                )
            values[name] = value
        return _REFERENCE.sub(lambda m: values.get(m.group(1).strip(), m.group(0)), script.text)

    def _value(self, session: Session, actor: Actor, name: str, fan: Fan) -> str:
        if name == "fan_name":
            return fan.display_name or fan.username
        if name == "fan_username":
            return fan.username
        if name == "creator_name":
            return creators.get(session, actor, fan.creator_id).display_name
        if name == "last_purchase":
            earning = earnings_repo.last_of_fan(session, actor.org, fan.id)
            return _purchase_text(earning) if earning is not None else ""
        raise InvalidInputError(f"{{{name}}} is not a variable: use {_known_list()}.")

    def used(self, session: Session, actor: Actor, script: SavedReply) -> None:
        """Count one reply written from ``script``."""
        actor.require(Permission.OUTBOX_WRITE)
        script.usage_count = (script.usage_count or 0) + 1
        script.last_used_at = utcnow()
        session.flush()


scripts = ScriptService()
