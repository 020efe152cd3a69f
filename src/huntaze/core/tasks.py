"""The task queue (DESIGN.md §2.1, §4 "task queue") with enqueue-after-commit.

Huey on SQLite with consumer threads inside ``huntaze up`` by default; Huey on Redis with any
number of ``huntaze worker`` processes when ``HUNTAZE_REDIS_URL`` is set. Tasks carry ids, never
objects, and must be safe to run twice: the database, not the queue, is the source of truth.

Enqueueing from a request or task goes through :func:`enqueue_after_commit`, which holds the
call until the session commits and drops it on rollback, so a worker never wakes up for a row
that does not exist yet.

A task is a transaction boundary (``core/db.py``): its declaration says whether it only reads
(``@task(reads_only=True)``: its sessions open reading transactions, which on SQLite take no
lock), and a run that meets a lock conflict ("database is locked", a deadlock) is run again, which
is safe because tasks are safe to run twice.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from huntaze.config import Settings, get_settings
from huntaze.core.db import reading_only, retry_on_lock_conflict

P = ParamSpec("P")
_PENDING_KEY = "huntaze.pending_tasks"


QUEUES = ("default", "browser")
"""Named queues: ``browser`` work (driving Chromium) is consumed by ``huntaze browser-worker``
processes, so that browser capacity scales separately from ordinary workers."""


def build_huey(settings: Settings, queue: str = "default") -> Huey:
    """The Huey instance of one named queue for these settings."""
    name = "huntaze" if queue == "default" else f"huntaze-{queue}"
    if settings.queue_immediate:
        return MemoryHuey(name, immediate=True)
    if settings.redis_url:
        return RedisHuey(name, url=settings.redis_url)
    filename = "queue.sqlite3" if queue == "default" else f"queue-{queue}.sqlite3"
    return SqliteHuey(name, filename=str(settings.resolved_data_dir / filename))


_instances: dict[str, Huey] = {}
_registered: list[tuple[Callable[..., Any], dict[str, Any]]] = []
_bound: dict[Callable[..., Any], Any] = {}


def huey(queue: str = "default") -> Huey:
    """The process-wide Huey instance of ``queue``, built from settings on first use."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}; known: {', '.join(QUEUES)}")
    if queue not in _instances:
        _instances[queue] = build_huey(get_settings(), queue)
    return _instances[queue]


POLL_MAX_S = 1.0
"""The longest an idle consumer thread sleeps between two looks at the queue. Huey's own default
(10 s, reached by backing off while idle) would let a message queued to an idle worker wait up to
10 s before anyone takes it; a look at the SQLite queue costs a fraction of a millisecond."""


def consumer(queue: str, *, workers: int, periodic: bool) -> Any:
    """A consumer of ``queue`` with ``workers`` threads that looks at least every second."""
    return huey(queue).create_consumer(
        workers=workers, worker_type="thread", periodic=periodic, max_delay=POLL_MAX_S
    )


def use_huey(instance: Huey, queue: str = "default") -> None:
    """Install another Huey instance for ``queue`` (tests, CLI); tasks re-bind on next use."""
    _instances[queue] = instance
    for func in [f for f, opts in _registered if opts.get("_queue", "default") == queue]:
        _bound.pop(func, None)


def reset_queues() -> None:
    """Forget every Huey instance (settings changed); they are rebuilt on next use."""
    _instances.clear()
    _bound.clear()


def task(
    *, queue: str = "default", reads_only: bool = False, **options: Any
) -> Callable[[Callable[P, Any]], Callable[P, Any]]:
    """Declare a queue task on ``queue``; the function stays callable directly (e.g. in tests).

    ``reads_only`` declares that the task only reads: its sessions open reading transactions.
    """

    def register(func: Callable[P, Any]) -> Callable[P, Any]:
        _registered.append((func, {**options, "_queue": queue, "_reads_only": reads_only}))
        return func

    return register


def periodic_task(
    *, minute: str = "*", hour: str = "*", day: str = "*", reads_only: bool = False
) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Declare a task the scheduler runs on a crontab (only one consumer runs the scheduler)."""

    def register(func: Callable[[], Any]) -> Callable[[], Any]:
        crontab_spec = {"minute": minute, "hour": hour, "day": day}
        _registered.append((func, {"_crontab": crontab_spec, "_reads_only": reads_only}))
        return func

    return register


def at_task_boundary(func: Callable[P, Any], *, reads_only: bool) -> Callable[P, Any]:
    """``func`` as a queue runs it: reading or writing as declared, run again on lock conflicts."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> Any:
        def once() -> Any:
            if reads_only:
                with reading_only():
                    return func(*args, **kwargs)
            return func(*args, **kwargs)

        return retry_on_lock_conflict(once)

    return run


def _huey_task(func: Callable[..., Any]) -> Any:
    bound = _bound.get(func)
    if bound is None:
        options = dict(next(opts for f, opts in _registered if f is func))
        schedule = options.pop("_crontab", None)
        queue = huey(options.pop("_queue", "default"))
        runner = at_task_boundary(func, reads_only=options.pop("_reads_only", False))
        if schedule is not None:
            bound = queue.periodic_task(crontab(**schedule), **options)(runner)
        else:
            bound = queue.task(**options)(runner)
        _bound[func] = bound
    return bound


def bind_all_tasks(queue: str | None = None) -> None:
    """Register the declared tasks (of one queue, or all) so a consumer knows them."""
    for func, options in _registered:
        if queue is None or options.get("_queue", "default") == queue:
            _huey_task(func)


def enqueue_now(func: Callable[P, Any], *args: P.args, **kwargs: P.kwargs) -> Any:
    """Put a task on the queue immediately (outside any transaction); returns Huey's result."""
    return _huey_task(func)(*args, **kwargs)


def enqueue_later(
    func: Callable[P, Any], delay_s: float, *args: P.args, **kwargs: P.kwargs
) -> None:
    """Put a task on the queue's schedule to run in ``delay_s`` seconds (outside any
    transaction). The schedule lives in the queue's storage, so it outlives the process that
    wrote it; every consumer moves due tasks to the queue within a second."""
    if delay_s <= 0:
        enqueue_now(func, *args, **kwargs)
        return
    _huey_task(func).schedule(args=args, kwargs=kwargs, delay=delay_s)


def queues_idle() -> bool:
    """Whether no task waits on any named queue (scheduled tasks not counted)."""
    return all(huey(queue).pending_count() == 0 for queue in QUEUES)


def enqueue_after_commit(
    session: Session, func: Callable[P, Any], *args: P.args, **kwargs: P.kwargs
) -> None:
    """Enqueue ``func(*args, **kwargs)`` once ``session`` commits; drop it on rollback."""
    session.connection()  # begin the transaction now, so its rollback is seen
    pending: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]]
    pending = session.info.setdefault(_PENDING_KEY, [])
    pending.append((func, args, kwargs))


@event.listens_for(Session, "after_commit")
def _flush_pending(session: Session) -> None:
    # SQLAlchemy also calls this when a savepoint is released: only the outermost commit may
    # enqueue, or a worker wakes up for a row that is not committed yet.
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING_KEY, [])
    for func, args, kwargs in pending:
        enqueue_now(func, *args, **kwargs)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction: SessionTransaction) -> None:
    # Only the session's outermost transaction decides; a rolled-back savepoint keeps them.
    if previous_transaction.parent is None:
        session.info.pop(_PENDING_KEY, None)
