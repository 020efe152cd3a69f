"""Browser sends per minute per context, and Chromium's resident memory per context.

DESIGN.md §3 "browser pool". Against a simulator served in this process, beside a baseline in
the same run: the ``simulator_api`` connector (HTTP, no browser). Runs the ``simulator_browser``
connector on both skins and the ``onlyfans`` connector on ``api2``, with one context and with
two contexts sending in parallel (two accounts, one Chromium). Memory is the RSS of the Chromium
processes (``/proc``), with 0..4 contexts open on the chats page.

Run: ``.venv/bin/python -m bench.browser_sends``
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from rich.console import Console
from rich.progress import Progress

from bench.report import write_section

os.environ.setdefault("HUNTAZE_LOG_LEVEL", "WARNING")

SENDS = 25
ADMIN = {"X-Admin-Token": "bench-admin"}


@contextmanager
def _simulator(path: Path) -> Iterator[str]:
    from huntaze.simulator import SimulatorSettings, create_simulator_app
    from huntaze.simulator.db import SimulatorDatabase
    from huntaze.simulator.seeding import seed_simulator

    db = SimulatorDatabase(path)
    seed_simulator(db, seed=5, creators=4, fans_per_creator=30)
    db.dispose()
    app = create_simulator_app(SimulatorSettings(db_path=path, admin_token="bench-admin"))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _rate(send: Callable[[int], object], progress: Progress, label: str) -> float:
    """Sends per minute of ``SENDS`` sequential calls of ``send``."""
    task = progress.add_task(label, total=SENDS)
    started = time.perf_counter()
    for i in range(SENDS):
        send(i)
        progress.advance(task)
    return SENDS / (time.perf_counter() - started) * 60


def main() -> None:
    """Run the benchmark and write its section of docs/benchmarks.md."""
    from huntaze.platforms.base import OutgoingMessage
    from huntaze.platforms.browser.memory import chromium_rss_bytes
    from huntaze.platforms.browser.pool import BrowserPool, PoolConfig
    from huntaze.platforms.browser.state import StateStore
    from huntaze.platforms.onlyfans import OnlyFansConnector
    from huntaze.platforms.registry import AccountConnection
    from huntaze.platforms.simulator_api import SimulatorApiConnector
    from huntaze.platforms.simulator_browser import SimulatorBrowserConnector
    from huntaze.storage.blobs import LocalBlobStore

    console = Console()
    rows: list[tuple[str, str, float]] = []
    with tempfile.TemporaryDirectory() as tmp, _simulator(Path(tmp) / "sim.sqlite3") as url:
        http = httpx.Client(base_url=url, headers=ADMIN, timeout=30)
        accounts = http.get("/_admin/accounts").json()["accounts"]
        for account, skin in zip(accounts, ("classic", "classic", "api2", "api2"), strict=True):
            http.patch(f"/_admin/accounts/{account['username']}", json={"skin": skin})
            account["skin"] = skin

        def conn(account: dict[str, str], driver: str, **secret: str) -> AccountConnection:
            return AccountConnection(
                account_id=f"{driver}-{account['username']}",
                platform="simulator",
                handle=account["username"],
                driver=driver,
                base_url=url,
                skin=account["skin"],
                secret={
                    "username": account["username"],
                    "password": account["password"],
                    "otp_code": account["otp_code"],
                    **secret,
                },
            )

        def fan_of(account: dict[str, str]) -> str:
            items = http.get(f"/_admin/accounts/{account['username']}/fans").json()["items"]
            return str(next(f["id"] for f in items if f["status"] == "active"))

        pool = BrowserPool(
            PoolConfig(max_contexts=4),
            states=StateStore(Path(tmp) / "state"),
            blobs=LocalBlobStore(Path(tmp) / "blobs"),
        ).start()
        base_rss = chromium_rss_bytes()
        with Progress(console=console) as progress:
            api = SimulatorApiConnector(
                conn(accounts[0], "simulator_api", api_token=accounts[0]["api_token"])
            )
            fan = fan_of(accounts[0])
            rate = _rate(
                lambda i: api.send_message(
                    OutgoingMessage(platform_fan_id=fan, text=f"api {i}", nonce=f"api-{i}")
                ),
                progress,
                "baseline: simulator_api",
            )
            rows.append(("baseline: simulator_api (HTTP, no browser)", "1", rate))
            cases = [
                (
                    "simulator_browser, classic",
                    SimulatorBrowserConnector,
                    (accounts[0], accounts[1]),
                ),
                ("simulator_browser, api2", SimulatorBrowserConnector, (accounts[2], accounts[3])),
                ("onlyfans on api2", OnlyFansConnector, (accounts[2], accounts[3])),
            ]
            for label, kind, pair in cases:
                driver = "onlyfans" if kind is OnlyFansConnector else "simulator_browser"
                connectors = [kind(conn(a, driver), pool=pool) for a in pair]
                fans = [fan_of(a) for a in pair]
                for connector in connectors:
                    connector.check_session()

                def sender(
                    n: int, tag: str, connectors: list[Any] = connectors, fans: list[str] = fans
                ) -> Callable[[int], object]:
                    return lambda i: connectors[n].send_message(
                        OutgoingMessage(
                            platform_fan_id=fans[n], text=f"{tag} {i}", nonce=f"{tag}-{i}"
                        )
                    )

                rows.append((label, "1", _rate(sender(0, f"{label} one"), progress, label)))
                with ThreadPoolExecutor(2) as executor:
                    futures = [
                        executor.submit(
                            _rate, sender(n, f"{label} two {n}"), progress, f"{label} ×2"
                        )
                        for n in range(2)
                    ]
                    per_context = [f.result() for f in futures]
                rows.append((label, "2 in parallel", sum(per_context) / 2))
                for connector in connectors:
                    connector.close()
        memory: list[tuple[int, float]] = []
        browsers = [
            SimulatorBrowserConnector(conn(a, "simulator_browser"), pool=pool) for a in accounts
        ]
        memory.append((0, chromium_rss_bytes() / 2**20))
        for n, connector in enumerate(browsers, start=1):
            connector.check_session()
            memory.append((n, chromium_rss_bytes() / 2**20))
        pool.close()
        http.close()

    table = "| connector | contexts | sends/min per context |\n|---|---|---|\n" + "\n".join(
        f"| {label} | {contexts} | {rate:.0f} |" for label, contexts, rate in rows
    )
    mem = "| contexts open | Chromium RSS (MiB) |\n|---|---|\n" + "\n".join(
        f"| {n} | {mib:.0f} |" for n, mib in memory
    )
    per_context = (memory[-1][1] - memory[0][1]) / (len(memory) - 1)
    body = (
        f"{SENDS} sends per run, each send opening the chat page, typing and waiting for the "
        "message to show (the simulator runs in the same process). The baseline is the "
        f"`simulator_api` connector over HTTP.\n\n{table}\n\n{mem}\n\n"
        f"About {per_context:.0f} MiB per additional context (browser alone: "
        f"{base_rss / 2**20:.0f} MiB at start)."
    )
    path = write_section("browser_sends", "Browser sends and memory per context", body)
    console.print(table)
    console.print(mem)
    console.print(f"written to {path}")


if __name__ == "__main__":
    main()
