"""Compliance engine throughput: checks per second on realistic 200-character messages.

Run with ``.venv/bin/python -m bench.compliance``. Messages are built from chat fragments
(about one in ten carries a violation, some of them disguised), checked one at a time on one
core with the bundled rules; the baseline is a single compiled ``re.search`` over the same texts
in the same run. Results go to the ``compliance`` section of docs/benchmarks.md (DESIGN.md §7).
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable

from rich.console import Console
from rich.progress import Progress

from bench.report import write_section
from huntaze.compliance.checker import rule_checker
from huntaze.compliance.models import Outcome

MESSAGES = 20_000
LENGTH = 200
ROUNDS = 3
SEED = 7

FRAGMENTS = [
    "hey babe, how was your day?",
    "I just posted a new set on my wall 😘",
    "thank you so much for the tip, you always make my day!",
    "the new video drops at 9pm, don't miss it",
    "only $15 for the next hour, unlock it now",
    "I'm so tired today, long day of shooting content",
    "what are you up to this weekend?",
    "you look 10/10 in that pic, seriously",
    "tell me your fantasy and I'll see what I can do",
    "would you like a custom? tell me what you want",
    "good morning handsome ☀️ did you sleep well?",
    "I'm cooking pasta tonight lol, what's your favorite food?",
    "check your inbox, I sent you a little surprise 💕",
    "I'm 25 and single, what about you?",
    "see you in my DMs later 😉",
    "can't wait to meet your new set, the teaser was hot",
    "I love chatting with you, you're different",
    "I'll be live on here tonight at 8",
]
VIOLATIONS = [
    "send it to my p.a.y.p.a.l instead",
    "add me on ѕnаpсhаt babe",
    "my number is five five five 201 8834",
    "we should meet up irl sometime",
    "c4$h4pp me and it's yours",
    "email me at jess.xo@gmail.com",
]
BASELINE = re.compile(r"paypal|venmo|cash\s?app|telegram|snapchat|whatsapp|\d{10}")


def messages(count: int) -> list[str]:
    """``count`` messages of about ``LENGTH`` characters, one in ten with a violation."""
    rng = random.Random(SEED)
    built = []
    for index in range(count):
        parts = [rng.choice(VIOLATIONS)] if index % 10 == 0 else []
        while sum(len(part) + 1 for part in parts) < LENGTH:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(FRAGMENTS))
        built.append(" ".join(parts)[:LENGTH])
    return built


def rate(check: Callable[[str], object], texts: list[str], progress: Progress, label: str) -> float:
    """Best checks per second over ``ROUNDS`` passes of ``texts``."""
    task = progress.add_task(label, total=ROUNDS * len(texts))
    best = 0.0
    step = 1000
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for offset in range(0, len(texts), step):
            for text in texts[offset : offset + step]:
                check(text)
            progress.advance(task, step)
        best = max(best, len(texts) / (time.perf_counter() - started))
    return best


def main() -> None:
    """Measure, print and record the results."""
    console = Console()
    texts = messages(MESSAGES)
    benign = [text for index, text in enumerate(texts) if index % 10]
    started = time.perf_counter()
    rule_checker.compiled("outbound")
    compile_s = time.perf_counter() - started
    verdicts = [rule_checker.check(text).verdict for text in texts]
    flagged = sum(verdict is not Outcome.ALLOW for verdict in verdicts)
    with Progress(console=console, transient=True) as progress:
        engine = rate(rule_checker.check, texts, progress, "engine, mixed")
        engine_benign = rate(rule_checker.check, benign, progress, "engine, benign only")
        baseline = rate(BASELINE.search, texts, progress, "single re.search")
    body = (
        f"{MESSAGES} messages of {LENGTH} characters, one in ten with a (partly disguised) "
        f"violation; {flagged} were flagged. Best of {ROUNDS} passes, one core, bundled rules "
        f"compiled once ({compile_s:.2f} s).\n\n"
        "| what | checks/s | µs per check |\n|---|---:|---:|\n"
        f"| `rule_checker.check`, mixed traffic | {engine:,.0f} | {1e6 / engine:.1f} |\n"
        f"| `rule_checker.check`, benign only | {engine_benign:,.0f} "
        f"| {1e6 / engine_benign:.1f} |\n"
        f"| baseline: one compiled `re.search` | {baseline:,.0f} | {1e6 / baseline:.1f} |\n\n"
        "Target: at least 20,000 checks/s on one core."
    )
    console.print(body)
    path = write_section("compliance", "Compliance engine", body)
    console.print(f"written to {path}")


if __name__ == "__main__":
    main()
