"""The event store (storage/eventstore.py): the SQL table and DynamoDB keep the same contract.

DynamoDB is spoken to over its wire protocol by boto3, against moto's server mode started by
the suite (``tests/s3_server.py``: one local server answers every AWS service); nothing is
patched."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from sqlalchemy.orm import Session
from tests.factories import make_org

from huntaze.config import Settings
from huntaze.core.tenancy import OrgId, trusted_org_id
from huntaze.storage.eventstore import (
    DynamoEventStore,
    EventIn,
    EventStore,
    SqlEventStore,
    event_store,
    instant_key,
)

T0 = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def dynamodb_client(s3_endpoint: str) -> Any:
    """A boto3 DynamoDB client of the local AWS-compatible server."""
    return boto3.client(
        "dynamodb",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


@pytest.fixture(params=["sql", "dynamodb"])
def store(request: pytest.FixtureRequest) -> Iterator[EventStore]:
    """Each store, the DynamoDB one on a fresh table with small pages (to page through)."""
    if request.param == "sql":
        yield SqlEventStore()
        return
    client = request.getfixturevalue("dynamodb_client")
    dynamo = DynamoEventStore(client, f"events-{uuid.uuid4().hex[:12]}", page_size=2)
    dynamo.create_table()
    yield dynamo
    client.delete_table(TableName=dynamo.table)


def _orgs(session: Session) -> tuple[OrgId, OrgId]:
    return trusted_org_id(make_org(session).id), trusted_org_id(make_org(session).id)


def _event(key: str, minutes: int, creator: str | None = "c1", **extra: Any) -> EventIn:
    return EventIn(
        "purchase.made",
        key,
        T0 + dt.timedelta(minutes=minutes),
        creator_id=creator,
        fan_id="f1",
        amount_cents=1500,
        payload={"kind": "ppv", "source": "ai"},
        **extra,
    )


def test_an_event_recorded_twice_is_stored_once(session: Session, store: EventStore) -> None:
    org, other = _orgs(session)
    assert store.record(session, org, [_event("a", 0), _event("b", 1), _event("a", 0)]) == 2
    assert store.record(session, org, [_event("b", 1), _event("c", 2)]) == 1
    # The same fact told again with another time (a platform that rounds) is still the same.
    assert store.record(session, org, [_event("a", 5)]) == 0
    # The dedupe key names a fact of one organization: another may use the same.
    assert store.record(session, other, [_event("a", 0)]) == 1
    found = store.creator_events(session, org, "c1", T0, T0 + dt.timedelta(hours=1))
    assert [e.dedupe_key for e in found] == ["a", "b", "c"]


def test_a_creators_time_range_in_order_with_its_bounds(
    session: Session, store: EventStore
) -> None:
    org, other = _orgs(session)
    store.record(
        session,
        org,
        [
            _event("late", 90),
            _event("start", 0),
            _event("before", -1),
            _event("end", 60),
            _event("mid-b", 30),
            _event("mid-a", 30),
            _event("someone-else", 30, creator="c2"),
            _event("no-creator", 30, creator=None),
        ],
    )
    store.record(session, other, [_event("other-org", 30)])
    end = T0 + dt.timedelta(minutes=60)
    found = store.creator_events(session, org, "c1", T0, end)
    # From the start (included) to the end (excluded), by time then dedupe key.
    assert [e.dedupe_key for e in found] == ["start", "mid-a", "mid-b"]
    first = found[0]
    assert (first.kind, first.creator_id, first.fan_id, first.amount_cents) == (
        "purchase.made",
        "c1",
        "f1",
        1500,
    )
    assert first.occurred_at == T0 and first.payload == {"kind": "ppv", "source": "ai"}
    assert first.platform_account_id is None and first.recorded_at.tzinfo is not None
    assert [e.dedupe_key for e in store.creator_events(session, org, None, T0, end)] == [
        "no-creator"
    ]
    assert store.creator_events(session, org, "c2", end, end + dt.timedelta(hours=1)) == []
    # A zone other than UTC means the same instants.
    paris = dt.timezone(dt.timedelta(hours=1))
    assert [
        e.dedupe_key
        for e in store.creator_events(
            session, org, "c1", T0.astimezone(paris), end.astimezone(paris)
        )
    ] == ["start", "mid-a", "mid-b"]


def test_the_sort_key_orders_instants_as_time() -> None:
    instants = [
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=10))),
        dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
    ]
    keys = [instant_key(at) for at in instants]
    assert sorted(keys) == [instant_key(at) for at in sorted(instants)]
    assert len(set(map(len, keys))) == 1


def test_the_store_is_chosen_by_setting(s3_endpoint: str) -> None:
    assert isinstance(event_store(Settings()), SqlEventStore)
    chosen = event_store(
        Settings(
            event_backend="dynamodb",
            dynamodb_table="huntaze-events-test",
            dynamodb_endpoint_url=s3_endpoint,
        )
    )
    assert isinstance(chosen, DynamoEventStore) and chosen.table == "huntaze-events-test"
    assert chosen.client.meta.endpoint_url == s3_endpoint
