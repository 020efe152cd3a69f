"""Revenue under different selling strategies, on identical simulated populations.

Run with ``.venv/bin/python -m bench.outcomes`` (``--seeds``, ``--fans``, ``--days``). For each
seed, a creator's world is seeded from the same fan model (docs/simulator.md) once per strategy, so
every strategy meets the same fans; then four simulated weeks pass, each fan being offered one PPV
a day:

- **fixed**: one mass PPV a day to every active fan, at one price and one time for everyone;
- **oracle**: one-to-one PPVs, each fan offered exactly their willingness to pay at the start of
  their active hours (both read from the simulator's ground truth) — an upper bound no real
  strategy reaches;
- **Huntaze** (per-fan price suggestion and learned send times) joins the table when campaigns
  and price suggestions exist; until then it is not measured.

Revenue per fan-week counts PPV purchases only (subscriptions and tips do not depend on the
strategy here), with a 95% confidence interval over seeds. Results go to the ``outcomes``
section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench.report import write_section
from huntaze.simulator.behaviour import FanClock
from huntaze.simulator.clock import advance
from huntaze.simulator.db import SimulatorDatabase
from huntaze.simulator.fan_model import BUNDLED_PATH
from huntaze.simulator.messaging import MAX_PRICE_CENTS, send_mass_message, send_message
from huntaze.simulator.models import Creator, Fan, Transaction, VaultItem
from huntaze.simulator.seeding import seed_simulator
from huntaze.simulator.state import get_now

MODEL_PATH = BUNDLED_PATH.parent / "realistic.yaml"
FIXED_PRICE_CENTS = 1200
FIXED_HOUR_UTC = 16
HOUR = dt.timedelta(hours=1)
TEXT = "something new just for you 🔥 unlock it"

Strategy = Callable[[Session, Creator, int], None]


def _media(session: Session) -> list[int]:
    """A vault item of the creator's to attach (the platform refuses a PPV without media)."""
    item = session.scalars(select(VaultItem.id).where(VaultItem.creator_id == 1)).first()
    assert item is not None, "the seeded creator has no vault item"
    return [item]


def _active_fans(session: Session) -> list[Fan]:
    return list(session.scalars(select(Fan).where(Fan.status == "active").order_by(Fan.id)))


def fixed(session: Session, creator: Creator, hour_utc: int) -> None:
    """One mass PPV a day at one price and one hour for everyone."""
    if hour_utc == FIXED_HOUR_UTC and _active_fans(session):
        send_mass_message(
            session, creator, text=TEXT, price_cents=FIXED_PRICE_CENTS, media_ids=_media(session)
        )


def oracle(session: Session, creator: Creator, hour_utc: int) -> None:
    """Each fan offered their willingness to pay when their active hours begin."""
    now = get_now(session)
    media = _media(session)
    for fan in _active_fans(session):
        clock = FanClock(fan.utc_offset_minutes, fan.active_start_hour, fan.active_length_hours)
        if clock.active_length_hours == 24:
            starts_now = hour_utc == FIXED_HOUR_UTC
        else:
            starts_now = clock.is_active(now) and not clock.is_active(now - HOUR)
        if starts_now:
            price = min(MAX_PRICE_CENTS, max(300, fan.ppv_max_cents))
            send_message(
                session, creator, fan_id=fan.id, text=TEXT, price_cents=price, media_ids=media
            )


STRATEGIES: dict[str, Strategy] = {"fixed": fixed, "oracle": oracle}


def run(strategy: Strategy, *, seed: int, fans: int, days: int, workdir: Path) -> float:
    """PPV revenue per fan-week (dollars) of one strategy on one seeded world."""
    db = SimulatorDatabase(workdir / f"world-{seed}.sqlite3")
    seed_simulator(
        db, seed=seed, creators=1, fans_per_creator=fans, fan_model_text=MODEL_PATH.read_text()
    )
    fan_days = 0
    with db.session() as session:
        creator = session.get(Creator, 1)
        assert creator is not None
        started = get_now(session)
        advance(session, 3600 - started.minute * 60)  # start on the hour
        for _ in range(days * 24):
            now = get_now(session)
            if now.hour == 0:
                fan_days += len(_active_fans(session))
            strategy(session, creator, now.hour)
            advance(session, 3600)
        revenue = session.scalar(
            select(func.coalesce(func.sum(Transaction.amount_cents), 0)).where(
                Transaction.kind == "ppv", Transaction.created_at >= started
            )
        )
    db.dispose()
    return (int(revenue or 0) / 100) / max(fan_days / 7, 1e-9)


def _interval(values: list[float]) -> tuple[float, float]:
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, 0.0
    return mean, 1.96 * statistics.stdev(values) / len(values) ** 0.5


def main(argv: list[str] | None = None) -> None:
    """Measure, print and record the results."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--fans", type=int, default=150)
    parser.add_argument("--days", type=int, default=28)
    args = parser.parse_args(argv if argv is not None else [])
    console = Console()
    results: dict[str, list[float]] = {name: [] for name in STRATEGIES}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, Progress(console=console) as progress:
        task = progress.add_task("simulated worlds", total=args.seeds * len(STRATEGIES))
        for seed in range(1, args.seeds + 1):
            for name, strategy in STRATEGIES.items():
                workdir = Path(tmp) / name
                workdir.mkdir(exist_ok=True)
                results[name].append(
                    run(strategy, seed=seed, fans=args.fans, days=args.days, workdir=workdir)
                )
                progress.advance(task)
    elapsed = time.perf_counter() - started
    rows = ""
    for name, values in results.items():
        mean, half = _interval(values)
        rows += (
            f"| {name} | {mean:.2f} | ± {half:.2f} | {', '.join(f'{v:.2f}' for v in values)} |\n"
        )
    body = (
        f"One creator, {args.fans} fans seeded from `fan_models/realistic.yaml`, "
        f"{args.days} simulated days, seeds 1–{args.seeds}; the same seed gives every strategy "
        f"the same fans. Fixed: a ${FIXED_PRICE_CENTS / 100:.0f} mass PPV at "
        f"{FIXED_HOUR_UTC}:00 UTC daily. Oracle: each fan's own willingness to pay at the start "
        "of their active hours (ground truth). Huntaze's strategy is not measured yet (campaigns "
        f"and price suggestions are not built). Whole run: {elapsed:.0f} s.\n\n"
        "| strategy | PPV revenue per fan-week ($) | 95% CI | per seed |\n|---|---:|---:|---|\n"
        f"{rows}"
    )
    console.print(body)
    console.print(f"written to {write_section('outcomes', 'Selling strategies (simulator)', body)}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
