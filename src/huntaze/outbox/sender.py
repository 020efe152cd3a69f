"""The send pipeline a worker runs for one outbound message (DESIGN.md §6 "Send", §2.1).

1. Claim the row: ``queued → sending`` by compare-and-set, committed before any network call,
   with ``send_started_at`` set. A second worker (or a duplicate wake-up) loses the claim.
2. Take the platform account's lock (:mod:`huntaze.core.locks`), check its circuit breaker and
   take a rate-limit token.
3. If an earlier attempt may have reached the platform (``send_started_at`` was already set:
   the outcome was unknown, or a worker died mid-send), ask the platform first with
   ``find_sent`` (nonce, or exact text) and record that copy instead of sending again.
4. Send, then record ``sent`` with the platform's message id, in a new transaction.

Failures never lose a message: what may succeed later goes back to ``queued`` with a retry time
(exponential backoff with jitter, never sooner than the platform's Retry-After); only a refusal
by the platform (:class:`RejectedError`) or an unverifiable unknown outcome ends in ``failed``.
Short delays are waited out in the task itself; longer ones are picked up by the periodic
``dispatch_due_sends`` task. Wrong credentials and an unreachable platform show on the platform
account (``record_link_state``) while its rows wait.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from huntaze.config import Settings, get_settings
from huntaze.core.db import get_database, utcnow
from huntaze.core.errors import RateLimitedError as LocalRateLimitedError
from huntaze.core.locks import LockTimeoutError, get_locks
from huntaze.core.ratelimit import RateLimiter
from huntaze.core.tenancy import OrgId, trusted_org_id
from huntaze.creators.service import creators
from huntaze.outbox.repository import circuits, outbound_messages
from huntaze.outbox.states import Kind, State
from huntaze.platforms import base
from huntaze.platforms.registry import AccountConnection, connector_for

log = logging.getLogger(__name__)
MAX_INLINE_ROUNDS = 6
FIND_SENT_SLACK = dt.timedelta(minutes=10)
_limiter: RateLimiter | None = None


def platform_rate_limiter() -> RateLimiter:
    """The per-account send limiter (in-process, or shared through Redis at scale)."""
    global _limiter
    if _limiter is None:
        _limiter = RateLimiter.from_settings(get_settings())
    return _limiter


def reset_platform_rate_limiter() -> None:
    """Forget the limiter (settings changed); rebuilt on next use."""
    global _limiter
    _limiter = None


def backoff_delay(
    attempt: int,
    *,
    base_s: float,
    cap_s: float,
    retry_after_s: float | None = None,
    rng: Callable[[], float] = random.random,
) -> float:
    """Seconds before attempt ``attempt + 1``: exponential with equal jitter, capped, and never
    sooner than the platform's own Retry-After."""
    ceiling = min(cap_s, base_s * 2.0 ** max(0, attempt - 1))
    delay = ceiling / 2 + rng() * ceiling / 2
    return max(delay, retry_after_s or 0.0)


@dataclass(frozen=True, slots=True)
class SendJob:
    """A claimed row, as plain values: nothing of the session survives the claim."""

    message_id: str
    org: OrgId
    kind: Kind
    nonce: str
    text: str
    platform_fan_id: str | None
    recipient_fan_ids: list[str] | None
    media_ids: list[str]
    price_cents: int | None
    publish_at: dt.datetime | None
    attempts: int
    prior_started_at: dt.datetime | None
    send_started_at: dt.datetime
    connection: AccountConnection

    @property
    def account_id(self) -> str:
        return self.connection.account_id


def deliver(message_id: str, *, sleep: Callable[[float], None] = time.sleep) -> None:
    """Send one message exactly once, waiting out short retry delays in this task."""
    for _round in range(MAX_INLINE_ROUNDS):
        retry_in = attempt(message_id)
        if retry_in is None or retry_in > get_settings().outbox_inline_retry_max_s:
            return
        sleep(retry_in)


def attempt(message_id: str) -> float | None:
    """One try; the seconds until the next one when the row went back to ``queued``."""
    settings = get_settings()
    job = _claim(message_id)
    if job is None:
        return None
    try:
        with get_locks().hold(
            f"platform_account:{job.account_id}", timeout_s=settings.platform_timeout_s * 2
        ):
            return _attempt_locked(job, settings)
    except LockTimeoutError:
        return _release(job, "another send to this account is still running", 1.0, started=None)


