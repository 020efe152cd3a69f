"""List pages and hot API reads run as many SQL statements for 50 rows as for 5 (no query per
row: STYLE.md "list pages and hot endpoints have a query-count test"; issue 13).

Each list is loaded once before counting, so that work done once per client (an API key's
last-used time) is not counted; then it is counted with 5 rows and again with 50.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from tests.factories import api_headers, log_in
from tests.outbox.helpers import Agency, make_agency, make_message

from huntaze.fans.models import Fan
from huntaze.fans.service import AccountRef, fans
from huntaze.inbox.ingest import ingest_earnings, ingest_messages
from huntaze.platforms.base import EarningEntry, PlatformFan, PlatformMessage

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
FEW, MANY = 5, 50


@pytest.fixture
def agency(session: Session) -> Agency:
    return make_agency(session)


def _ref(agency: Agency) -> AccountRef:
    return AccountRef(
        org=agency.owner.actor.org,
        account_id=agency.account.id,
        creator_id=agency.account.creator_id,
    )


def _fans_with_chats(session: Session, agency: Agency, total: int) -> None:
    """Fans ``0 … total - 1`` of the agency's account, each with a message and a purchase."""
    ref = _ref(agency)
    numbers = range(total)
    fans.upsert_from_platform(
        session,
        ref,
        [
            PlatformFan(
                platform_fan_id=f"f{n}",
                username=f"fan{n}",
                subscribed_at=NOW - dt.timedelta(days=n + 1),
                is_active=n % 5 != 0,
            )
            for n in numbers
        ],
    )
    ingest_messages(
        session,
        ref,
        [
            PlatformMessage(
                platform_message_id=f"m{n}",
                platform_fan_id=f"f{n}",
                direction="inbound",
                text=f"hello {n}",
                sent_at=NOW - dt.timedelta(minutes=n + 1),
            )
            for n in numbers
        ],
    )
    ingest_earnings(
        session,
        ref,
        [
            EarningEntry(
                platform_entry_id=f"e{n}",
                kind="tip",
                amount_cents=20_000,
                occurred_at=NOW - dt.timedelta(minutes=n + 1),
                platform_fan_id=f"f{n}",
            )
            for n in numbers
        ],
    )
    session.commit()


def _chat_of_one_fan(session: Session, agency: Agency, total: int) -> str:
    """Fan ``solo`` with ``total`` messages and as many outbound messages waiting; its id."""
    ref = _ref(agency)
    ingest_messages(
        session,
        ref,
        [
            PlatformMessage(
                platform_message_id=f"solo-{n}",
                platform_fan_id="solo",
                direction="inbound" if n % 2 else "outbound",
                text=f"line {n}",
                sent_at=NOW - dt.timedelta(minutes=n + 1),
            )
            for n in range(total)
        ],
    )
    existing = session.scalars(select(Fan).where(Fan.platform_fan_id == "solo")).one()
    for n in range(total):
        make_message(session, agency, text=f"draft {total}-{n}", fan_id="solo")
    session.commit()
    return existing.id


def _messages(session: Session, agency: Agency, total: int) -> None:
    for n in range(total):
        make_message(session, agency, text=f"hello {total}-{n}", fan_id=str(n))
    session.commit()


def _statements(client: TestClient, session: Session, path: str, headers: dict[str, str]) -> int:
    statements: list[str] = []
    engine = session.get_bind().engine

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, response.text
    return len(statements)


def _flat(
    client: TestClient,
    session: Session,
    path: Callable[[int], str],
    headers: dict[str, str],
    add: Callable[[int], None],
    *,
    rows: Callable[[str], int],
) -> None:
    counts = []
    for total in (FEW, MANY):
        add(total)
        assert _statements(client, session, path(total), headers) >= 0  # once per client first
        counts.append(_statements(client, session, path(total), headers))
        assert rows(client.get(path(total), headers=headers).text) >= total
    assert counts[0] == counts[1], f"{counts[0]} statements for {FEW} rows, {counts[1]} for {MANY}"


def test_inbox_list_page(client: TestClient, session: Session, agency: Agency) -> None:
    log_in(client, session, agency.owner)
    _flat(
        client,
        session,
        lambda _total: "/inbox",
        {},
        lambda total: _fans_with_chats(session, agency, total),
        rows=lambda html: html.count("<tr data-fan="),
    )


@pytest.mark.parametrize("view", ["unread", "big", "new", "expired"])
def test_inbox_views_are_flat_too(
    client: TestClient, session: Session, agency: Agency, view: str
) -> None:
    log_in(client, session, agency.owner)
    counts = []
    for total in (FEW, MANY):
        _fans_with_chats(session, agency, total)
        _statements(client, session, f"/inbox?view={view}", {})
        counts.append(_statements(client, session, f"/inbox?view={view}", {}))
    assert counts[0] == counts[1], counts


def test_conversation_page(client: TestClient, session: Session, agency: Agency) -> None:
    log_in(client, session, agency.owner)
    fan_ids: dict[int, str] = {}

    def add(total: int) -> None:
        fan_ids[total] = _chat_of_one_fan(session, agency, total)

    _flat(
        client,
        session,
        lambda total: f"/inbox/{fan_ids[total]}",
        {},
        add,
        rows=lambda html: html.count("line "),
    )


def test_outbox_page(client: TestClient, session: Session, agency: Agency) -> None:
    log_in(client, session, agency.owner)
    _flat(
        client,
        session,
        lambda _total: "/outbox",
        {},
        lambda total: _messages(session, agency, total),
        rows=lambda html: html.count('<tr id="m-'),
    )


def test_fans_api(client: TestClient, session: Session, agency: Agency) -> None:
    headers = api_headers(client, session, agency.owner)
    _flat(
        client,
        session,
        lambda _total: "/api/v1/fans?limit=200",
        headers,
        lambda total: _fans_with_chats(session, agency, total),
        rows=lambda body: body.count('"platform_fan_id"'),
    )


def test_outbound_messages_api(client: TestClient, session: Session, agency: Agency) -> None:
    headers = api_headers(client, session, agency.owner)
    _flat(
        client,
        session,
        lambda _total: "/api/v1/outbound-messages?limit=200",
        headers,
        lambda total: _messages(session, agency, total),
        rows=lambda body: body.count('"idempotency_key"'),
    )
