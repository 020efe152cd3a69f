"""Writes one benchmark's results into its own section of docs/benchmarks.md.

Each benchmark owns the text between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``; running
it again replaces only that section, so benchmarks can be run one at a time.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
from pathlib import Path

REPORT_PATH = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = (
    "# Benchmarks\n\n"
    "Run them all with `make bench`, or one with `.venv/bin/python -m bench.NAME`. Each section "
    "records the machine, the date and a baseline measured in the same run.\n"
)


def machine_description() -> str:
    """A one-line description of the machine the benchmark ran on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def write_section(name: str, title: str, body: str) -> Path:
    """Replace (or append) the section ``name`` of the report with ``body``."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"<!-- bench:{name} -->\n## {title}\n\n"
        f"Machine: {machine_description()}. Date: {stamp}.\n\n{body.strip()}\n"
        f"<!-- /bench:{name} -->"
    )
    text = REPORT_PATH.read_text() if REPORT_PATH.exists() else HEADER
    pattern = re.compile(
        rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.DOTALL
    )
    if pattern.search(text):
        text = pattern.sub(lambda _m: section, text)
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
    REPORT_PATH.write_text(text)
    return REPORT_PATH