def _claim(message_id: str) -> SendJob | None:
    now = utcnow()
    with get_database().session_scope() as session:
        row = outbound_messages.by_id(session, message_id)
        if row is None or row.state != State.QUEUED.value:
            return None
        prior = row.send_started_at
        if not outbound_messages.claim(session, message_id, now=now, send_started_at=prior or now):
            return None
        row = outbound_messages.by_id(session, message_id)
        assert row is not None
        org = trusted_org_id(row.organization_id)
        account = creators.platform_account(session, org, row.platform_account_id)
        return SendJob(
            message_id=row.id,
            org=org,
            kind=Kind(row.kind),
            nonce=row.nonce,
            text=row.text,
            platform_fan_id=row.platform_fan_id,
            recipient_fan_ids=row.recipient_fan_ids,
            media_ids=list(row.media_ids),
            price_cents=row.price_cents,
            publish_at=row.publish_at,
            attempts=row.attempts,
            prior_started_at=prior,
            send_started_at=prior or now,
            connection=creators.connection_for(account),
        )


def _attempt_locked(job: SendJob, settings: Settings) -> float | None:
    with get_database().session_scope() as session:
        circuit = circuits.get(session, job.account_id)
        open_until = circuit.open_until if circuit is not None else None
    now = utcnow()
    if open_until is not None and open_until > now:
        wait = (open_until - now).total_seconds()
        return _release(job, "circuit open: the platform failed repeatedly", wait, started=None)
    try:
        platform_rate_limiter().hit(
            job.account_id, per_minute=settings.platform_sends_per_minute, scope="platform_send"
        )
    except LocalRateLimitedError as exc:
        return _release(job, "send rate limit of this account", exc.retry_after_s, started=None)
    backoff = backoff_delay(
        job.attempts, base_s=settings.outbox_backoff_base_s, cap_s=settings.outbox_backoff_max_s
    )
    try:
        connector = connector_for(job.connection)
    except LookupError as exc:
        return _release(job, str(exc), settings.outbox_backoff_max_s, started=None)
    except base.NeedsHumanError as exc:
        link = ("needs_attention", exc.message, exc.screenshot_key)
        return _release(job, exc.message, settings.outbox_backoff_max_s, started=None, link=link)
    try:
        receipt = _find_previous(connector, job) if job.prior_started_at else None
        if receipt is None:
            receipt = _send(connector, job)
    except base.RejectedError as exc:
        _fail(job, f"the platform refused it: {exc.message}")
        return None
    except base.NeedsHumanError as exc:
        return _release(
            job,
            exc.message,
            settings.outbox_backoff_max_s,
            started=None,
            link=("needs_attention", exc.message, exc.screenshot_key),
        )
    except base.RateLimitedError as exc:
        delay = backoff_delay(
            job.attempts,
            base_s=settings.outbox_backoff_base_s,
            cap_s=settings.outbox_backoff_max_s,
            retry_after_s=exc.retry_after_s,
        )
        return _release(job, f"rate limited by the platform: {exc.message}", delay, started=None)
    except base.OutcomeUnknownError as exc:
        return _release(
            job,
            exc.message,
            backoff,
            started=job.send_started_at,
            failure=True,
            screenshot_key=exc.screenshot_key,
        )
    except (base.TransientError, base.SessionExpiredError) as exc:
        return _release(
            job, exc.message, backoff, started=None, failure=True, screenshot_key=exc.screenshot_key
        )
    except _VerificationImpossibleError as exc:
        _fail(job, str(exc))
        return None
    except Exception as exc:  # a connector bug may strike after the request left: treat as unknown
        log.exception("send of outbound message %s failed unexpectedly", job.message_id)
        return _release(job, repr(exc), backoff, started=job.send_started_at, failure=True)
    finally:
        connector.close()
    _record_sent(job, receipt)
    return None


class _VerificationImpossibleError(Exception):
    """An earlier try may have been delivered and this kind cannot be looked up."""


def _find_previous(connector: base.PlatformConnector, job: SendJob) -> base.SentReceipt | None:
    fan_id = job.platform_fan_id or next(iter(job.recipient_fan_ids or []), None)
    if fan_id is None:
        raise _VerificationImpossibleError(
            f"An earlier try of this {job.kind.value} may have been published and it cannot be "
            "looked up; check the platform before sending it again."
        )
    found = connector.find_sent(
        platform_fan_id=fan_id,
        nonce=job.nonce,
        text=job.text,
        after=job.send_started_at - FIND_SENT_SLACK,
    )
    if found is None:
        return None
    log.info("outbound message %s was already delivered; not sending again", job.message_id)
    return base.SentReceipt(platform_message_id=found.platform_message_id, sent_at=found.sent_at)


