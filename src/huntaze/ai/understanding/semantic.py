"""The semantic tier of understanding: nearest labelled examples by meaning (DESIGN.md §4, §7).

The labelled example phrases ship in ``examples.txt`` beside this module (sections ``[risk:NAME]``,
``[risk:none]`` for harmless look-alikes, ``[intent:NAME]``). They are embedded once per process
with the bundled all-MiniLM-L6-v2 (:mod:`huntaze.ai.similarity.embedder`), lazily on first use;
messages are embedded in batches and the last few thousand vectors are cached by text.

A risk is found when a message is close to that risk's examples (the mean of its two nearest)
and clearly closer to them than to the harmless look-alikes; an intent is the weighted vote of
the nearest intent examples. Without the model (not installed, failed to load) the tier answers
nothing and the rules stand alone.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from huntaze.ai.similarity.embedder import EmbeddingUnavailableError, embedder
from huntaze.ai.understanding.labels import INTENTS, RISKS

EXAMPLES_PATH = Path(__file__).resolve().parent / "examples.txt"
NONE = "none"
RISK_FLOOR = 0.42
"""Mean similarity to a risk's two nearest examples at which the risk is considered."""
RISK_SURE = 0.62
"""... and at which it is taken as found with confidence (below: found, uncertain)."""
RISK_MARGIN = 0.02
"""How much closer to the risk than to the nearest harmless look-alikes a message must be."""
INTENT_NEIGHBOURS = 7
INTENT_FLOOR = 0.30
_CACHE_SIZE = 4096

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Examples:
    """The labelled example phrases, in file order."""

    risk: dict[str, tuple[str, ...]]
    intent: dict[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class RiskScore:
    """How close a message is to one risk's examples and to the harmless ones."""

    risk: str
    score: float
    benign: float
    nearest: str

    @property
    def found(self) -> bool:
        return self.score >= RISK_FLOOR and self.score - self.benign >= RISK_MARGIN

    @property
    def sure(self) -> bool:
        return self.found and self.score >= RISK_SURE


@dataclass(frozen=True, slots=True)
class IntentVote:
    """The nearest intent examples' vote: the winner, its share, the closest example."""

    intent: str
    share: float
    similarity: float
    nearest: str


@dataclass(frozen=True, slots=True)
class Meaning:
    """What the semantic tier read in one message."""

    risks: tuple[RiskScore, ...]
    intent: IntentVote | None


def parse_examples(text: str) -> Examples:
    """Read the examples file: ``[risk:NAME]``/``[intent:NAME]`` headers, one phrase a line."""
    risk: dict[str, list[str]] = {}
    intent: dict[str, list[str]] = {}
    current: list[str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            kind, _, name = line[1:-1].partition(":")
            if kind == "risk" and (name in RISKS or name == NONE):
                current = risk.setdefault(name, [])
            elif kind == "intent" and name in INTENTS:
                current = intent.setdefault(name, [])
            else:
                raise ValueError(f"examples line {number}: unknown section {line}")
            continue
        if current is None:
            raise ValueError(f"examples line {number}: a phrase before any section")
        current.append(line)
    return Examples(
        risk={name: tuple(lines) for name, lines in risk.items()},
        intent={name: tuple(lines) for name, lines in intent.items()},
    )


@cache
def examples() -> Examples:
    """The bundled examples (read once)."""
    return parse_examples(EXAMPLES_PATH.read_text(encoding="utf-8"))


class _Index:
    """Example vectors of one kind with their labels."""

    def __init__(self, groups: dict[str, tuple[str, ...]], vectors: Vectors) -> None:
        self.labels = tuple(label for label, lines in groups.items() for _ in lines)
        self.texts = tuple(line for lines in groups.values() for line in lines)
        self.vectors = vectors
        self.rows = {
            label: np.array([i for i, owner in enumerate(self.labels) if owner == label])
            for label in groups
        }


class SemanticTier:
    """Embeds messages and compares them with the labelled examples; loads on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._risk: _Index | None = None
        self._intent: _Index | None = None
        self._failure: str | None = None
        self._cache: OrderedDict[str, Vectors] = OrderedDict()

    def _indexes(self) -> tuple[_Index, _Index]:
        with self._lock:
            if self._risk is not None and self._intent is not None:
                return self._risk, self._intent
            if self._failure is not None:
                raise EmbeddingUnavailableError(self._failure)
            found = examples()
            texts = [
                line
                for group in (found.risk, found.intent)
                for lines in group.values()
                for line in lines
            ]
            try:
                vectors = embedder.embed(texts)
            except EmbeddingUnavailableError as exc:
                self._failure = str(exc)
                raise
            split = sum(len(lines) for lines in found.risk.values())
            self._risk = _Index(found.risk, vectors[:split])
            self._intent = _Index(found.intent, vectors[split:])
            return self._risk, self._intent

    def available(self) -> bool:
        """Whether the model and the examples are ready (loads them on first call)."""
        try:
            self._indexes()
        except EmbeddingUnavailableError:
            return False
        return True

    def clear_cache(self) -> None:
        """Forget the vectors of messages seen (the examples' stay)."""
        with self._lock:
            self._cache.clear()

    def example_counts(self) -> dict[str, int]:
        """How many labelled examples each section holds."""
        found = examples()
        counts = {f"risk:{name}": len(lines) for name, lines in found.risk.items()}
        counts.update({f"intent:{name}": len(lines) for name, lines in found.intent.items()})
        return counts

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One unit vector per text; texts seen recently are not embedded again."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            fresh = embedder.embed(missing)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._cache[text] = vector
                while len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
        with self._lock:
            rows = []
            for text in texts:
                vector = self._cache.get(text)
                if vector is None:  # evicted meanwhile by another thread's batch
                    vector = embedder.embed([text])[0]
                rows.append(vector)
        return np.stack(rows) if rows else np.zeros((0, embedder.dimensions), np.float32)

    def read(self, texts: Sequence[str]) -> list[Meaning]:
        """The meaning of each text; raises ``EmbeddingUnavailableError`` without the model."""
        risk_index, intent_index = self._indexes()
        vectors = self.embed(texts)
        risk_sims = vectors @ risk_index.vectors.T
        intent_sims = vectors @ intent_index.vectors.T
        return [
            Meaning(
                risks=_risk_scores(risk_index, risk_sims[row]),
                intent=_intent_vote(intent_index, intent_sims[row]),
            )
            for row in range(len(texts))
        ]


def _top_mean(values: npt.NDArray[np.float32], count: int = 2) -> float:
    if values.size <= count:
        return float(values.mean())
    return float(np.partition(values, -count)[-count:].mean())


def _risk_scores(index: _Index, sims: npt.NDArray[np.float32]) -> tuple[RiskScore, ...]:
    benign_rows = index.rows.get(NONE)
    benign = _top_mean(sims[benign_rows]) if benign_rows is not None else 0.0
    scores = []
    for risk in RISKS:
        rows = index.rows.get(risk)
        if rows is None:
            continue
        own = sims[rows]
        nearest = int(rows[int(own.argmax())])
        scores.append(RiskScore(risk, _top_mean(own), benign, index.texts[nearest]))
    return tuple(scores)


def _intent_vote(index: _Index, sims: npt.NDArray[np.float32]) -> IntentVote | None:
    if not index.labels:
        return None
    count = min(INTENT_NEIGHBOURS, len(index.labels))
    nearest = np.argsort(-sims)[:count]
    if float(sims[nearest[0]]) < INTENT_FLOOR:
        return None
    weights: dict[str, float] = {}
    for row in nearest:
        weight = max(float(sims[row]), 0.0) ** 2
        weights[index.labels[row]] = weights.get(index.labels[row], 0.0) + weight
    winner = max(weights, key=lambda label: weights[label])
    total = sum(weights.values()) or 1.0
    best = next(int(row) for row in nearest if index.labels[row] == winner)
    return IntentVote(winner, weights[winner] / total, float(sims[best]), index.texts[best])


semantic_tier = SemanticTier()
