"""Settings of the fan-platform simulator (DESIGN.md §3).

The simulator reads ``huntaze.config`` only for the data dir; its own knobs come from
``HUNTAZE_SIMULATOR_*`` environment variables or explicit arguments (tests pass a tmp path).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from huntaze.config import get_settings

DEFAULT_ADMIN_TOKEN = "sim-admin"


@dataclass(frozen=True)
class SimulatorSettings:
    """Where the simulator keeps its database and how its admin side and ticker behave.

    ``ticker_speed`` is simulated seconds per real second for the in-process background ticker
    (0 switches it off; time then moves only through ``tick``).
    """

    db_path: Path
    admin_token: str = DEFAULT_ADMIN_TOKEN
    ticker_speed: float = 0.0
    ticker_interval_s: float = 1.0
    # A fan-model file used when the simulator seeds itself (``HUNTAZE_SIMULATOR_FAN_MODEL``).
    fan_model_path: Path | None = None

    @classmethod
    def from_env(
        cls, *, db_path: Path | None = None, data_dir: Path | None = None
    ) -> SimulatorSettings:
        """Settings from the environment, with explicit arguments taking precedence."""
        env_db = os.environ.get("HUNTAZE_SIMULATOR_DB", "")
        if db_path is None and env_db:
            db_path = Path(env_db)
        if db_path is None:
            base = data_dir.expanduser().resolve() if data_dir else get_settings().resolved_data_dir
            base.mkdir(parents=True, exist_ok=True)
            db_path = base / "simulator.sqlite3"
        return cls(
            db_path=db_path,
            admin_token=os.environ.get("HUNTAZE_SIMULATOR_ADMIN_TOKEN", DEFAULT_ADMIN_TOKEN),
            ticker_speed=float(os.environ.get("HUNTAZE_SIMULATOR_TICKER_SPEED", "0") or 0),
            fan_model_path=Path(model)
            if (model := os.environ.get("HUNTAZE_SIMULATOR_FAN_MODEL"))
            else None,
        )
