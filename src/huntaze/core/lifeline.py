"""Child processes that die with their parent, even when the parent is killed with SIGKILL.

``huntaze up`` starts the simulator as a child process. A parent killed by SIGKILL runs no
cleanup, so the child must notice by itself: the parent passes its pid in the environment
(``HUNTAZE_PARENT_PID``) and the child calls :func:`follow_parent_from_env` first thing. On Linux
the kernel then sends it SIGTERM when the parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere a
daemon thread watches the parent pid and exits the process when it changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

PARENT_PID_ENV = "HUNTAZE_PARENT_PID"
_PR_SET_PDEATHSIG = 1
_POLL_S = 0.5


def env_for_child(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child that must die with this process."""
    return {**(env if env is not None else os.environ), PARENT_PID_ENV: str(os.getpid())}


def _set_parent_death_signal(sig: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(_POLL_S)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(5)
    os._exit(1)  # the graceful stop did not finish in time


def follow_parent_from_env() -> None:
    """If started by a parent that asked for it, die when that parent dies."""
    value = os.environ.pop(PARENT_PID_ENV, "")
    if not value.isdigit():
        return
    parent_pid = int(value)
    armed = _set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch, args=(parent_pid,), name="lifeline", daemon=True).start()
