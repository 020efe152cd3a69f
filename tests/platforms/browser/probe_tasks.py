"""A diagnostic task for the browser-worker test: one read action of a browser connector, run
under the account's cross-process lock (DESIGN.md §3 "browser pool", §6 "Send" for the lock).

It lives in tests/ because only ``test_browser_worker.py`` uses it: ``probe_worker.py`` starts a
real ``huntaze browser-worker`` that knows it too. The connection travels sealed with
:func:`seal_connection` (encrypted: it holds the account's secret), since the task has no row.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from typing import Any

from huntaze.config import get_settings
from huntaze.core.locks import get_locks
from huntaze.core.security import decrypt_secret, encrypt_secret
from huntaze.core.tasks import task
from huntaze.platforms.registry import AccountConnection, connector_for

READ_ACTIONS = ("check_session", "fans_since", "messages_since", "earnings_since")


def seal_connection(connection: AccountConnection) -> str:
    """``connection`` encrypted for a queue message."""
    return encrypt_secret(json.dumps(dataclasses.asdict(connection)))


def unseal_connection(sealed: str) -> AccountConnection:
    """The connection sealed by :func:`seal_connection`."""
    return AccountConnection(**json.loads(decrypt_secret(sealed)))


@task(queue="browser")
def run_connector_action(sealed_connection: str, action: str) -> dict[str, Any]:
    """Run one read action on the account, holding its lock; what was done, when, by whom."""
    if action not in READ_ACTIONS:
        raise ValueError(f"unknown action {action!r}; known: {', '.join(READ_ACTIONS)}")
    connection = unseal_connection(sealed_connection)
    timeout_s = get_settings().browser_action_timeout_s * 2
    with get_locks().hold(f"platform_account:{connection.account_id}", timeout_s=timeout_s):
        started = time.time()
        connector = connector_for(connection)
        if action == "check_session":
            count = int(connector.check_session().ok)
        elif action == "fans_since":
            count = len(connector.fans_since(None).items)
        elif action == "messages_since":
            count = len(connector.messages_since(None).items)
        else:
            count = len(connector.earnings_since(None).items)
        ended = time.time()
    return {
        "account_id": connection.account_id,
        "action": action,
        "count": count,
        "pid": os.getpid(),
        "started_at": started,
        "ended_at": ended,
    }
