"""The provenance export: who or what wrote each outbound message of a creator over a period,
as CSV (DESIGN.md §1 "a provenance record on every outbound message … exportable", §6 "Send").

One row per outbound row of the creator's accounts created in the period: its author kind (a
person, an AI draft approved by a person, a saved reply, an automation, auto-send), the person
who wrote it and who approved it and when, the model and prompt version, and for inbox replies
how the text came to be (the suggestion or script it started from and the edit distance).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Permission
from huntaze.accounts.service import accounts
from huntaze.creators.service import creators
from huntaze.inbox.repository import reply_origins, saved_replies
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.service import outbox

COLUMNS = (
    "created_at",
    "message_id",
    "account",
    "fan",
    "kind",
    "state",
    "written_by",
    "author_kind",
    "origin",
    "author",
    "approved_by",
    "approved_at",
    "edited",
    "edit_distance",
    "suggested_text",
    "script",
    "ai_model",
    "ai_prompt_version",
    "source_kind",
    "source_id",
    "compliance",
    "sent_at",
    "price_cents",
    "text",
)
MAX_ROWS = 100_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet never runs as a formula (fans write what they like)."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, dt.datetime) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _written_by(message: OutboundMessage, origin: str) -> str:
    if message.author_kind == "ai_draft_approved":
        return "AI draft, approved by a person" if message.approved_by_user_id else "AI draft"
    if origin == "script":
        return "saved reply"
    return {
        "person": "person",
        "automation": "automation",
        "auto_send": "AI, sent automatically",
    }.get(message.author_kind, message.author_kind)


class ProvenanceService:
    """Exports who or what wrote each outbound message."""

    def csv_rows(
        self,
        session: Session,
        actor: Actor,
        *,
        creator_id: str,
        start: dt.datetime,
        end: dt.datetime,
    ) -> Iterator[list[str]]:
        """The header and one row per message of the creator created in ``[start, end)``."""
        actor.require(Permission.AUDIT_READ)
        account_rows = creators.accounts(session, actor, creator_id)
        handles = {a.id: f"{a.platform} @{a.handle}" for a in account_rows}
        messages = outbox.created_between(
            session, actor, account_ids=list(handles), start=start, end=end, limit=MAX_ROWS
        )
        origins = reply_origins.of_messages(session, actor.org, [m.id for m in messages])
        people = {m.user_id: m.user.name or m.user.email for m in accounts.members(session, actor)}
        script_ids = [o.saved_reply_id for o in origins.values() if o.saved_reply_id]
        titles = {s.id: s.title for s in saved_replies.by_ids(session, actor.org, script_ids)}
        yield list(COLUMNS)
        for m in messages:
            found = origins.get(m.id)
            origin = found.origin if found is not None else ""
            distance = found.edit_distance if found is not None else None
            script_id = found.saved_reply_id if found is not None else None
            row = {
                "created_at": m.created_at,
                "message_id": m.id,
                "account": handles.get(m.platform_account_id, ""),
                "fan": m.platform_fan_id,
                "kind": m.kind,
                "state": m.state,
                "written_by": _written_by(m, origin),
                "author_kind": m.author_kind,
                "origin": origin,
                "author": people.get(m.author_user_id or "", m.author_user_id),
                "approved_by": people.get(m.approved_by_user_id or "", m.approved_by_user_id),
                "approved_at": m.approved_at,
                "edited": "" if distance is None else ("yes" if distance else "no"),
                "edit_distance": distance,
                "suggested_text": found.suggested_text if found is not None else None,
                "script": titles.get(script_id or "", script_id),
                "ai_model": m.ai_model,
                "ai_prompt_version": m.ai_prompt_version,
                "source_kind": m.source_kind,
                "source_id": m.source_id,
                "compliance": m.compliance_outcome,
                "sent_at": m.sent_at,
                "price_cents": m.price_cents,
                "text": m.text,
            }
            yield [_cell(row[name]) for name in COLUMNS]

    def csv_text(
        self,
        session: Session,
        actor: Actor,
        *,
        creator_id: str,
        start: dt.datetime,
        end: dt.datetime,
    ) -> str:
        """The whole export as CSV text."""
        out = io.StringIO()
        writer = csv.writer(out)
        for row in self.csv_rows(session, actor, creator_id=creator_id, start=start, end=end):
            writer.writerow(row)
        return out.getvalue()


provenance = ProvenanceService()
