"""The connector contract every platform implements, and the plain schemas it speaks
(DESIGN.md §2.5, §2.6, §3).

Connectors know nothing of Huntaze's domains: they take and return these schemas, and raise the
errors below so that the outbox can tell "try again later" from "ask a person" from "this will
never work". Only workers call connectors; a web request never does.
"""

from __future__ import annotations

import datetime as dt
from typing import Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class PlatformError(Exception):
    """Base of connector errors; ``retryable`` says whether trying again later may succeed."""

    retryable = False

    def __init__(self, message: str, *, screenshot_key: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.screenshot_key = screenshot_key


class RateLimitedError(PlatformError):
    """The platform asked us to slow down; ``retry_after_s`` is its own figure when it gave one."""

    retryable = True

    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class TransientError(PlatformError):
    """A timeout, a 5xx, a dropped connection before the request was sent: try again."""

    retryable = True


class OutcomeUnknownError(PlatformError):
    """The request may have reached the platform (e.g. the response was lost).

    The caller must look for the message before sending it again (exactly once).
    """

    retryable = True


class SessionExpiredError(PlatformError):
    """The platform session ended; log in again, then retry."""

    retryable = True


class CannotVerifyError(PlatformError):
    """The platform offers no way to look up whether an earlier try arrived: a person checks."""


class NeedsHumanError(PlatformError):
    """Wrong credentials, a one-time code or a security check: a person must act."""


class RejectedError(PlatformError):
    """The platform refused the request itself (unknown fan, invalid price): do not retry."""


class Page(BaseModel, Generic[T]):
    """One page of an incremental read; pass ``next_cursor`` back to continue."""

    items: list[T]
    next_cursor: str | None = None
    has_more: bool = False


class PlatformFan(BaseModel):
    platform_fan_id: str
    username: str
    display_name: str = ""
    subscribed_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    is_active: bool = True
    total_spent_cents: int = 0
    # True where the platform reports what the creator kept (after its fee), not what was paid.
    spend_is_net: bool = False
    updated_at: dt.datetime | None = None


class PlatformMessage(BaseModel):
    platform_message_id: str
    platform_fan_id: str
    direction: Literal["inbound", "outbound"]
    text: str
    sent_at: dt.datetime
    price_cents: int | None = None
    purchased: bool = False
    nonce: str | None = None
    media_ids: list[str] = Field(default_factory=list)


EarningStatus = Literal["done", "pending", "pending_return", "chargeback", "unknown"]


class EarningEntry(BaseModel):
    """A statement entry; ``amount_cents`` is what the fan paid, ``net_cents`` what was kept."""

    platform_entry_id: str
    kind: Literal["subscription", "tip", "ppv", "message", "post", "other"]
    amount_cents: int
    currency: str = "USD"
    occurred_at: dt.datetime
    platform_fan_id: str | None = None
    platform_message_id: str | None = None
    net_cents: int | None = None
    renewal: bool = False
    status: EarningStatus = "done"

    @property
    def counts_as_revenue(self) -> bool:
        """Paid and not taken back: a chargeback, a payment being returned or an unknown
        status is not revenue."""
        return self.status in ("done", "pending")


class OutgoingMessage(BaseModel):
    """A message to one fan; ``nonce`` lets the platform (or our check) recognise a repeat."""

    platform_fan_id: str
    text: str
    nonce: str
    price_cents: int | None = None
    media_ids: list[str] = Field(default_factory=list)


class OutgoingMassMessage(BaseModel):
    """To ``platform_fan_ids``, or to the fan lists ``platform_list_ids`` minus
    ``excluded_list_ids`` (all active fans when neither is given)."""

    text: str
    nonce: str
    platform_fan_ids: list[str] | None = None
    platform_list_ids: list[str] | None = None
    excluded_list_ids: list[str] = Field(default_factory=list)
    price_cents: int | None = None
    media_ids: list[str] = Field(default_factory=list)


class OutgoingPost(BaseModel):
    caption: str
    nonce: str
    media_ids: list[str] = Field(default_factory=list)
    publish_at: dt.datetime | None = None


class SentReceipt(BaseModel):
    """What the platform says it did."""

    platform_message_id: str
    sent_at: dt.datetime


class SessionState(BaseModel):
    ok: bool
    detail: str = ""


class PlatformConnector(Protocol):
    """Reads and acts on one creator account on one platform."""

    def check_session(self) -> SessionState:
        """Whether the stored session still works (logging in again if it can)."""
        ...

    def fans_since(self, cursor: str | None) -> Page[PlatformFan]:
        """Fans changed since ``cursor`` (all fans when None)."""
        ...

    def messages_since(self, cursor: str | None) -> Page[PlatformMessage]:
        """Chat messages, both directions, newer than ``cursor``."""
        ...

    def earnings_since(self, cursor: str | None) -> Page[EarningEntry]:
        """Statement entries newer than ``cursor``."""
        ...

    def send_message(self, message: OutgoingMessage) -> SentReceipt:
        """Send one message (optionally a PPV offer)."""
        ...

    def find_sent(
        self, *, platform_fan_id: str, nonce: str, text: str, after: dt.datetime
    ) -> PlatformMessage | None:
        """The message we sent with this nonce (or this exact text after ``after``), if any."""
        ...

    def send_mass_message(self, message: OutgoingMassMessage) -> SentReceipt:
        """Send one message to many fans."""
        ...

    def find_sent_mass(self, *, nonce: str, text: str, after: dt.datetime) -> SentReceipt | None:
        """The mass message we sent with this nonce (or this text after ``after``), if any;
        ``CannotVerifyError`` where the platform cannot tell."""
        ...

    def find_post(
        self, *, nonce: str, text: str, after: dt.datetime, publish_at: dt.datetime | None = None
    ) -> SentReceipt | None:
        """The post we created with this nonce (or this caption after ``after``), if any;
        ``CannotVerifyError`` where the platform cannot tell."""
        ...

    def create_post(self, post: OutgoingPost) -> SentReceipt:
        """Publish (or schedule) a post."""
        ...

    def close(self) -> None:
        """Release connections, browsers and other resources."""
        ...
