"""The send pipeline a worker runs for one outbound message (DESIGN.md §6 "Send", §2.1).

1. Claim the row: ``queued → sending`` by compare-and-set, committed before any network call,
   with ``send_started_at`` set and a lease that a heartbeat renews while this worker lives
   (:mod:`huntaze.outbox.claims`). A second worker (or a duplicate wake-up) loses the claim.
2. Take the platform account's lock (:mod:`huntaze.core.locks`, a lease too), pass its circuit
   breaker (:mod:`huntaze.outbox.circuit`) and take a token from the account's bucket for this
   kind of action (:mod:`huntaze.platforms.limits`).
3. If an earlier attempt may have reached the platform (``send_started_at`` was already set:
   the outcome was unknown, or a worker died mid-send), ask the platform first with
   ``find_sent`` / ``find_sent_mass`` / ``find_post`` (nonce, or the text as the platform
   renders it) and record that copy instead of sending again.
4. Send, then record ``sent`` with the platform's message id, in a new transaction.

Failures never lose a message: what may succeed later goes back to ``queued`` with a retry time
(exponential backoff with jitter, never sooner than the platform's Retry-After); only a refusal
by the platform (:class:`RejectedError`) or an unverifiable unknown outcome ends in ``failed``.
Our own pacing and an open circuit also send the row back to ``queued``, with the time to wait.
Short delays are waited out in the task itself; longer ones are picked up by ``dispatch_due``.
Wrong credentials and an unreachable platform show on the platform account
(``record_link_state``) while its rows wait.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable

from sqlalchemy.orm import Session

from huntaze.config import Settings, get_settings
from huntaze.core.db import get_database, utcnow
from huntaze.core.locks import LockTimeoutError, get_locks
from huntaze.core.pacing import TokenBuckets, build_token_buckets
from huntaze.core.tenancy import OrgId
from huntaze.creators.service import creators
from huntaze.outbox import circuit
from huntaze.outbox.circuit import Outcome
from huntaze.outbox.claims import SendJob, claim, held, settle
from huntaze.outbox.send_checks import stopped_before_send
from huntaze.outbox.states import Kind, State
from huntaze.platforms import base
from huntaze.platforms.limits import send_limits
from huntaze.platforms.registry import connector_for

log = logging.getLogger(__name__)
MAX_INLINE_ROUNDS = 6
FIND_SENT_SLACK = dt.timedelta(minutes=10)
_buckets: TokenBuckets | None = None

__all__ = [
    "SendJob",
    "attempt",
    "backoff_delay",
    "check_connection",
    "deliver",
    "retry_exponent",
]


def platform_pacing() -> TokenBuckets:
    """The per-account, per-kind token buckets (in-process, or shared through Redis)."""
    global _buckets
    if _buckets is None:
        _buckets = build_token_buckets(get_settings())
    return _buckets


def reset_platform_rate_limiter() -> None:
    """Forget the buckets (settings changed); rebuilt on next use."""
    global _buckets
    _buckets = None


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


def retry_exponent(attempts: int) -> int:
    """How far a retry's delay has grown (the ``attempt`` of :func:`backoff_delay`): a third as
    fast as the message's attempts.

    Trouble of the platform as a whole is the circuit breaker's to answer (it opens after
    ``outbox_circuit_failures`` in a row and lets one probe through); a message's own delay
    only has to keep one message that fails alone from hammering the platform. On a platform
    that fails one request in five, an unlucky message then retries within seconds instead
    of waiting out a delay that doubled with each coin toss."""
    return max(1, attempts // 3)


def deliver(message_id: str, *, sleep: Callable[[float], None] = time.sleep) -> float | None:
    """Send one message exactly once, waiting out short retry delays in this task.

    Returns None when the row needs nothing more from this task (sent, failed, or another
    worker has it); otherwise the seconds until its next try, which the caller schedules, so
    that a long backoff or an open circuit is retried on time rather than when a sweep next
    finds the row overdue."""
    inline_max = get_settings().outbox_inline_retry_max_s
    for round_ in range(MAX_INLINE_ROUNDS):
        retry_in = attempt(message_id)
        if retry_in is None or retry_in > inline_max or round_ == MAX_INLINE_ROUNDS - 1:
            return retry_in
        sleep(retry_in)
    return None


def attempt(message_id: str) -> float | None:
    """One try; the seconds until the next one when the row went back to ``queued``."""
    settings = get_settings()
    job = claim(message_id)
    if job is None:
        return None
    with held(job):
        try:
            with get_locks().hold(
                f"platform_account:{job.account_id}", timeout_s=settings.platform_timeout_s * 2
            ):
                return _attempt_locked(job, settings)
        except LockTimeoutError:
            return _release(job, "another send to this account is still running", 1.0)


def _attempt_locked(job: SendJob, settings: Settings) -> float | None:
    if job.prior_started_at is None and stopped_before_send(job.message_id):
        return None  # compliance: a sending limit now stops it (the row says why)
    with get_database().session_scope() as session:
        admission = circuit.admit(
            session, job.account_id, now=utcnow(), probe_s=settings.outbox_lease_s * 3
        )
    if not admission.allowed:
        return _release(job, admission.reason or "circuit open", admission.wait_s)
    probe = admission.probe
    limit = send_limits(job.connection.platform, settings.platform_send_limits)[job.kind.value]
    wait = platform_pacing().take(
        f"{job.account_id}:{job.kind.value}", per_minute=limit.per_minute, burst=limit.burst
    )
    if wait > 0:
        reason = f"pacing of this account: {job.kind.value} at {limit.describe()}"
        return _release(job, reason, wait, probe=probe)
    exponent = retry_exponent(job.attempts)
    backoff = backoff_delay(
        exponent, base_s=settings.outbox_backoff_base_s, cap_s=settings.outbox_backoff_max_s
    )
    try:
        connector = connector_for(job.connection)
    except LookupError as exc:
        return _release(job, str(exc), settings.outbox_backoff_max_s, probe=probe)
    except base.NeedsHumanError as exc:
        link = ("needs_attention", exc.message, exc.screenshot_key)
        return _release(job, exc.message, settings.outbox_backoff_max_s, link=link, probe=probe)
    try:
        receipt = _find_previous(connector, job) if job.prior_started_at else None
        if receipt is None:
            receipt = _send(connector, job)
    except base.RejectedError as exc:
        _fail(job, f"the platform refused it: {exc.message}", probe=probe)
        return None
    except base.NeedsHumanError as exc:
        return _release(
            job,
            exc.message,
            settings.outbox_backoff_max_s,
            link=("needs_attention", exc.message, exc.screenshot_key),
            probe=probe,
        )
    except base.RateLimitedError as exc:
        delay = backoff_delay(
            exponent,
            base_s=settings.outbox_backoff_base_s,
            cap_s=settings.outbox_backoff_max_s,
            retry_after_s=exc.retry_after_s,
        )
        reason = f"rate limited by the platform: {exc.message}"
        return _release(job, reason, delay, outcome=Outcome.ANSWERED, probe=probe)
    except base.OutcomeUnknownError as exc:
        # Neutral for the circuit: the next try looks for the message, and what it finds decides.
        return _release(
            job,
            exc.message,
            backoff,
            started=job.send_started_at,
            screenshot_key=exc.screenshot_key,
            probe=probe,
        )
    except (base.TransientError, base.SessionExpiredError) as exc:
        return _release(
            job,
            exc.message,
            backoff,
            outcome=Outcome.TROUBLE,
            screenshot_key=exc.screenshot_key,
            probe=probe,
        )
    except _VerificationImpossibleError as exc:
        _fail(job, str(exc), probe=probe)
        return None
    except Exception as exc:  # a connector bug may strike after the request left: treat as unknown
        log.exception("send of outbound message %s failed unexpectedly", job.message_id)
        return _release(
            job,
            repr(exc),
            backoff,
            started=job.send_started_at,
            outcome=Outcome.TROUBLE,
            probe=probe,
        )
    finally:
        connector.close()
    _record_sent(job, receipt, probe=probe)
    return None


class _VerificationImpossibleError(Exception):
    """An earlier try may have been delivered and this kind cannot be looked up."""


def _find_previous(connector: base.PlatformConnector, job: SendJob) -> base.SentReceipt | None:
    after = job.send_started_at - FIND_SENT_SLACK
    try:
        if job.kind == Kind.MASS_MESSAGE:
            receipt = connector.find_sent_mass(nonce=job.nonce, text=job.text, after=after)
        elif job.kind == Kind.POST:
            receipt = connector.find_post(
                nonce=job.nonce, text=job.text, after=after, publish_at=job.publish_at
            )
        else:
            assert job.platform_fan_id is not None
            found = connector.find_sent(
                platform_fan_id=job.platform_fan_id, nonce=job.nonce, text=job.text, after=after
            )
            receipt = (
                None
                if found is None
                else base.SentReceipt(
                    platform_message_id=found.platform_message_id, sent_at=found.sent_at
                )
            )
    except base.CannotVerifyError as exc:
        raise _VerificationImpossibleError(
            f"An earlier try of this {job.kind.value} may have arrived and it cannot be looked "
            f"up: {exc.message}"
        ) from exc
    if receipt is not None:
        log.info("outbound message %s was already delivered; not sending again", job.message_id)
    return receipt


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


def _record_sent(job: SendJob, receipt: base.SentReceipt, *, probe: bool) -> None:
    now = utcnow()
    with get_database().session_scope() as session:
        won = settle(
            session,
            job,
            to_state=State.SENT,
            platform_message_id=receipt.platform_message_id,
            sent_at=receipt.sent_at,
            last_error=None,
            next_attempt_at=None,
            updated_at=now,
        )
        if not won:
            log.warning("outbound message %s left sending before it was recorded", job.message_id)
        _count(session, job, Outcome.ANSWERED, now=now, probe=probe, reason="")
        _link(session, job, "linked", None, None)


def _fail(job: SendJob, error: str, *, probe: bool) -> None:
    now = utcnow()
    with get_database().session_scope() as session:
        settle(
            session,
            job,
            to_state=State.FAILED,
            last_error=error,
            next_attempt_at=None,
            updated_at=now,
        )
        # A refusal is an answer: the platform works.
        _count(session, job, Outcome.ANSWERED, now=now, probe=probe, reason="")


def _release(
    job: SendJob,
    error: str,
    delay_s: float,
    *,
    started: dt.datetime | None = None,
    outcome: Outcome = Outcome.NEUTRAL,
    probe: bool = False,
    link: tuple[str, str, str | None] | None = None,
    screenshot_key: str | None = None,
) -> float:
    """Back to ``queued`` with a retry time; ``started`` is kept only when the platform may
    have the message (the next try then looks for it first)."""
    now = utcnow()
    with get_database().session_scope() as session:
        settle(
            session,
            job,
            to_state=State.QUEUED,
            last_error=error,
            next_attempt_at=now + dt.timedelta(seconds=delay_s),
            send_started_at=started or job.prior_started_at,
            updated_at=now,
        )
        if _count(session, job, outcome, now=now, probe=probe, reason=error):
            link = ("error", f"The platform is unreachable: {error}", screenshot_key)
        if link is not None:
            _link(session, job, *link)
    return delay_s


def _count(
    session: Session, job: SendJob, outcome: Outcome, *, now: dt.datetime, probe: bool, reason: str
) -> bool:
    """Tell the account's circuit breaker what this try said; whether it opened the circuit."""
    settings = get_settings()
    return circuit.record(
        session,
        job.account_id,
        outcome,
        now=now,
        probe=probe,
        reason=reason,
        threshold=settings.outbox_circuit_failures,
        open_s=settings.outbox_circuit_open_s,
    )


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
