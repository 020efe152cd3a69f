"""Load benchmark: what a team does all day, at 8 clients at once, beside a trivial endpoint.

Run with ``.venv/bin/python -m bench.load`` (or ``make bench``). It starts Huntaze as an
installation runs it (``bench/_load_servers.py``): ``huntaze up`` on SQLite, then two
``huntaze web`` and two ``huntaze worker`` processes on PostgreSQL + Redis when they answer on
loopback. Eight clients (asyncio + httpx, one keep-alive connection each, loopback only) then
send a weighted mix for a fixed time, bounded in requests too:

- API with an API key: creators list, fans list, one fan, a fan's chat, outbound list, one
  outbound message, AI usage, a compliance check, and writing: create an outbound message then
  approve it;
- pages with a login session: the inbox list, one conversation, answering a fan from it with
  "send" (compliance, approval and queueing in one post: approve-and-send), the analytics
  dashboard, campaigns, creators list, a creator's page, the outbox, the AI page;
- ``/healthz`` of the same process, in the same mix: the trivial endpoint every route is
  compared with (same server, same clients, same moment).

Each route's p50/p95/p99 and errors (any status other than the expected one, or no answer) go to
the ``load`` section of docs/benchmarks.md (DESIGN.md §4, issue targets: on SQLite the p99 of
every read within 3× the trivial endpoint's p99 with 0 errors; on PostgreSQL + Redis the same,
and writes within 5×).
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench._load_servers import Target, postgres_reachable, postgres_web_and_workers, sqlite_up
from bench.report import write_section

CLIENTS = 8
DURATION_S = 25.0
MAX_REQUESTS = 20_000  # per set-up, whichever bound comes first
WARM_UP_REQUESTS = 40
TRIVIAL = "GET /healthz (trivial)"
READ_LIMIT = 3.0
WRITE_LIMIT = 5.0


@dataclass
class Samples:
    """Latencies (seconds) and errors of one route."""

    method: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    kinds: Counter[str] = field(default_factory=Counter)  # what the errors were

    def error(self, kind: str) -> None:
        self.errors += 1
        self.kinds[kind] += 1

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


class Client:
    """One team member's client: a keep-alive connection, an API key and a login session."""

    def __init__(self, target: Target, number: int, results: dict[str, Samples]) -> None:
        base = target.base_urls[number % len(target.base_urls)]
        self.http = httpx.AsyncClient(base_url=base, timeout=60)
        self.target = target
        self.random = random.Random(number)
        self.results = results
        self.api = {"Authorization": f"Bearer {target.api_key}"}
        self.page = {"Cookie": f"huntaze_session={target.session_cookie}"}
        self.csrf = target.csrf_token
        self.created = 0
        self.number = number

    async def call(
        self, route: str, method: str, path: str, *, expect: int = 200, **kwargs: object
    ) -> httpx.Response | None:
        samples = self.results.setdefault(route, Samples(method))
        started = time.perf_counter()
        try:
            response = await self.http.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            samples.error(type(exc).__name__)
            return None
        samples.latencies.append(time.perf_counter() - started)
        if response.status_code != expect:
            samples.error(str(response.status_code))
            return None
        return response

    def pick(self, values: list[str]) -> str:
        return self.random.choice(values)

    async def healthz(self) -> None:
        await self.call(TRIVIAL, "GET", "/healthz")

    async def api_creators(self) -> None:
        await self.call("GET /api/v1/creators", "GET", "/api/v1/creators", headers=self.api)

    async def api_outbox(self) -> None:
        path = "/api/v1/outbound-messages?limit=50"
        await self.call("GET /api/v1/outbound-messages", "GET", path, headers=self.api)

    async def api_outbox_one(self) -> None:
        path = f"/api/v1/outbound-messages/{self.pick(self.target.message_ids)}"
        await self.call("GET /api/v1/outbound-messages/{id}", "GET", path, headers=self.api)

    async def api_ai_usage(self) -> None:
        await self.call("GET /api/v1/ai/usage", "GET", "/api/v1/ai/usage", headers=self.api)

    async def api_compliance(self) -> None:
        body = {"text": self.pick(COMPLIANCE_TEXTS), "direction": "outbound"}
        route = "POST /api/v1/compliance/check"
        await self.call(route, "POST", "/api/v1/compliance/check", json=body, headers=self.api)

    async def api_create_and_approve(self) -> None:
        self.created += 1
        account = self.pick(self.target.account_ids)
        body = {
            "kind": "message",
            "platform_fan_id": f"{self.number}-{self.created}",
            "text": "Thank you for the tip, you made my day!",
        }
        created = await self.call(
            "POST …/outbound-messages (create)",
            "POST",
            f"/api/v1/platform-accounts/{account}/outbound-messages",
            expect=201,
            json=body,
            headers=self.api,
        )
        if created is not None:
            path = f"/api/v1/outbound-messages/{created.json()['id']}/approve"
            route = "POST /api/v1/outbound-messages/{id}/approve"
            await self.call(route, "POST", path, headers=self.api)

    async def api_fans(self) -> None:
        await self.call("GET /api/v1/fans", "GET", "/api/v1/fans?limit=50", headers=self.api)

    async def api_fan(self) -> None:
        path = f"/api/v1/fans/{self.pick(self.target.fan_ids)}"
        await self.call("GET /api/v1/fans/{id}", "GET", path, headers=self.api)

    async def api_fan_messages(self) -> None:
        path = f"/api/v1/fans/{self.pick(self.target.fan_ids)}/messages"
        await self.call("GET /api/v1/fans/{id}/messages", "GET", path, headers=self.api)

    async def page_inbox(self) -> None:
        await self.call("GET /inbox (page)", "GET", "/inbox", headers=self.page)

    async def page_conversation(self) -> None:
        path = f"/inbox/{self.pick(self.target.fan_ids)}"
        await self.call("GET /inbox/{fan_id} (page)", "GET", path, headers=self.page)

    async def page_reply_and_send(self) -> None:
        path = f"/inbox/{self.pick(self.target.fan_ids)}/reply"
        form = {"csrf_token": self.csrf, "text": "Thank you, you made my day! 💕", "action": "send"}
        route = "POST /inbox/{fan_id}/reply (approve and send)"
        await self.call(route, "POST", path, expect=303, data=form, headers=self.page)

    async def page_analytics(self) -> None:
        await self.call("GET /analytics (page)", "GET", "/analytics", headers=self.page)

    async def page_campaigns(self) -> None:
        await self.call("GET /campaigns (page)", "GET", "/campaigns", headers=self.page)

    async def page_creators(self) -> None:
        await self.call("GET /creators (page)", "GET", "/creators", headers=self.page)

    async def page_creator(self) -> None:
        path = f"/creators/{self.pick(self.target.creator_ids)}"
        await self.call("GET /creators/{id} (page)", "GET", path, headers=self.page)

    async def page_outbox(self) -> None:
        await self.call("GET /outbox (page)", "GET", "/outbox", headers=self.page)

    async def page_ai(self) -> None:
        await self.call("GET /ai (page)", "GET", "/ai", headers=self.page)

    def mix(self) -> list[tuple[Callable[[], Awaitable[None]], int]]:
        """What a team does, weighted: mostly reading lists and pages, some writing."""
        return [
            (self.healthz, 4),
            (self.page_inbox, 4),
            (self.page_conversation, 4),
            (self.page_reply_and_send, 2),
            (self.api_fans, 2),
            (self.api_fan, 2),
            (self.api_fan_messages, 2),
            (self.page_analytics, 1),
            (self.page_campaigns, 1),
            (self.api_creators, 1),
            (self.api_outbox, 2),
            (self.api_outbox_one, 1),
            (self.api_ai_usage, 1),
            (self.api_compliance, 1),
            (self.api_create_and_approve, 1),
            (self.page_creators, 1),
            (self.page_creator, 1),
            (self.page_outbox, 2),
            (self.page_ai, 1),
        ]


