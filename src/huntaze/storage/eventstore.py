"""The event store (DESIGN.md §4 "event store", §6 "Analytics"): where domain events are kept,
and how one creator's events of a time range are read back.

Two stores behind one :class:`EventStore` Protocol, chosen by ``HUNTAZE_EVENT_BACKEND``:

- ``sql`` (the default): the ``domain_event`` table, written in the caller's transaction, so an
  event exists exactly when the change it describes was committed; the rollups read it.
- ``dynamodb``: one DynamoDB table (``HUNTAZE_DYNAMODB_TABLE``, on-demand capacity) keyed for
  per-creator time ranges: partition key ``pk = <organization>#<creator>`` (``-`` for an event
  of no creator), sort key ``sk = <occurred_at, UTC, fixed width>#<dedupe key>``, so a creator's
  events of a period are one ``Query`` on ``pk`` with ``sk BETWEEN`` two instants, in time
  order. An event is written in a transaction with a guard item ``pk = <organization>#dedupe#
  <dedupe key>``, conditional on neither existing: recording the same fact twice stores it once,
  as the SQL table's unique key does. ``HUNTAZE_DYNAMODB_ENDPOINT_URL`` points it at a
  DynamoDB-compatible server (DynamoDB Local, a test server); credentials come from boto3's
  usual chain.

The domains record through :func:`huntaze.analytics.events.record_events`, which writes to the
SQL store in their transaction whatever the setting: the rollups read that table. Rollups read
from DynamoDB would need what it lacks so far: a way to find the events recorded since a
watermark (a secondary index on ``recorded_at``) and a fan's earlier subscriptions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import boto3
from botocore.exceptions import ClientError
from sqlalchemy import select
from sqlalchemy.orm import Session

from huntaze.analytics.models import DomainEvent
from huntaze.config import Settings, get_settings
from huntaze.core.bulk import insert_new
from huntaze.core.db import new_id, utcnow
from huntaze.core.tenancy import OrgId, in_organization

NO_CREATOR = "-"


@dataclass(frozen=True, slots=True)
class EventIn:
    """One event to record; ``dedupe_key`` names the fact, so recording it again is a no-op."""

    kind: str
    dedupe_key: str
    occurred_at: dt.datetime
    creator_id: str | None = None
    platform_account_id: str | None = None
    fan_id: str | None = None
    amount_cents: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as a store gives it back."""

    kind: str
    dedupe_key: str
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    creator_id: str | None
    platform_account_id: str | None
    fan_id: str | None
    amount_cents: int | None
    payload: dict[str, Any]


class EventStore(Protocol):
    """Keeps an organization's events once each, and reads a creator's events by time."""

    def record(self, session: Session, org: OrgId, events: Sequence[EventIn]) -> int:
        """Store the events not stored yet (in ``session``'s transaction where the store is
        the database); how many were new."""
        ...

    def creator_events(
        self,
        session: Session,
        org: OrgId,
        creator_id: str | None,
        start: dt.datetime,
        end: dt.datetime,
    ) -> list[StoredEvent]:
        """The creator's events that occurred from ``start`` (included) to ``end`` (excluded),
        oldest first (ties in dedupe key order); ``None`` for the events of no creator."""
        ...


def _utc(at: dt.datetime) -> dt.datetime:
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)


class SqlEventStore:
    """Events in the ``domain_event`` table of the application's database."""

    def record(self, session: Session, org: OrgId, events: Sequence[EventIn]) -> int:
        """Insert the events whose dedupe key is new to the organization, in one statement."""
        now = utcnow()
        rows = [
            {
                "id": new_id(),
                "organization_id": org,
                "kind": e.kind,
                "dedupe_key": e.dedupe_key,
                "occurred_at": e.occurred_at,
                "recorded_at": now,
                "creator_id": e.creator_id,
                "platform_account_id": e.platform_account_id,
                "fan_id": e.fan_id,
                "amount_cents": e.amount_cents,
                "payload": e.payload,
            }
            for e in events
        ]
        inserted = insert_new(
            session, DomainEvent, rows, conflict=("organization_id", "dedupe_key"), returning="id"
        )
        return len(inserted)

    def creator_events(
        self,
        session: Session,
        org: OrgId,
        creator_id: str | None,
        start: dt.datetime,
        end: dt.datetime,
    ) -> list[StoredEvent]:
        """One indexed range read (by creator and time)."""
        mine = (
            DomainEvent.creator_id.is_(None)
            if creator_id is None
            else DomainEvent.creator_id == creator_id
        )
        rows = session.scalars(
            in_organization(select(DomainEvent), org, DomainEvent)
            .where(mine, DomainEvent.occurred_at >= start, DomainEvent.occurred_at < end)
            .order_by(DomainEvent.occurred_at, DomainEvent.dedupe_key)
        )
        return [
            StoredEvent(
                kind=r.kind,
                dedupe_key=r.dedupe_key,
                occurred_at=_utc(r.occurred_at),
                recorded_at=_utc(r.recorded_at),
                creator_id=r.creator_id,
                platform_account_id=r.platform_account_id,
                fan_id=r.fan_id,
                amount_cents=r.amount_cents,
                payload=dict(r.payload or {}),
            )
            for r in rows
        ]


