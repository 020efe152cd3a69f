"""Understanding and compliance's semantic tier: checks per second beside the rules tier.

Run with ``.venv/bin/python -m bench.understanding``. Messages come from the compliance
benchmark's generator (200-character chat messages, one in ten with a violation). Measured in the
same run, one message at a time: the rules tier (``rule_checker.check``), the rules tier plus the
semantic tier (``semantic=True``: understanding with the bundled all-MiniLM-L6-v2 against the
labelled examples, run where the rules did not block), ``understand()`` alone, and the baseline:
a bare embedding call (``embedder.embed([text])``) on the same texts, and for the rules tier the
compliance benchmark's single compiled ``re.search`` (so that a busy machine shows as such). The
semantic passes clear the vector cache first, so every text is embedded. Results go to the
``understanding`` section of docs/benchmarks.md (DESIGN.md §4, §7).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.console import Console

from bench.compliance import BASELINE, messages
from bench.report import write_section
from huntaze.ai.similarity.embedder import embedder
from huntaze.ai.understanding import understand
from huntaze.ai.understanding.semantic import semantic_tier
from huntaze.compliance.checker import rule_checker

RULES_MESSAGES = 10_000
SEMANTIC_MESSAGES = 100
ROUNDS = 3


def rate(check: Callable[[str], object], texts: list[str], *, fresh: bool = False) -> float:
    """Best checks per second over ``ROUNDS`` passes; ``fresh`` empties the vector cache first."""
    best = 0.0
    for _ in range(ROUNDS):
        if fresh:
            semantic_tier.clear_cache()
        started = time.perf_counter()
        for text in texts:
            check(text)
        best = max(best, len(texts) / (time.perf_counter() - started))
    return best


def main() -> None:
    """Measure, print and record the results."""
    console = Console()
    texts = messages(RULES_MESSAGES)
    sample = texts[:SEMANTIC_MESSAGES]
    rule_checker.compiled("outbound")
    started = time.perf_counter()
    semantic_tier.available()
    load_s = time.perf_counter() - started
    rules = rate(rule_checker.check, texts)
    plain = rate(BASELINE.search, texts)
    both = rate(lambda text: rule_checker.check(text, semantic=True), sample, fresh=True)
    alone = rate(understand, sample, fresh=True)
    bare = rate(lambda text: embedder.embed([text]), sample)
    reviewed = sum(
        rule_checker.check(text, semantic=True).verdict.value == "review" for text in sample
    )
    body = (
        f"Chat messages of 200 characters from the compliance benchmark's generator, one at a "
        f"time, best of {ROUNDS} passes; the rules tier on {RULES_MESSAGES:,} messages, the "
        f"semantic passes on {SEMANTIC_MESSAGES} with the vector cache emptied before each pass. "
        f"Model and labelled examples loaded once ({load_s:.1f} s, embedding "
        f"{sum(semantic_tier.example_counts().values())} examples). "
        f"{reviewed} of the {SEMANTIC_MESSAGES} were sent to review with both tiers.\n\n"
        "| what | checks/s | ms per check |\n|---|---:|---:|\n"
        f"| rules tier: `rule_checker.check` | {rules:,.0f} | {1e3 / rules:.3f} |\n"
        f"| baseline of the rules tier: one compiled `re.search` | {plain:,.0f} "
        f"| {1e3 / plain:.4f} |\n"
        f"| rules + semantic tier: `rule_checker.check(semantic=True)` | {both:,.1f} "
        f"| {1e3 / both:.2f} |\n"
        f"| `understand()` alone | {alone:,.1f} | {1e3 / alone:.2f} |\n"
        f"| baseline: bare `embedder.embed([text])` | {bare:,.1f} | {1e3 / bare:.2f} |\n\n"
        "Target: the rules tier keeps at least 20,000 checks/s; the semantic tier costs about one "
        "embedding per message and runs only where the rules did not block."
    )
    console.print(body)
    path = write_section("understanding", "Understanding and the semantic tier", body)
    console.print(f"written to {path}")


if __name__ == "__main__":
    main()
