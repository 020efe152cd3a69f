"""The inbox sync of one platform account (DESIGN.md §6 "Inbox sync").

For each stream — fans, then messages, then statement entries — it reads pages through the
account's connector from the stream's cursor, and writes each page with its new cursor in one
transaction. Platform I/O happens outside any database transaction. A sync stopped anywhere
(a killed worker, a platform error) leaves every committed page and its cursor consistent, so
running it again continues where it stopped and ends with the same rows as one uninterrupted
run; rows already there are skipped by their unique constraints, so nothing is stored twice.

Only one sync of an account runs at a time (a lock per account); each page read holds the
account's platform lock briefly, like a send, so a sync never drives the account's session
at the same moment as a send.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from huntaze.analytics.events import EventIn, record_events
from huntaze.config import get_settings
from huntaze.core.db import get_database
from huntaze.core.locks import get_locks
from huntaze.core.observability import get_logger
from huntaze.core.tenancy import OrgId
from huntaze.creators.service import creators
from huntaze.fans.service import AccountRef, fans
from huntaze.inbox.ingest import ingest_earnings, ingest_messages
from huntaze.inbox.repository import sync_cursors
from huntaze.platforms import base
from huntaze.platforms.base import PlatformConnector
from huntaze.platforms.registry import connector_for

STREAMS = ("fans", "messages", "earnings")
# A safety stop for a platform that keeps saying "more" (a bug there must not loop forever).
MAX_PAGES_PER_STREAM = 10_000
log = get_logger("huntaze.inbox.sync")

Progress = Callable[[str, int], None]


@dataclass
class SyncReport:
    """What one sync brought in: pages read and items per stream, events recorded."""

    pages: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STREAMS, 0))
    items: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STREAMS, 0))
    new_events: int = 0


def _read(connector: PlatformConnector, stream: str, cursor: str | None) -> base.Page[Any]:
    if stream == "fans":
        return connector.fans_since(cursor)
    if stream == "messages":
        return connector.messages_since(cursor)
    return connector.earnings_since(cursor)


def _write(org: OrgId, account: AccountRef, stream: str, page: base.Page[Any]) -> int:
    with get_database().session_scope() as session:
        events: list[EventIn]
        if stream == "fans":
            events = fans.upsert_from_platform(session, account, page.items)
        elif stream == "messages":
            events = ingest_messages(session, account, page.items)
        else:
            events = ingest_earnings(session, account, page.items)
        new_events = record_events(session, org, events)
        sync_cursors.advance(
            session,
            org,
            account.account_id,
            stream,
            cursor=page.next_cursor,
            items=len(page.items),
        )
    return new_events


def sync_account(org: OrgId, account_id: str, *, progress: Progress | None = None) -> SyncReport:
    """Bring one account's fans, messages and statement entries up to date."""
    settings = get_settings()
    with get_database().session_scope() as session:
        account_row = creators.platform_account(session, org, account_id)
        account = AccountRef(org=org, account_id=account_id, creator_id=account_row.creator_id)
        connection = creators.connection_for(account_row)
    report = SyncReport()
    locks = get_locks()
    with locks.hold(f"inbox_sync:{account_id}", timeout_s=1.0):
        connector = connector_for(connection)
        try:
            for stream in STREAMS:
                _sync_stream(
                    org, account, stream, connector, report, progress, settings.platform_timeout_s
                )
        finally:
            connector.close()
    log.info("inbox_synced", account_id=account_id, items=report.items, events=report.new_events)
    return report


def _sync_stream(
    org: OrgId,
    account: AccountRef,
    stream: str,
    connector: PlatformConnector,
    report: SyncReport,
    progress: Progress | None,
    timeout_s: float,
) -> None:
    locks = get_locks()
    for _ in range(MAX_PAGES_PER_STREAM):
        with get_database().session_scope(writes=False) as session:
            stored = sync_cursors.get(session, org, account.account_id, stream)
            cursor = stored.cursor if stored else None
        try:
            with locks.hold(f"platform_account:{account.account_id}", timeout_s=timeout_s * 2):
                page = _read(connector, stream, cursor)
        except base.PlatformError as exc:
            with get_database().session_scope() as session:
                sync_cursors.fail(session, org, account.account_id, stream, exc.message)
            raise
        report.new_events += _write(org, account, stream, page)
        report.pages[stream] += 1
        report.items[stream] += len(page.items)
        if progress is not None:
            progress(stream, len(page.items))
        if not page.has_more:
            return
    log.warning("inbox_sync_page_limit", account_id=account.account_id, stream=stream)