COMPLIANCE_TEXTS = [
    "hey babe, the new set drops at 9pm, don't miss it 😘",
    "send it to my p.a.y.p.a.l instead",
    "thank you so much for the tip, you always make my day!",
    "add me on snapchat babe",
]


async def _drive(
    target: Target, *, duration_s: float, max_requests: int
) -> tuple[dict[str, Samples], float]:
    results: dict[str, Samples] = {}
    clients = [Client(target, n, results) for n in range(CLIENTS)]
    warm_up: dict[str, Samples] = {}

    async def warm(client: Client) -> None:  # every route once: connections, caches, templates
        client.results = warm_up
        for action, _weight in client.mix():
            await action()
        client.results = results

    await asyncio.gather(*(warm(c) for c in clients))
    started = time.monotonic()
    deadline = started + duration_s

    def sent() -> int:
        return sum(len(s.latencies) + s.errors for s in results.values())

    async def run(client: Client) -> None:
        actions, weights = zip(*client.mix(), strict=True)
        while time.monotonic() < deadline and sent() < max_requests:
            await client.random.choices(actions, weights)[0]()

    try:
        await asyncio.gather(*(run(c) for c in clients))
    finally:
        for client in clients:
            await client.http.aclose()
    return results, time.monotonic() - started


def _errors(samples: Samples) -> str:
    if not samples.errors:
        return "0"
    kinds = ", ".join(f"{kind} × {n}" for kind, n in samples.kinds.most_common())
    return f"{samples.errors} ({kinds})"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _table(
    results: dict[str, Samples], elapsed_s: float, *, writes_have_target: bool
) -> tuple[str, list[str]]:
    trivial = results.get(TRIVIAL)
    trivial_p99 = trivial.percentile(99) if trivial else float("nan")
    rows = [
        "| route | requests | errors | p50 ms | p95 ms | p99 ms | p99 ÷ trivial p99 | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    misses = []
    total = 0
    for route in sorted(results, key=lambda r: (r != TRIVIAL, results[r].method, r)):
        samples = results[route]
        total += len(samples.latencies) + samples.errors
        ratio = samples.percentile(99) / trivial_p99 if trivial_p99 else float("nan")
        limit = READ_LIMIT if samples.method == "GET" else WRITE_LIMIT
        has_target = route != TRIVIAL and (samples.method == "GET" or writes_have_target)
        target = f"≤ {limit:.0f}×" if has_target else "—"
        if samples.errors or (has_target and ratio > limit):
            misses.append(f"{route} ({ratio:.1f}×, {samples.errors} errors)")
        rows.append(
            f"| {route} | {len(samples.latencies) + samples.errors} | {_errors(samples)} | "
            f"{_ms(samples.percentile(50))} | {_ms(samples.percentile(95))} | "
            f"{_ms(samples.percentile(99))} | {ratio:.1f}× | {target} |"
        )
    rows.append("")
    rows.append(f"{total} requests in {elapsed_s:.1f} s ({total / elapsed_s:.0f} requests/s).")
    return "\n".join(rows), misses


def _measure(target: Target) -> tuple[str, list[str]]:
    print(f"  {target.name}: {CLIENTS} clients for {DURATION_S:.0f} s …")
    results, elapsed = asyncio.run(_drive(target, duration_s=DURATION_S, max_requests=MAX_REQUESTS))
    # Writes on SQLite take its one write lock in turn: only errors count there.
    table, misses = _table(results, elapsed, writes_have_target=target.writes_have_target)
    print(table)
    return table, misses


def main() -> None:
    """Run both set-ups and write the report section."""
    sections = []
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="huntaze-load-") as tmp:
        work = Path(tmp)
        with sqlite_up(work) as target:
            sections.append((target.name, *_measure(target)))
        if postgres_reachable():
            with postgres_web_and_workers(work) as target:
                sections.append((target.name, *_measure(target)))
        else:
            sections.append(
                ("PostgreSQL + Redis", "Not measured: no PostgreSQL/Redis on loopback.", [])
            )
    body = [
        f"{CLIENTS} concurrent clients (asyncio + httpx on loopback, one keep-alive connection "
        f"each), {DURATION_S:.0f} s per set-up after one warm-up pass of every route, at most "
        f"{MAX_REQUESTS} requests. API routes use an API key, pages a login session; the per-key "
        "rate limit is raised for the run. The trivial endpoint is `/healthz` of the same "
        "server in the same mix. Targets: reads (GET) p99 ≤ 3× the trivial p99, writes ≤ 5× "
        "(on PostgreSQL + Redis), 0 errors. The client runs on the same machine as the servers. "
        "The p99 of a route sent fewer than 100 times is close to its slowest request, while the "
        "trivial endpoint, sent most often, has more requests: a single stall weighs more on a "
        "rare route's ratio.",
    ]
    took = time.monotonic() - began
    load = os.getloadavg()
    body.append(
        f"The whole run, set-up and teardown included, took {took:.0f} s. "
        f"Load average of the machine when the run ended: {load[0]:.1f} (1 min), {load[1]:.1f} "
        f"(5 min) on {os.cpu_count()} cores, the benchmark's own processes included; on a "
        "loaded machine every figure, the trivial one too, includes waiting for a core."
    )
    for name, table, misses in sections:
        body.append(f"### {name}\n\n{table}")
        if misses:
            body.append("Over target: " + "; ".join(misses) + ".")
    write_section(
        "load", "Load: a team's mix at 8 clients, beside a trivial endpoint", "\n\n".join(body)
    )


if __name__ == "__main__":
    main()