def instant_key(at: dt.datetime) -> str:
    """``at`` in UTC as fixed-width text whose order is the order of time."""
    return _utc(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _instant(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)


class DynamoEventStore:
    """Events in one DynamoDB table, partitioned by organization and creator, sorted by time."""

    def __init__(self, client: Any, table: str, *, page_size: int | None = None) -> None:
        self.client = client
        self.table = table
        self.page_size = page_size
        """Items per ``Query`` page (DynamoDB's 1 MB pages when None)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> DynamoEventStore:
        """The store the settings describe."""
        options: dict[str, str] = {"region_name": settings.dynamodb_region}
        if settings.dynamodb_endpoint_url:
            options["endpoint_url"] = settings.dynamodb_endpoint_url
        return cls(boto3.client("dynamodb", **options), settings.dynamodb_table)

    def create_table(self) -> None:
        """Create the table (on-demand capacity) unless it exists; for development and tests,
        the deployed table comes from the infrastructure templates."""
        try:
            self.client.create_table(
                TableName=self.table,
                AttributeDefinitions=[
                    {"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "sk", "AttributeType": "S"},
                ],
                KeySchema=[
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                ],
                BillingMode="PAY_PER_REQUEST",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceInUseException":
                raise
        self.client.get_waiter("table_exists").wait(TableName=self.table)

    @staticmethod
    def partition(org: OrgId, creator_id: str | None) -> str:
        """The partition key of a creator's events."""
        return f"{org}#{creator_id or NO_CREATOR}"

    def _item(self, org: OrgId, event: EventIn, now: dt.datetime) -> dict[str, Any]:
        item: dict[str, Any] = {
            "pk": {"S": self.partition(org, event.creator_id)},
            "sk": {"S": f"{instant_key(event.occurred_at)}#{event.dedupe_key}"},
            "kind": {"S": event.kind},
            "dedupe_key": {"S": event.dedupe_key},
            "occurred_at": {"S": instant_key(event.occurred_at)},
            "recorded_at": {"S": instant_key(now)},
            "payload": {"S": json.dumps(event.payload, sort_keys=True, default=str)},
        }
        for name in ("creator_id", "platform_account_id", "fan_id"):
            value = getattr(event, name)
            if value is not None:
                item[name] = {"S": value}
        if event.amount_cents is not None:
            item["amount_cents"] = {"N": str(int(event.amount_cents))}
        return item

    def record(self, session: Session, org: OrgId, events: Sequence[EventIn]) -> int:
        """Write each event with its dedupe guard, both or neither; duplicates are skipped."""
        now = utcnow()
        new = 0
        for event in events:
            guard = {"pk": {"S": f"{org}#dedupe#{event.dedupe_key}"}, "sk": {"S": NO_CREATOR}}
            try:
                self.client.transact_write_items(
                    TransactItems=[
                        {
                            "Put": {
                                "TableName": self.table,
                                "Item": guard,
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        },
                        {
                            "Put": {
                                "TableName": self.table,
                                "Item": self._item(org, event, now),
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        },
                    ]
                )
            except ClientError as error:
                if error.response["Error"]["Code"] != "TransactionCanceledException":
                    raise
                reasons = error.response.get("CancellationReasons") or []
                if not any(r.get("Code") == "ConditionalCheckFailed" for r in reasons):
                    raise
                continue
            new += 1
        return new

    def creator_events(
        self,
        session: Session,
        org: OrgId,
        creator_id: str | None,
        start: dt.datetime,
        end: dt.datetime,
    ) -> list[StoredEvent]:
        """One ``Query`` on the creator's partition, page after page."""
        found: list[StoredEvent] = []
        request: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :start AND :end",
            "ExpressionAttributeValues": {
                ":pk": {"S": self.partition(org, creator_id)},
                # "<end>#key" sorts after "<end>": an event at ``end`` itself is left out.
                ":start": {"S": instant_key(start)},
                ":end": {"S": instant_key(end)},
            },
        }
        if self.page_size:
            request["Limit"] = self.page_size
        while True:
            page = self.client.query(**request)
            found.extend(self._event(item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return found
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    @staticmethod
    def _event(item: dict[str, Any]) -> StoredEvent:
        def text(name: str) -> str | None:
            value = item.get(name)
            return str(value["S"]) if value else None

        amount = item.get("amount_cents")
        return StoredEvent(
            kind=str(item["kind"]["S"]),
            dedupe_key=str(item["dedupe_key"]["S"]),
            occurred_at=_instant(str(item["occurred_at"]["S"])),
            recorded_at=_instant(str(item["recorded_at"]["S"])),
            creator_id=text("creator_id"),
            platform_account_id=text("platform_account_id"),
            fan_id=text("fan_id"),
            amount_cents=int(amount["N"]) if amount else None,
            payload=json.loads(str(item["payload"]["S"])),
        )


def event_store(settings: Settings | None = None) -> EventStore:
    """The event store chosen by settings: the SQL table, or DynamoDB (``event_backend``)."""
    settings = settings or get_settings()
    if settings.event_backend == "dynamodb":
        return DynamoEventStore.from_settings(settings)
    return SqlEventStore()
