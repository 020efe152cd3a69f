"""All SQL of the ``ai_example`` table, scoped by organization (DESIGN.md §4, §8.2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import Session

from huntaze.ai.similarity.records import AIExample
from huntaze.core.repository import TenantRepository
from huntaze.core.tenancy import OrgId, in_organization

CHUNK = 500
SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])
Fingerprint = tuple[int, dt.datetime | None]


class VectorRow(NamedTuple):
    """What the in-memory index needs of one example."""

    id: str
    kind: str
    outcome: str
    embedding: bytes | None
    model: str | None


class ExampleRepository(TenantRepository[AIExample]):
    """Examples of one organization's creators."""

    model = AIExample
    not_found_message = "No such example."

    def add_many(self, session: Session, rows: Sequence[dict[str, Any]]) -> None:
        """Insert many rows in one statement (the caller set ``organization_id`` on each)."""
        if rows:
            session.execute(insert(AIExample), list(rows))

    def of_creator(self, stmt: SelectT, org: OrgId, creator_id: str) -> SelectT:
        """``stmt`` limited to the examples of one creator of ``org``."""
        return in_organization(stmt, org, AIExample).where(AIExample.creator_id == creator_id)

    def fingerprint(self, session: Session, org: OrgId, creator_id: str) -> Fingerprint:
        """How many examples the creator has and when the newest was added: one indexed query."""
        stmt = self.of_creator(
            select(func.count(), func.max(AIExample.created_at)), org, creator_id
        )
        count, newest = session.execute(stmt).one()
        if isinstance(newest, str):  # SQLite returns an aggregate's datetime as text
            newest = dt.datetime.fromisoformat(newest)
        return int(count), newest

    def vectors(self, session: Session, org: OrgId, creator_id: str) -> list[VectorRow]:
        """(id, kind, outcome, embedding, model) of every example of the creator, oldest first."""
        columns = select(
            AIExample.id,
            AIExample.kind,
            AIExample.outcome,
            AIExample.embedding,
            AIExample.embedding_model,
        )
        stmt = self.of_creator(columns, org, creator_id).order_by(
            AIExample.created_at, AIExample.id
        )
        return [VectorRow(*row) for row in session.execute(stmt)]

    def texts(
        self, session: Session, org: OrgId, creator_id: str, ids: Collection[str] | None = None
    ) -> dict[str, str]:
        """The texts of the creator's examples by id: all of them, or only ``ids``."""
        stmt = self.of_creator(select(AIExample.id, AIExample.text), org, creator_id)
        if ids is None:
            return {row.id: row.text for row in session.execute(stmt)}
        wanted = list(ids)
        found: dict[str, str] = {}
        for start in range(0, len(wanted), CHUNK):
            chunk = stmt.where(AIExample.id.in_(wanted[start : start + CHUNK]))
            found.update({row.id: row.text for row in session.execute(chunk)})
        return found

    def by_ids(self, session: Session, org: OrgId, ids: Collection[str]) -> dict[str, AIExample]:
        """The given examples by id (one query; unknown ids are left out)."""
        stmt = self.scoped(org).where(AIExample.id.in_(list(ids)))
        return {row.id: row for row in session.scalars(stmt)}


examples_repo = ExampleRepository()
