"""Bulk writes (``core/bulk.py``) behave the same on every backend: duplicates skipped by the
unique constraint, Python-side defaults filled in, JSON and timestamps stored as the ORM would,
updates limited to the tenant. PostgreSQL takes its own path (arrays unpacked by ``unnest``), so
each test runs on both."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import make_org

from huntaze.analytics.models import DomainEvent
from huntaze.core.bulk import insert_new, update_rows
from huntaze.core.db import new_id


def _event(org_id: str, key: str, **extra: object) -> dict[str, object]:
    return {
        "organization_id": org_id,
        "kind": "message.received",
        "dedupe_key": key,
        "occurred_at": dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "payload": {"text": "hé 😘", "n": 1},
        **extra,
    }


def test_insert_new_skips_rows_already_there_and_repeats_within_the_batch(
    session: Session,
) -> None:
    org = make_org(session)
    first = insert_new(
        session,
        DomainEvent,
        [_event(org.id, "a"), _event(org.id, "b"), _event(org.id, "a")],
        conflict=("organization_id", "dedupe_key"),
        returning="dedupe_key",
    )
    again = insert_new(
        session,
        DomainEvent,
        [_event(org.id, "b"), _event(org.id, "c")],
        conflict=("organization_id", "dedupe_key"),
        returning="dedupe_key",
    )
    assert first == {"a", "b"}
    assert again == {"c"}
    rows = session.scalars(select(DomainEvent).where(DomainEvent.organization_id == org.id)).all()
    assert sorted(r.dedupe_key for r in rows) == ["a", "b", "c"]
    stored = next(r for r in rows if r.dedupe_key == "a")
    assert stored.payload == {"text": "hé 😘", "n": 1}
    assert stored.occurred_at == dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
    assert len({r.id for r in rows}) == 3  # the id default runs once per row
    assert stored.recorded_at is not None


def test_update_rows_sets_each_rows_columns_within_the_tenant_only(session: Session) -> None:
    org, other = make_org(session), make_org(session)
    ids = {key: new_id() for key in ("mine-1", "mine-2", "theirs")}
    insert_new(
        session,
        DomainEvent,
        [
            _event(org.id, "mine-1", id=ids["mine-1"], amount_cents=1),
            _event(org.id, "mine-2", id=ids["mine-2"], amount_cents=2),
            _event(other.id, "theirs", id=ids["theirs"], amount_cents=3),
        ],
        conflict=("organization_id", "dedupe_key"),
        returning="id",
    )
    update_rows(
        session,
        DomainEvent,
        [
            {"id": ids["mine-1"], "amount_cents": 10, "kind": "purchase.made"},
            {"id": ids["mine-2"], "amount_cents": None, "kind": "purchase.made"},
            {"id": ids["theirs"], "amount_cents": 30, "kind": "purchase.made"},
        ],
        where={"organization_id": org.id},
    )
    session.expire_all()
    found = {
        e.dedupe_key: (e.amount_cents, e.kind)
        for e in session.scalars(select(DomainEvent).where(DomainEvent.id.in_(ids.values())))
    }
    assert found == {
        "mine-1": (10, "purchase.made"),
        "mine-2": (None, "purchase.made"),
        "theirs": (3, "message.received"),  # another organization's row is left alone
    }
