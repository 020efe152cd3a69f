"""Resident memory of the Chromium processes this process started (DESIGN.md §3 "browser pool").

Read from ``/proc`` (Linux): every descendant of this process whose name says Chromium. Used to
recycle contexts when memory grows and by ``bench/browser_sends.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(name, parent pid, resident pages) of ``pid``, or None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    return name, int(fields[1]), int(fields[21])


def chromium_rss_bytes(root_pid: int | None = None) -> int:
    """Total resident memory of the Chromium processes descending from ``root_pid``."""
    root = root_pid if root_pid is not None else os.getpid()
    proc = Path("/proc")
    if not proc.is_dir():
        return 0
    table: dict[int, tuple[str, int, int]] = {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                table[int(entry.name)] = stat
    total = 0
    for pid, (name, _parent, pages) in table.items():
        if "chrom" in name.lower() and _descends_from(pid, root, table):
            total += pages * _PAGE_SIZE
    return total


def _descends_from(pid: int, root: int, table: dict[int, tuple[str, int, int]]) -> bool:
    seen: set[int] = set()
    while pid in table and pid not in seen:
        seen.add(pid)
        parent = table[pid][1]
        if parent == root:
            return True
        pid = parent
    return False
