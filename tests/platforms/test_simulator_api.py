"""The ``simulator_api`` connector against a running simulator over real HTTP (DESIGN.md §3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.platforms.live_simulator import LiveSimulator, live_simulator

from huntaze.platforms import base
from huntaze.platforms.agency import AgencyReader
from huntaze.platforms.registry import connector_for, driver
from huntaze.platforms.simulator_api import SimulatorApiConnector


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSimulator]:
    with live_simulator(tmp_path_factory.mktemp("sim-api")) as running:
        yield running


@pytest.fixture
def connector(sim: LiveSimulator) -> Iterator[SimulatorApiConnector]:
    sim.clear_faults()
    made = connector_for(sim.connection())
    assert isinstance(made, SimulatorApiConnector)
    yield made
    made.close()
    sim.clear_faults()


def test_driver_is_registered_for_the_default_queue() -> None:
    assert driver("simulator_api").needs_browser is False


def test_check_session_logs_in(connector: SimulatorApiConnector) -> None:
    assert connector.check_session().ok


def test_a_second_connector_of_the_account_reuses_its_session(
    sim: LiveSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One login per worker process and account, not one per message."""
    from huntaze.platforms.simulator_api.client import SimulatorClient

    logins: list[str] = []
    real_login = SimulatorClient.login

    def counted(client: SimulatorClient) -> None:
        logins.append("login")
        real_login(client)

    monkeypatch.setattr(SimulatorClient, "login", counted)
    connection = sim.connection("creator2")
    for _ in range(3):
        made = connector_for(connection)
        try:
            assert made.check_session().ok
        finally:
            made.close()
    assert len(logins) <= 1
    # An expired session is logged in again, and the new one is kept for the next connector.
    sim.fault("session_expiry", "creator2", params={"after_requests": 0})
    made = connector_for(connection)
    try:
        assert made.check_session().ok
    finally:
        made.close()
    sim.clear_faults("creator2")
    again = connector_for(connection)
    try:
        assert again.check_session().ok
    finally:
        again.close()
    assert len(logins) <= 2


def test_wrong_password_needs_a_person(sim: LiveSimulator) -> None:
    bad = connector_for(sim.connection(password="wrong"))
    try:
        state = bad.check_session()
        assert not state.ok
        assert "Wrong username or password" in state.detail
        with pytest.raises(base.NeedsHumanError):
            bad.fans_since(None)
    finally:
        bad.close()


def test_fans_sync_is_incremental(sim: LiveSimulator, connector: SimulatorApiConnector) -> None:
    fans, cursor = [], None
    while True:
        page = connector.fans_since(cursor)
        fans += page.items
        cursor = page.next_cursor
        if not page.has_more:
            break
    assert len(fans) == len({f.platform_fan_id for f in fans}) > 0
    assert connector.fans_since(cursor).items == []
    sim.admin("POST", "/tick", json={"hours": 72.0})
    changed = connector.fans_since(cursor)
    assert changed.items, "three simulated days change some fans"
    assert int(changed.next_cursor or 0) > int(cursor or 0)


def test_messages_sync_fetches_only_new_ones(
    sim: LiveSimulator, connector: SimulatorApiConnector
) -> None:
    cursor = None
    while True:
        page = connector.messages_since(cursor)
        cursor = page.next_cursor
        if not page.has_more:
            break
    assert connector.messages_since(cursor).items == []
    fan_id = sim.active_fan_id(index=1)
    receipt = connector.send_message(
        base.OutgoingMessage(platform_fan_id=fan_id, text="New since sync", nonce="n-sync-1")
    )
    new = connector.messages_since(cursor).items
    assert [m.platform_message_id for m in new] == [receipt.platform_message_id]
    assert new[0].direction == "outbound" and new[0].nonce == "n-sync-1"


def test_send_text_and_ppv_and_find_them_by_nonce(
    sim: LiveSimulator, connector: SimulatorApiConnector
) -> None:
    fan_id = sim.active_fan_id(index=2)
    connector.send_message(
        base.OutgoingMessage(platform_fan_id=fan_id, text="Hello you", nonce="n-text")
    )
    ppv = connector.send_message(
        base.OutgoingMessage(
            platform_fan_id=fan_id, text="A little surprise", nonce="n-ppv", price_cents=900
        )
    )
    assert sim.deliveries(nonce="n-text") == 1
    assert sim.deliveries(nonce="n-ppv") == 1
    found = connector.find_sent(
        platform_fan_id=fan_id,
        nonce="n-ppv",
        text="A little surprise",
        after=dt.datetime.now(dt.UTC),
    )
    assert found is not None
    assert found.platform_message_id == ppv.platform_message_id
    assert found.price_cents == 900
    missing = connector.find_sent(
        platform_fan_id=fan_id, nonce="n-never", text="x", after=dt.datetime.now(dt.UTC)
    )
    assert missing is None


