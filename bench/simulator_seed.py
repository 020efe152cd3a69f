"""How long a fresh simulator takes to reset and seed (DESIGN.md §3: under 2 s for 500 fans).

Run with ``.venv/bin/python -m bench.simulator_seed``; writes its section of docs/benchmarks.md.
The baseline is an empty reset (schema only) measured in the same run.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench.report import write_section
from huntaze.simulator.clock import advance
from huntaze.simulator.db import SimulatorDatabase
from huntaze.simulator.seeding import seed_simulator

RUNS = 5


def _time_seed(db: SimulatorDatabase, fans: int, creators: int) -> float:
    timings = []
    for run in range(RUNS):
        started = time.perf_counter()
        seed_simulator(db, seed=run, creators=creators, fans_per_creator=fans)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    """Measure seeding and a simulated day, and write the report section."""
    with tempfile.TemporaryDirectory() as tmp:
        db = SimulatorDatabase(Path(tmp) / "bench.sqlite3")
        baseline = _time_seed(db, 0, 1)
        rows = [
            (fans, creators, _time_seed(db, fans, creators))
            for fans, creators in ((500, 1), (500, 2), (10_000, 1))
        ]
        seed_simulator(db, seed=1, creators=1, fans_per_creator=500)
        started = time.perf_counter()
        with db.session() as session:
            advance(session, 24 * 3600)
        day = time.perf_counter() - started
        db.dispose()
    lines = [
        f"Median of {RUNS} runs of `seed_simulator` on a fresh SQLite file.",
        "",
        "| fans per creator | creators | seconds |",
        "|---:|---:|---:|",
        f"| 0 (baseline: schema only) | 1 | {baseline:.3f} |",
        *[f"| {fans} | {creators} | {seconds:.3f} |" for fans, creators, seconds in rows],
        "",
        f"Simulating one day (24 hourly steps) for 500 fans: {day:.3f} s.",
    ]
    path = write_section("simulator_seed", "Simulator reset and seed", "\n".join(lines))
    print("\n".join(lines))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
