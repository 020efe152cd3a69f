"""A creator's examples as one in-memory matrix, cached per process (DESIGN.md §4 "embeddings").

Search at 100,000 examples must not read and decode every row per query, so the first search of
a creator loads all its vectors once into a float32 matrix (float16 in the database) and later
searches are a single matrix-vector product. An entry is keyed by the creator and checked against
a fingerprint (row count and newest ``created_at``) read with one indexed query per search, so an
example added by any process is seen by the next search everywhere. Entries are evicted least
recently used past a memory budget. The lexical index of an entry is built only when needed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from huntaze.ai.similarity.lexical import LexicalIndex
from huntaze.ai.similarity.records import ExampleKind, ExampleOutcome
from huntaze.ai.similarity.repository import Fingerprint

KINDS = list(ExampleKind)
OUTCOMES = list(ExampleOutcome)
DEFAULT_BUDGET_BYTES = 512 * 1024 * 1024
CacheKey = tuple[str, str]
Scores = npt.NDArray[np.float32]


def encode_vector(vector: npt.NDArray[np.float32]) -> bytes:
    """A vector as stored: little-endian float16 bytes."""
    return np.asarray(vector, dtype="<f2").tobytes()


def decode_vectors(blobs: Sequence[bytes], dimensions: int) -> npt.NDArray[np.float32]:
    """Stored float16 vectors, all of ``dimensions``, as one float32 matrix."""
    flat = np.frombuffer(b"".join(blobs), dtype="<f2")
    return flat.reshape(len(blobs), dimensions).astype(np.float32)


@dataclass
class CreatorIndex:
    """Everything a search needs about one creator's examples, rows in a fixed order."""

    fingerprint: Fingerprint
    ids: list[str]
    kinds: npt.NDArray[np.int8]
    outcomes: npt.NDArray[np.int8]
    vectors: npt.NDArray[np.float32] | None
    model: str | None
    _lexical: LexicalIndex | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def size(self) -> int:
        """How many examples."""
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        """About how much memory the entry holds (the lexical index is counted roughly)."""
        vectors = self.vectors.nbytes if self.vectors is not None else 0
        lexical = 200 * self.size if self._lexical is not None else 0
        return vectors + 100 * self.size + lexical

    def lexical(self, texts: Callable[[], dict[str, str]]) -> LexicalIndex:
        """The BM25 index of the texts, built on first use from ``texts()`` (id → text)."""
        with self._lock:
            if self._lexical is None:
                by_id = texts()
                self._lexical = LexicalIndex([by_id.get(i, "") for i in self.ids])
            return self._lexical

    def allowed(
        self, kind: ExampleKind | None, outcomes: Sequence[ExampleOutcome] | None
    ) -> npt.NDArray[np.bool_]:
        """Which rows the filters keep."""
        keep = np.ones(self.size, dtype=np.bool_)
        if kind is not None:
            keep &= self.kinds == KINDS.index(kind)
        if outcomes:
            keep &= np.isin(self.outcomes, [OUTCOMES.index(o) for o in outcomes])
        return keep


def top_k(
    scores: Scores, keep: npt.NDArray[np.bool_], *, k: int, min_score: float
) -> list[tuple[int, float]]:
    """The (row, score) of the ``k`` best kept rows at or above ``min_score``, best first."""
    masked = np.where(keep & (scores >= min_score), scores, -np.inf)
    if masked.size == 0:
        return []
    count = min(k, masked.size)
    best = np.argpartition(-masked, count - 1)[:count]
    best = best[np.argsort(-masked[best], kind="stable")]
    return [(int(i), float(masked[i])) for i in best if np.isfinite(masked[i])]


class IndexCache:
    """Creator indexes of this process, least recently used evicted past ``budget_bytes``."""

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        self.budget_bytes = budget_bytes
        self._entries: OrderedDict[CacheKey, CreatorIndex] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: CacheKey, fingerprint: Fingerprint) -> CreatorIndex | None:
        """The cached index if it is still current."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.fingerprint != fingerprint:
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: CacheKey, entry: CreatorIndex) -> None:
        """Keep ``entry``, evicting the least recently used ones past the budget."""
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > 1 and self._used() > self.budget_bytes:
                self._entries.popitem(last=False)

    def _used(self) -> int:
        return sum(entry.nbytes for entry in self._entries.values())

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