def _send(connector: base.PlatformConnector, job: SendJob) -> base.SentReceipt:
    if job.kind in (Kind.MESSAGE, Kind.PPV):
        assert job.platform_fan_id is not None
        return connector.send_message(
            base.OutgoingMessage(
                platform_fan_id=job.platform_fan_id,
                text=job.text,
                nonce=job.nonce,
                price_cents=job.price_cents,
                media_ids=job.media_ids,
            )
        )
    if job.kind == Kind.MASS_MESSAGE:
        return connector.send_mass_message(
            base.OutgoingMassMessage(
                text=job.text,
                nonce=job.nonce,
                platform_fan_ids=job.recipient_fan_ids,
                price_cents=job.price_cents,
                media_ids=job.media_ids,
            )
        )
    return connector.create_post(
        base.OutgoingPost(
            caption=job.text, nonce=job.nonce, media_ids=job.media_ids, publish_at=job.publish_at
        )
    )


def _record_sent(job: SendJob, receipt: base.SentReceipt) -> None:
    with get_database().session_scope() as session:
        won = outbound_messages.move(
            session,
            job.message_id,
            from_state=State.SENDING,
            to_state=State.SENT,
            platform_message_id=receipt.platform_message_id,
            sent_at=receipt.sent_at,
            last_error=None,
            next_attempt_at=None,
            updated_at=utcnow(),
        )
        if not won:
            log.warning("outbound message %s left sending before it was recorded", job.message_id)
        circuit = circuits.get(session, job.account_id)
        if circuit is not None and (circuit.failures or circuit.open_until):
            circuit.failures, circuit.open_until = 0, None
        _link(session, job, "linked", None, None)


def _fail(job: SendJob, error: str) -> None:
    with get_database().session_scope() as session:
        outbound_messages.move(
            session,
            job.message_id,
            from_state=State.SENDING,
            to_state=State.FAILED,
            last_error=error,
            next_attempt_at=None,
            updated_at=utcnow(),
        )


def _release(
    job: SendJob,
    error: str,
    delay_s: float,
    *,
    started: dt.datetime | None,
    failure: bool = False,
    link: tuple[str, str, str | None] | None = None,
    screenshot_key: str | None = None,
) -> float:
    """Back to ``queued`` with a retry time; ``started`` is kept only when the platform may
    have the message (the next try then looks for it first)."""
    settings = get_settings()
    now = utcnow()
    with get_database().session_scope() as session:
        outbound_messages.move(
            session,
            job.message_id,
            from_state=State.SENDING,
            to_state=State.QUEUED,
            last_error=error,
            next_attempt_at=now + dt.timedelta(seconds=delay_s),
            send_started_at=started or job.prior_started_at,
            updated_at=now,
        )
        if failure:
            circuit = circuits.get_or_add(session, job.account_id)
            circuit.failures += 1
            if circuit.failures >= settings.outbox_circuit_failures:
                circuit.open_until = now + dt.timedelta(seconds=settings.outbox_circuit_open_s)
                link = ("error", f"The platform is unreachable: {error}", screenshot_key)
        if link is not None:
            _link(session, job, *link)
    return delay_s


def check_connection(org: OrgId, account_id: str) -> str:
    """Log in to one account through its connector and record the link state it ends in."""
    with get_database().session_scope() as session:
        connection = creators.connection_for(creators.platform_account(session, org, account_id))
    state, error, screenshot = "linked", None, None
    try:
        # The same lock as a send: one account never has two logins or actions at once.
        with get_locks().hold(
            f"platform_account:{account_id}", timeout_s=get_settings().platform_timeout_s * 2
        ):
            connector = connector_for(connection)
            try:
                result = connector.check_session()
            finally:
                connector.close()
        if not result.ok:
            state, error = "needs_attention", result.detail or "The platform refused the session."
    except LockTimeoutError:
        return "busy"
    except LookupError as exc:
        state, error = "error", str(exc)
    except base.NeedsHumanError as exc:
        state, error, screenshot = "needs_attention", exc.message, exc.screenshot_key
    except base.PlatformError as exc:
        state, error = "error", f"The platform is unreachable: {exc.message}"
        screenshot = exc.screenshot_key
    with get_database().session_scope() as session:
        account = creators.platform_account(session, org, account_id)
        creators.record_link_state(
            session, account, state=state, error=error, screenshot_key=screenshot
        )
    return state


def _link(
    session: Session, job: SendJob, state: str, error: str | None, screenshot_key: str | None
) -> None:
    account = creators.platform_account(session, job.org, job.account_id)
    creators.record_link_state(
        session, account, state=state, error=error, screenshot_key=screenshot_key
    )
