"""The lexical fallback ranker: BM25 over word tokens, pure Python and numpy (DESIGN.md §4).

Used when the embedding model is unavailable. Scores are divided by the best score the query
could reach (every query word saturated in a document), so they lie in 0–1 like cosine
similarities and one ``min_score`` means roughly the same in both modes.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

WORD = re.compile(r"[^\W_]+", re.UNICODE)
# The commonest English words carry no meaning for ranking.
COMMON_WORDS = (
    "a an and are as at be but by do for from i if in is it me my of on or so that the this to "
    "was we with you your"
)
STOPWORDS = frozenset(COMMON_WORDS.split())


def tokens(text: str) -> list[str]:
    """Lower-cased words of ``text`` without the commonest English ones; plurals folded."""
    found = []
    for word in WORD.findall(text.lower()):
        if word in STOPWORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.append(word)
    return found


class LexicalIndex:
    """BM25 postings of a fixed list of texts; ``scores`` ranks them against a query."""

    def __init__(self, texts: Sequence[str], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.size = len(texts)
        lengths = np.zeros(self.size, dtype=np.float32)
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for index, text in enumerate(texts):
            counts = Counter(tokens(text))
            lengths[index] = sum(counts.values())
            for term, tf in counts.items():
                docs, tfs = postings.setdefault(term, ([], []))
                docs.append(index)
                tfs.append(tf)
        average = float(lengths.mean()) if self.size and lengths.any() else 1.0
        self._norm = (k1 * (1 - b + b * lengths / average)).astype(np.float32)
        self._postings: dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]] = {
            term: (np.asarray(docs, dtype=np.int64), np.asarray(tfs, dtype=np.float32))
            for term, (docs, tfs) in postings.items()
        }

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency (never negative)."""
        df = len(self._postings[term][0]) if term in self._postings else 0
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        """One score in 0–1 per text, in the order the texts were given."""
        result = np.zeros(self.size, dtype=np.float32)
        terms = Counter(tokens(query))
        best = 0.0
        for term, weight in terms.items():
            idf = self.idf(term)
            best += weight * idf * (self.k1 + 1)
            if term not in self._postings:
                continue
            docs, tfs = self._postings[term]
            result[docs] += weight * idf * tfs * (self.k1 + 1) / (tfs + self._norm[docs])
        if best > 0:
            result /= best
        return result
