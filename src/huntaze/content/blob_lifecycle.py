"""Blobs that follow their rows' transaction (DESIGN.md §8.3: the boundary commits).

An upload stores its blobs before its row exists; if the request's transaction then rolls back,
the blobs it stored are deleted, so a failed upload leaves nothing in storage. A deleted item's
blobs go only once the deletion is committed, so a rolled-back delete keeps them.
"""

from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from huntaze.storage.blobs import BlobStore

log = logging.getLogger(__name__)
_ON_ROLLBACK = "huntaze.content.blobs_on_rollback"
_ON_COMMIT = "huntaze.content.blobs_on_commit"


def delete_on_rollback(session: Session, store: BlobStore, key: str) -> None:
    """Delete ``key`` if ``session``'s transaction rolls back."""
    session.connection()  # begin the transaction now, so its rollback is seen
    session.info.setdefault(_ON_ROLLBACK, []).append((store, key))


def delete_after_commit(session: Session, store: BlobStore, key: str) -> None:
    """Delete ``key`` once ``session``'s transaction commits."""
    session.connection()
    session.info.setdefault(_ON_COMMIT, []).append((store, key))


def _delete_all(pending: list[tuple[BlobStore, str]]) -> None:
    for store, key in pending:
        try:
            store.delete(key)
        except Exception:
            log.exception("could not delete blob %s", key)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop(_ON_ROLLBACK, None)
    _delete_all(session.info.pop(_ON_COMMIT, []))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_ON_COMMIT, None)
        _delete_all(session.info.pop(_ON_ROLLBACK, []))
