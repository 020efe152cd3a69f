"""Creators, their personas and their platform accounts (DESIGN.md §5 ``creators/``)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.audit import audit, snapshot
from huntaze.accounts.permissions import Permission
from huntaze.core.errors import ConflictError, InvalidInputError, NotFoundError, field_error
from huntaze.core.security import decrypt_secret, encrypt_secret
from huntaze.core.tenancy import OrgId
from huntaze.creators.models import Creator, PlatformAccount
from huntaze.creators.repository import creators_repo, platform_accounts_repo
from huntaze.creators.schemas import (
    CreatorCreate,
    CreatorUpdate,
    PlatformAccountCreate,
    PlatformAccountUpdate,
)
from huntaze.platforms.registry import AccountConnection
from huntaze.storage.blobs import BlobNotFoundError, blob_store

PERSONA_FIELDS = (
    "display_name",
    "timezone",
    "tone",
    "topics",
    "boundaries",
    "emoji_use",
    "languages",
    "price_min_cents",
    "price_max_cents",
    "currency",
    "custom_min_cents",
    "never_discount",
    "pet_names",
    "avoid_topics",
    "make_good",
)
ACCOUNT_FIELDS = ("platform", "handle", "link_state", "connection")


class CreatorService:
    """Keeps creator profiles, personas and platform accounts, with an audit row per change."""

    def list_creators(self, session: Session, actor: Actor) -> Sequence[Creator]:
        """The organization's creators, by name."""
        actor.require(Permission.CREATORS_READ)
        return creators_repo.all_by_name(session, actor.org)

    def get(self, session: Session, actor: Actor, creator_id: str) -> Creator:
        """One creator; 404 if it is not the organization's."""
        actor.require(Permission.CREATORS_READ)
        return creators_repo.get(session, actor.org, creator_id)

    def create(self, session: Session, actor: Actor, data: CreatorCreate) -> Creator:
        """A new creator with a persona."""
        actor.require(Permission.CREATORS_WRITE)
        creator = Creator(organization_id=actor.org, **data.model_dump())
        session.add(creator)
        session.flush()
        audit.record(
            session,
            actor,
            action="creator.create",
            target_type="creator",
            target_id=creator.id,
            after=snapshot(creator, PERSONA_FIELDS),
        )
        return creator

    def update(
        self, session: Session, actor: Actor, creator_id: str, data: CreatorUpdate
    ) -> Creator:
        """Change the fields sent; the price range must stay consistent."""
        actor.require(Permission.CREATORS_WRITE)
        creator = creators_repo.get(session, actor.org, creator_id)
        changes = data.model_dump(exclude_unset=True, exclude_none=True)
        low = changes.get("price_min_cents", creator.price_min_cents)
        high = changes.get("price_max_cents", creator.price_max_cents)
        if high < low:
            raise InvalidInputError(
                "The highest price must not be below the lowest price.",
                errors=[field_error("price_max_cents", "must be ≥ price_min_cents")],
            )
        before = snapshot(creator, changes.keys())
        for name, value in changes.items():
            setattr(creator, name, value)
        audit.record(
            session,
            actor,
            action="creator.update",
            target_type="creator",
            target_id=creator.id,
            before=before,
            after=snapshot(creator, changes.keys()),
        )
        return creator

    def delete(self, session: Session, actor: Actor, creator_id: str) -> None:
        """Remove a creator and their platform accounts."""
        actor.require(Permission.CREATORS_DELETE)
        creator = creators_repo.get(session, actor.org, creator_id)
        audit.record(
            session,
            actor,
            action="creator.delete",
            target_type="creator",
            target_id=creator.id,
            before=snapshot(creator, PERSONA_FIELDS),
        )
        session.delete(creator)

    def get_account(self, session: Session, actor: Actor, account_id: str) -> PlatformAccount:
        """One platform account; 404 if it is not the organization's."""
        actor.require(Permission.CREATORS_READ)
        return platform_accounts_repo.get(session, actor.org, account_id)

    def accounts(
        self, session: Session, actor: Actor, creator_id: str
    ) -> Sequence[PlatformAccount]:
        """A creator's platform accounts."""
        creator = self.get(session, actor, creator_id)
        return platform_accounts_repo.of_creator(session, actor.org, creator.id)

    def all_accounts(self, session: Session, actor: Actor) -> list[tuple[PlatformAccount, str]]:
        """Every platform account of the organization with its creator's name."""
        actor.require(Permission.CREATORS_READ)
        return platform_accounts_repo.all_with_creator_names(session, actor.org)

    def accounts_by_creator(
        self, session: Session, actor: Actor, creators: Sequence[Creator]
    ) -> dict[str, list[PlatformAccount]]:
        """Platform accounts grouped by creator id, in one query."""
        actor.require(Permission.CREATORS_READ)
        grouped: dict[str, list[PlatformAccount]] = {c.id: [] for c in creators}
        for account in platform_accounts_repo.of_creators(
            session, actor.org, [c.id for c in creators]
        ):
            grouped[account.creator_id].append(account)
        return grouped

    def add_account(
        self, session: Session, actor: Actor, creator_id: str, data: PlatformAccountCreate
    ) -> PlatformAccount:
        """Attach a platform account to a creator; the secret is encrypted before storage."""
        actor.require(Permission.PLATFORM_ACCOUNTS_WRITE)
        creator = creators_repo.get(session, actor.org, creator_id)
        if platform_accounts_repo.find_handle(session, actor.org, data.platform, data.handle):
            raise ConflictError(f"{data.platform} account @{data.handle} is already connected.")
        connection = {
            k: v for k in ("base_url", "skin", "proxy") if (v := getattr(data, k)) is not None
        }
        account = PlatformAccount(
            organization_id=actor.org,
            creator_id=creator.id,
            platform=data.platform,
            handle=data.handle,
            connection=connection,
            session_secret_encrypted=(
                encrypt_secret(data.session_secret) if data.session_secret else None
            ),
        )
        session.add(account)
        session.flush()
        audit.record(
            session,
            actor,
            action="platform_account.create",
            target_type="platform_account",
            target_id=account.id,
            after=snapshot(account, ACCOUNT_FIELDS),
        )
        return account

    def update_account(
        self, session: Session, actor: Actor, account_id: str, data: PlatformAccountUpdate
    ) -> PlatformAccount:
        """Change an account's connection settings or replace its secret."""
        actor.require(Permission.PLATFORM_ACCOUNTS_WRITE)
        account = platform_accounts_repo.get(session, actor.org, account_id)
        before = snapshot(account, ACCOUNT_FIELDS)
        changes = data.model_dump(exclude_unset=True, exclude_none=True)
        secret = changes.pop("session_secret", None)
        account.connection = {**account.connection, **changes}
        if secret is not None:
            account.session_secret_encrypted = encrypt_secret(secret)
            account.link_state = "unlinked"
        after = snapshot(account, ACCOUNT_FIELDS) | {"session_secret_replaced": secret is not None}
        audit.record(
            session,
            actor,
            action="platform_account.update",
            target_type="platform_account",
            target_id=account.id,
            before=before,
            after=after,
        )
        return account

    def remove_account(self, session: Session, actor: Actor, account_id: str) -> None:
        """Disconnect a platform account."""
        actor.require(Permission.PLATFORM_ACCOUNTS_WRITE)
        account = platform_accounts_repo.get(session, actor.org, account_id)
        audit.record(
            session,
            actor,
            action="platform_account.delete",
            target_type="platform_account",
            target_id=account.id,
            before=snapshot(account, ACCOUNT_FIELDS),
        )
        session.delete(account)

    def last_screenshot(self, session: Session, actor: Actor, account_id: str) -> bytes:
        """The screenshot taken at the account's last error; 404 when there is none."""
        actor.require(Permission.CREATORS_READ)
        account = platform_accounts_repo.get(session, actor.org, account_id)
        if account.last_screenshot_key is None:
            raise NotFoundError("This account has no screenshot of an error.")
        try:
            return blob_store().get(account.last_screenshot_key)
        except (BlobNotFoundError, ValueError):
            raise NotFoundError("The screenshot of this error is no longer stored.") from None

    def session_secret(self, account: PlatformAccount) -> str | None:
        """The decrypted session secret of an account (workers only)."""
        if account.session_secret_encrypted is None:
            return None
        return decrypt_secret(account.session_secret_encrypted)

    def platform_account(self, session: Session, org: OrgId, account_id: str) -> PlatformAccount:
        """One platform account of ``org`` for a worker or another domain (no permission check)."""
        return platform_accounts_repo.get(session, org, account_id)

    def unverified_accounts(self, session: Session) -> list[tuple[str, str, str]]:
        """(organization, account, driver) of every account never checked, in any organization
        (start-up work, no actor)."""
        return [
            (account.organization_id, account.id, self.connection_for(account).driver)
            for account in platform_accounts_repo.in_state(session, "unlinked")
        ]

    def linked_accounts(self, session: Session) -> list[tuple[str, str, str]]:
        """(organization, account, driver) of every linked account, in any organization
        (the periodic inbox sync, no actor)."""
        return [
            (account.organization_id, account.id, self.connection_for(account).driver)
            for account in platform_accounts_repo.in_state(session, "linked")
        ]

    def connection_for(self, account: PlatformAccount) -> AccountConnection:
        """What a connector needs to reach ``account``: driver, address and decrypted secret.

        The driver is ``connection["driver"]``, else ``simulator_api`` on the simulator and the
        platform's own name elsewhere; a JSON-object secret is passed as is, any other text as
        ``{"session": text}``.
        """
        raw = self.session_secret(account)
        secret: dict[str, object] = {}
        if raw:
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = None
            secret = parsed if isinstance(parsed, dict) else {"session": raw}
        default_driver = "simulator_api" if account.platform == "simulator" else account.platform
        settings = account.connection
        return AccountConnection(
            account_id=account.id,
            platform=account.platform,
            handle=account.handle,
            driver=str(settings.get("driver") or default_driver),
            base_url=settings.get("base_url"),
            skin=settings.get("skin"),
            proxy=settings.get("proxy"),
            secret=secret,
        )

    def record_link_state(
        self,
        session: Session,
        account: PlatformAccount,
        *,
        state: str,
        error: str | None = None,
        screenshot_key: str | None = None,
    ) -> None:
        """Record what a worker learnt about an account's link (``linked``, ``needs_attention``,
        ``error``), the last error and a screenshot of it, writing only when something changed."""
        screenshot = None if state == "linked" else (screenshot_key or account.last_screenshot_key)
        if (account.link_state, account.last_error, account.last_screenshot_key) != (
            state,
            error,
            screenshot,
        ):
            account.link_state = state
            account.last_error = error
            account.last_screenshot_key = screenshot


creators = CreatorService()