def test_statements_read_incrementally(connector: SimulatorApiConnector) -> None:
    entries, cursor = [], None
    while True:
        page = connector.earnings_since(cursor)
        entries += page.items
        cursor = page.next_cursor
        if not page.has_more:
            break
    assert entries, "the seeded account has earnings"
    assert all(e.amount_cents > 0 and e.currency for e in entries)
    assert connector.earnings_since(cursor).items == []


def test_create_post_and_mass_message(sim: LiveSimulator, connector: SimulatorApiConnector) -> None:
    post = connector.create_post(base.OutgoingPost(caption="New set tonight", nonce="n-post"))
    assert post.platform_message_id.startswith("post:")
    fan_ids = [sim.active_fan_id(index=3), sim.active_fan_id(index=4)]
    mass = connector.send_mass_message(
        base.OutgoingMassMessage(text="Hi both", nonce="n-mass", platform_fan_ids=fan_ids)
    )
    assert mass.platform_message_id.startswith("mass:")
    assert sim.deliveries(nonce="n-mass") == 2


def test_rate_limit_maps_to_retry_after(
    sim: LiveSimulator, connector: SimulatorApiConnector
) -> None:
    connector.check_session()
    sim.fault("rate_limit", params={"retry_after_s": 7}, count=1)
    with pytest.raises(base.RateLimitedError) as caught:
        connector.fans_since(None)
    assert caught.value.retry_after_s == 7


def test_server_error_is_transient(sim: LiveSimulator, connector: SimulatorApiConnector) -> None:
    connector.check_session()
    sim.fault("error_rate", params={"rate": 1, "status": 502}, count=1)
    with pytest.raises(base.TransientError):
        connector.fans_since(None)


def test_expired_session_logs_in_again(
    sim: LiveSimulator, connector: SimulatorApiConnector
) -> None:
    connector.check_session()
    sim.fault("session_expiry", params={"after_requests": 0})
    assert connector.fans_since(None).items


def test_lost_response_of_a_write_is_an_unknown_outcome(
    sim: LiveSimulator, connector: SimulatorApiConnector
) -> None:
    fan_id = sim.active_fan_id(index=5)
    connector.check_session()
    sim.fault("lost_response", count=1)
    with pytest.raises(base.OutcomeUnknownError):
        connector.send_message(
            base.OutgoingMessage(platform_fan_id=fan_id, text="Did it arrive?", nonce="n-lost")
        )
    assert sim.deliveries(nonce="n-lost") == 1


def test_unreachable_platform_is_transient(tmp_path: Path) -> None:
    from tests.live_server import free_port

    from huntaze.platforms.registry import AccountConnection

    connection = AccountConnection(
        account_id="a",
        platform="simulator",
        handle="x",
        driver="simulator_api",
        base_url=f"http://127.0.0.1:{free_port()}",
        secret={"api_token": "t"},
    )
    unreachable = connector_for(connection)
    try:
        with pytest.raises(base.TransientError):
            unreachable.fans_since(None)
    finally:
        unreachable.close()


def test_agency_reads_keep_up_with_the_onlyfans_connector(
    sim: LiveSimulator, connector: SimulatorApiConnector
) -> None:
    assert isinstance(connector, AgencyReader)
    fans = [sim.active_fan_id(index=i) for i in range(2)]
    sent = connector.send_mass_message(
        base.OutgoingMassMessage(text="Agency read", nonce="agency-1", platform_fan_ids=fans)
    )
    stats = next(
        m for m in connector.mass_messages() if m.platform_mass_id == sent.platform_message_id
    )
    assert (stats.text, stats.sent, stats.unsent) == ("Agency read", 2, False)
    summary = sim.admin("GET", "/accounts/creator1/summary")["fans"]
    lists = {f.platform_list_id: f.fans_count for f in connector.fan_lists()}
    assert lists == {"fans": summary.get("active", 0), "expired": summary.get("expired", 0)}
    assert connector.vault_lists() == []
    links = connector.promo_links()
    assert links and {link.kind for link in links} <= {"tracking", "trial"}
    totals = {t.kind: t.gross_cents for t in connector.earnings_statistics(days=30)}
    assert totals["all"] == sum(v for k, v in totals.items() if k != "all")
    found = connector.find_sent_mass(nonce="agency-1", text="Agency read", after=stats.sent_at)
    assert found is not None and found.platform_message_id == sent.platform_message_id
