"""Vault lists: named folders of vault media (DESIGN.md §3)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huntaze.simulator.errors import invalid, not_found
from huntaze.simulator.messaging import check_limit, check_media
from huntaze.simulator.models import Creator, VaultItem, VaultList, VaultListItem
from huntaze.simulator.state import get_now, next_id

MAX_NAME = 128


def create_list(session: Session, creator: Creator, *, name: str) -> VaultList:
    """A new, empty vault list."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise invalid("invalid_name", f"A vault list needs a name of 1 to {MAX_NAME} characters.")
    row = VaultList(
        id=next_id(session, VaultList),
        creator_id=creator.id,
        name=name,
        created_at=get_now(session),
    )
    session.add(row)
    session.flush()
    return row


def get_list(session: Session, creator: Creator, list_id: int) -> VaultList:
    """One of this account's vault lists, or a 404."""
    row = session.get(VaultList, list_id)
    if row is None or row.creator_id != creator.id:
        raise not_found("vault list", list_id)
    return row


def add_media(session: Session, creator: Creator, list_id: int, media_ids: Sequence[int]) -> int:
    """Put vault items in a list (those already in it stay once); the list's new size."""
    vault_list = get_list(session, creator, list_id)
    check_media(session, creator, media_ids)
    present = set(
        session.scalars(select(VaultListItem.item_id).where(VaultListItem.list_id == list_id))
    )
    for media_id in dict.fromkeys(media_ids):
        if media_id not in present:
            session.add(VaultListItem(list_id=vault_list.id, item_id=media_id))
    session.flush()
    return len(present | set(media_ids))


def lists_page(
    session: Session, creator: Creator, *, limit: int, offset: int
) -> tuple[list[tuple[VaultList, int]], bool]:
    """Vault lists, newest first, each with its media count; and whether more follow."""
    check_limit(limit)
    counts = (
        select(VaultListItem.list_id, func.count().label("n"))
        .group_by(VaultListItem.list_id)
        .subquery()
    )
    rows = session.execute(
        select(VaultList, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.list_id == VaultList.id)
        .where(VaultList.creator_id == creator.id)
        .order_by(VaultList.id.desc())
        .offset(max(offset, 0))
        .limit(limit + 1)
    ).all()
    page = [(row, int(count)) for row, count in rows]
    return page[:limit], len(page) > limit


def media_page(
    session: Session, creator: Creator, *, list_id: int | None, limit: int, offset: int
) -> tuple[list[VaultItem], bool]:
    """Vault items, newest first, of one list or of the whole vault."""
    check_limit(limit)
    query = select(VaultItem).where(VaultItem.creator_id == creator.id)
    if list_id is not None:
        get_list(session, creator, list_id)
        query = query.join(VaultListItem, VaultListItem.item_id == VaultItem.id).where(
            VaultListItem.list_id == list_id
        )
    rows = list(
        session.scalars(query.order_by(VaultItem.id.desc()).offset(max(offset, 0)).limit(limit + 1))
    )
    return rows[:limit], len(rows) > limit


def lists_of(session: Session, item_ids: Collection[int]) -> dict[int, list[int]]:
    """The vault lists each item is in."""
    found: dict[int, list[int]] = defaultdict(list)
    if item_ids:
        rows = session.execute(
            select(VaultListItem.item_id, VaultListItem.list_id)
            .where(VaultListItem.item_id.in_(list(item_ids)))
            .order_by(VaultListItem.list_id)
        )
        for item_id, list_id in rows:
            found[int(item_id)].append(int(list_id))
    return found
