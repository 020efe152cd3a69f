"""Where a sent message or a PPV sale came from (DESIGN.md §6 "Analytics": rollups per source).

A message sent through Huntaze went through the outbox, whose row records who wrote it
(provenance); the platform gives the same nonce back with the synced message. So a synced
outgoing message is attributed by its nonce, and a PPV purchase by the message that offered it:
``chatter`` (a person wrote it), ``ai`` (an AI draft approved by a person, or sent by auto-send),
``automation``; ``platform`` for a message sent on the platform itself, outside Huntaze.
Everything else (tips, subscriptions) stays :data:`~huntaze.analytics.rollups.DEFAULT_SOURCE`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from huntaze.core.tenancy import OrgId, in_organization
from huntaze.inbox.models import ChatMessage, Earning
from huntaze.outbox.models import OutboundMessage

SOURCE_OF_AUTHOR = {
    "person": "chatter",
    "ai_draft_approved": "ai",
    "auto_send": "ai",
    "automation": "automation",
}
PLATFORM = "platform"
_CHUNK = 400

Key = tuple[str, str]


def _chunks(keys: Iterable[Key]) -> Iterable[list[Key]]:
    ordered = sorted(set(keys))
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def message_sources(session: Session, org: OrgId, messages: Iterable[Key]) -> dict[Key, str]:
    """The source of each outgoing message named by (platform account, platform message id)."""
    nonces: dict[Key, str | None] = {}
    for chunk in _chunks(messages):
        rows = session.execute(
            in_organization(
                select(
                    ChatMessage.platform_account_id,
                    ChatMessage.platform_message_id,
                    ChatMessage.nonce,
                ),
                org,
                ChatMessage,
            ).where(
                tuple_(ChatMessage.platform_account_id, ChatMessage.platform_message_id).in_(chunk)
            )
        )
        for account_id, message_id, nonce in rows:
            nonces[(account_id, message_id)] = nonce
    wanted = sorted({n for n in nonces.values() if n})
    authors: dict[str, str] = {}
    for start in range(0, len(wanted), _CHUNK):
        written = session.execute(
            in_organization(
                select(OutboundMessage.nonce, OutboundMessage.author_kind), org, OutboundMessage
            ).where(OutboundMessage.nonce.in_(wanted[start : start + _CHUNK]))
        )
        authors.update({nonce: author for nonce, author in written})
    return {
        key: SOURCE_OF_AUTHOR.get(authors.get(nonce or "", ""), PLATFORM)
        for key, nonce in nonces.items()
    }


def purchase_sources(session: Session, org: OrgId, entries: Iterable[Key]) -> dict[Key, str]:
    """The source of each purchase named by (platform account, platform entry id) that paid
    for a message (a PPV): the source of that message."""
    offered: dict[Key, Key] = {}
    for chunk in _chunks(entries):
        rows = session.execute(
            in_organization(
                select(
                    Earning.platform_account_id,
                    Earning.platform_entry_id,
                    Earning.platform_message_id,
                ),
                org,
                Earning,
            ).where(
                tuple_(Earning.platform_account_id, Earning.platform_entry_id).in_(chunk),
                Earning.platform_message_id.is_not(None),
            )
        )
        for account_id, entry_id, message_id in rows:
            offered[(account_id, entry_id)] = (account_id, str(message_id))
    by_message = message_sources(session, org, offered.values())
    return {entry: by_message[m] for entry, m in offered.items() if m in by_message}
