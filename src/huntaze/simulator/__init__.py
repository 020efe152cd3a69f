"""The fan-platform simulator: a separate app that stands in for a creator's account.

See DESIGN.md §3. What the rest of Huntaze uses:

- ``create_simulator_app(settings=None, *, db_path=None)`` (``app.py``): the FastAPI app with
  pages (skins ``classic`` and ``api2``), ``/api/v1``, ``/api2/v2`` and ``/_admin``.
- ``ensure_demo_accounts(db_path=None, *, seed=1, creators=2, fans_per_creator=500)``
  (``seeding.py``): seeds an empty database and returns every account's credentials.
- ``cli.app``: the Typer app mounted as ``huntaze simulator``.

Modules: ``models`` (tables), ``db`` (SQLite), ``state`` (seed, clock, sequences),
``population`` and ``seeding`` (deterministic fans), ``behaviour`` and ``simulation`` (what fans
do), ``clock`` (advancing time), ``texts`` (what fans write), ``accounts``, ``messaging``,
``content``, ``ledger`` (the platform's features), ``faults`` (faults on demand), ``api``,
``api2``, ``pages``, ``admin`` (HTTP), ``cli``.
"""

from typing import TYPE_CHECKING, Any

from huntaze.simulator.seeding import DemoAccount, ensure_demo_accounts
from huntaze.simulator.settings import SimulatorSettings

if TYPE_CHECKING:
    from huntaze.simulator.app import create_simulator_app


def __getattr__(name: str) -> Any:
    # The app (every route of the imitation) loads on first use: a worker process that only
    # mounts the simulator's CLI never pays for it.
    if name == "create_simulator_app":
        from huntaze.simulator.app import create_simulator_app

        return create_simulator_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DemoAccount", "SimulatorSettings", "create_simulator_app", "ensure_demo_accounts"]
