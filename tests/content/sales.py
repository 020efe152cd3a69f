"""Rows of a creator's selling history for the content tests: a vault item, fans, outbound
messages that carried it (as the outbox leaves them once sent), the platform's synced copies
with their ``purchased`` flag, and statement entries."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from sqlalchemy.orm import Session
from tests.content.media_files import picture
from tests.factories import Member, make_creator, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.config import get_settings
from huntaze.content.models import VaultItem
from huntaze.content.service import VaultLimits, vault
from huntaze.core.db import utcnow
from huntaze.creators.models import Creator, PlatformAccount
from huntaze.creators.schemas import PlatformAccountCreate
from huntaze.creators.service import creators
from huntaze.fans.models import Fan
from huntaze.inbox.models import ChatMessage, Earning
from huntaze.outbox.models import OutboundMessage
from huntaze.storage.blobs import BlobStore

_numbers = itertools.count(1)


@dataclass
class Shop:
    """An owner, a creator with one platform account, and the session's blob store."""

    session: Session
    owner: Member
    creator: Creator
    account: PlatformAccount
    blobs: BlobStore

    def item(self, *, seed: int = 1, folder: str = "") -> VaultItem:
        """A new image in the creator's vault."""
        item = vault.upload(
            self.session,
            self.owner.actor,
            self.creator,
            chunks=[picture(seed=seed)],
            filename=f"set{seed}.png",
            blobs=self.blobs,
            limits=VaultLimits.from_settings(get_settings()),
        ).item
        item.folder = folder
        return item

    def fan(self, name: str, *, time_zone: str | None = None) -> Fan:
        """A fan of the account."""
        fan = Fan(
            organization_id=self.owner.organization.id,
            creator_id=self.creator.id,
            platform_account_id=self.account.id,
            platform_fan_id=f"p{next(_numbers)}",
            username=name,
            time_zone=time_zone,
        )
        self.session.add(fan)
        self.session.flush()
        return fan

    def send(
        self,
        fan: Fan | None,
        media_ids: list[str],
        *,
        price_cents: int | None = None,
        at: dt.datetime | None = None,
        bought: bool = False,
        paid_cents: int = 0,
        recipients: list[Fan] | None = None,
    ) -> OutboundMessage:
        """A sent message (a PPV when priced, a mass message to ``recipients``) and, per fan,
        the platform's copy (bought or not) and the statement entry of what was paid."""
        n = next(_numbers)
        at = at or utcnow()
        kind = "mass_message" if recipients else ("ppv" if price_cents else "message")
        row = OutboundMessage(
            organization_id=self.owner.organization.id,
            platform_account_id=self.account.id,
            kind=kind,
            state="sent",
            idempotency_key=f"k{n}",
            nonce=f"nonce{n}",
            platform_fan_id=fan.platform_fan_id if fan else None,
            recipient_fan_ids=[f.platform_fan_id for f in recipients] if recipients else None,
            text="for you",
            media_ids=media_ids,
            price_cents=price_cents,
            compliance_outcome="pass",
            author_kind="person",
            platform_message_id=None if recipients else f"m{n}",
            sent_at=at,
        )
        self.session.add(row)
        for person in recipients or ([fan] if fan else []):
            copy_id = f"m{n}-{person.platform_fan_id}" if recipients else f"m{n}"
            self.session.add(
                ChatMessage(
                    organization_id=self.owner.organization.id,
                    platform_account_id=self.account.id,
                    fan_id=person.id,
                    platform_message_id=copy_id,
                    direction="outbound",
                    text="for you",
                    sent_at=at,
                    price_cents=price_cents,
                    purchased=bought,
                    nonce=row.nonce,
                )
            )
            if paid_cents:
                self.paid(person, paid_cents, at=at, kind="ppv", message_id=copy_id)
        self.session.flush()
        return row

    def paid(
        self,
        fan: Fan | None,
        cents: int,
        *,
        at: dt.datetime,
        kind: str = "tip",
        message_id: str | None = None,
    ) -> None:
        """A statement entry of the account."""
        self.session.add(
            Earning(
                organization_id=self.owner.organization.id,
                platform_account_id=self.account.id,
                fan_id=fan.id if fan else None,
                platform_entry_id=f"e{next(_numbers)}",
                kind=kind,
                amount_cents=cents,
                occurred_at=at,
                platform_message_id=message_id,
            )
        )


def make_shop(session: Session, blobs: BlobStore) -> Shop:
    """A fresh organization with a creator who has a simulator account."""
    owner = make_member(session, make_org(session), Role.OWNER)
    creator = make_creator(session, owner, name="Luna")
    account = creators.add_account(
        session, owner.actor, creator.id, PlatformAccountCreate(platform="simulator", handle="luna")
    )
    return Shop(session=session, owner=owner, creator=creator, account=account, blobs=blobs)
