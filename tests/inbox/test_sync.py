"""The inbox sync against a running simulator over HTTP (DESIGN.md §6 "Inbox sync"): fans,
messages and statements arrive once, incrementally, and a sync stopped halfway then run again
ends with the same rows as one that was never stopped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.outbox.helpers import Agency, make_agency
from tests.platforms.live_simulator import LiveSimulator, live_simulator

from huntaze.analytics.models import DomainEvent
from huntaze.core.tenancy import trusted_org_id
from huntaze.fans.models import Fan
from huntaze.inbox.models import ChatMessage, Earning
from huntaze.inbox.sync import sync_account
from huntaze.platforms import base, simulator_api
from huntaze.platforms.registry import AccountConnection, connector_for, register_driver


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSimulator]:
    with live_simulator(tmp_path_factory.mktemp("sim-inbox")) as running:
        yield running


@pytest.fixture
def agency(session: Session, sim: LiveSimulator) -> Agency:
    return make_agency(session, base_url=sim.url, secret=sim.secret_json())


def _everything(sim: LiveSimulator) -> dict[str, list[Any]]:
    """Every fan, message and entry the platform has, read straight through a connector."""
    connector = connector_for(sim.connection())
    found: dict[str, list[Any]] = {}
    try:
        for stream, read in (
            ("fans", connector.fans_since),
            ("messages", connector.messages_since),
            ("earnings", connector.earnings_since),
        ):
            cursor, items = None, []
            while True:
                page = read(cursor)
                items += page.items
                cursor = page.next_cursor
                if not page.has_more:
                    break
            found[stream] = items
    finally:
        connector.close()
    return found


def _rows(session: Session, agency: Agency) -> dict[str, Any]:
    account_id = agency.account.id
    fans = session.scalars(select(Fan).where(Fan.platform_account_id == account_id)).all()
    messages = session.scalars(
        select(ChatMessage).where(ChatMessage.platform_account_id == account_id)
    ).all()
    earnings = session.scalars(
        select(Earning).where(Earning.platform_account_id == account_id)
    ).all()
    events = session.execute(
        select(DomainEvent.kind, DomainEvent.dedupe_key).where(
            DomainEvent.platform_account_id == account_id
        )
    ).all()
    by_id = {f.id: f.platform_fan_id for f in fans}
    return {
        "fans": sorted(
            (f.platform_fan_id, f.username, f.status, f.total_spent_cents, f.unread_count)
            for f in fans
        ),
        "messages": sorted(
            (m.platform_message_id, by_id[m.fan_id], m.direction, m.text, m.purchased)
            for m in messages
        ),
        "earnings": sorted(
            (e.platform_entry_id, e.kind, e.amount_cents, e.status) for e in earnings
        ),
        "events": sorted((kind, key.replace(account_id, "account")) for kind, key in events),
    }


def _sync(agency: Agency) -> Any:
    return sync_account(trusted_org_id(agency.account.organization_id), agency.account.id)


def test_a_sync_brings_in_everything_once(
    session: Session, sim: LiveSimulator, agency: Agency
) -> None:
    platform = _everything(sim)
    report = _sync(agency)
    assert report.items["fans"] == len(platform["fans"]) > 0
    rows = _rows(session, agency)
    assert [f[0] for f in rows["fans"]] == sorted(f.platform_fan_id for f in platform["fans"])
    assert [m[0] for m in rows["messages"]] == sorted(
        m.platform_message_id for m in platform["messages"]
    )
    assert [e[0] for e in rows["earnings"]] == sorted(
        e.platform_entry_id for e in platform["earnings"]
    )
    inbound = {m.platform_message_id for m in platform["messages"] if m.direction == "inbound"}
    assert {m[0] for m in rows["messages"] if m[2] == "inbound"} == inbound
    # Spend per fan is what the statements say, chargebacks excluded.
    spent: dict[str, int] = {}
    for entry in platform["earnings"]:
        if entry.platform_fan_id and entry.counts_as_revenue:
            spent[entry.platform_fan_id] = spent.get(entry.platform_fan_id, 0) + entry.amount_cents
    assert {f[0]: f[3] for f in rows["fans"] if f[3]} == {k: v for k, v in spent.items() if v}
    kinds = {kind for kind, _key in rows["events"]}
    assert {"message.received", "purchase.made", "fan.subscribed"} <= kinds

    again = _sync(agency)
    assert sum(again.items.values()) == 0 and again.new_events == 0
    assert _rows(session, agency) == rows


def test_new_activity_arrives_incrementally(
    session: Session, sim: LiveSimulator, agency: Agency
) -> None:
    _sync(agency)
    before = _rows(session, agency)
    sim.admin("POST", "/tick", json={"hours": 12})
    report = _sync(agency)
    after = _rows(session, agency)
    new_messages = set(after["messages"]) - set(before["messages"])
    assert report.items["messages"] == len(new_messages) > 0
    assert set(before["messages"]) <= set(after["messages"])
    platform = _everything(sim)
    assert len(after["messages"]) == len(platform["messages"])
    # A fan who wrote since gets the new messages counted as unread.
    wrote = {m[1] for m in new_messages if m[2] == "inbound"}
    unread = {f[0]: f[4] for f in after["fans"]}
    assert wrote and all(unread[fan] > 0 for fan in wrote)


class StopsOnce:
    """A connector that dies once, at the n-th page it reads (a worker killed mid-sync)."""

    pages_before_stop = 4
    stopped = False

    def __init__(self, connection: AccountConnection) -> None:
        self.inner = simulator_api.SimulatorApiConnector(connection)
        self.pages = 0

    def _page(self, read: Any, cursor: str | None) -> Any:
        self.pages += 1
        if not StopsOnce.stopped and self.pages == StopsOnce.pages_before_stop:
            StopsOnce.stopped = True
            raise base.TransientError("the worker died")
        return read(cursor)

    def fans_since(self, cursor: str | None) -> Any:
        return self._page(self.inner.fans_since, cursor)

    def messages_since(self, cursor: str | None) -> Any:
        return self._page(self.inner.messages_since, cursor)

    def earnings_since(self, cursor: str | None) -> Any:
        return self._page(self.inner.earnings_since, cursor)

    def close(self) -> None:
        self.inner.close()


def test_a_sync_stopped_halfway_ends_with_the_same_rows(
    session: Session, sim: LiveSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("huntaze.platforms.simulator_api.connector.PAGE_SIZE", 7)
    whole = make_agency(session, base_url=sim.url, secret=sim.secret_json())
    _sync(whole)
    register_driver("stops_once", StopsOnce, needs_browser=False)
    StopsOnce.stopped = False  # each backend's run stops once
    secret = sim.secret_json()
    stopped = make_agency(session, base_url=sim.url, secret=secret)
    stopped.account.connection = {**(stopped.account.connection or {}), "driver": "stops_once"}
    session.flush()
    with pytest.raises(base.TransientError):
        _sync(stopped)
    assert StopsOnce.stopped
    halfway = _rows(session, stopped)
    assert 0 < len(halfway["fans"]) < len(_rows(session, whole)["fans"]) + 1
    _sync(stopped)
    assert _rows(session, stopped) == _rows(session, whole)
    count = session.scalar(
        select(func.count())
        .select_from(ChatMessage)
        .where(ChatMessage.platform_account_id == stopped.account.id)
    )
    assert count == len(_rows(session, whole)["messages"])
