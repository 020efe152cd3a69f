"""Similar past replies and captions of a creator (DESIGN.md §4 "embeddings", §6 reply flow).

``similarity.add_examples`` stores a creator's past texts with their outcome, embedded in batches
by the bundled all-MiniLM-L6-v2 (or without a vector when the model is unavailable);
``similarity.search`` ranks the creator's examples by cosine similarity to a text over an
in-process matrix (``index.py``), or by BM25 (``lexical.py``) when the model cannot be used.
``with_best_past_replies`` gives a reply draft the creator's similar replies that led to a
purchase, a tip or an answer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.audit import audit
from huntaze.accounts.permissions import Permission
from huntaze.ai.schemas import ReplyDraftInput
from huntaze.ai.similarity.embedder import Embedder, EmbeddingUnavailableError, embedder
from huntaze.ai.similarity.index import (
    KINDS,
    OUTCOMES,
    CreatorIndex,
    IndexCache,
    decode_vectors,
    encode_vector,
    top_k,
)
from huntaze.ai.similarity.records import ExampleKind, ExampleOutcome
from huntaze.ai.similarity.repository import Fingerprint, examples_repo
from huntaze.ai.similarity.schemas import (
    ExampleHit,
    ExampleIn,
    ExamplesAdded,
    SearchIn,
    SearchOut,
)
from huntaze.core.db import new_id, utcnow
from huntaze.core.tenancy import OrgId
from huntaze.creators.service import creators

EMBED_BATCH = 64
Matrix = npt.NDArray[np.float32]
PERFORMED = (ExampleOutcome.PURCHASE, ExampleOutcome.TIP, ExampleOutcome.REPLY)
REPLY_EXAMPLES = 3
REPLY_MIN_SCORE = 0.3


class SimilarityService:
    """Stores a creator's past texts with outcomes and finds the ones most like a new text."""

    def __init__(self, model: Embedder = embedder, cache: IndexCache | None = None) -> None:
        self.embedder = model
        self.cache = cache or IndexCache()

    def add_examples(
        self, session: Session, actor: Actor, creator_id: str, items: Sequence[ExampleIn]
    ) -> ExamplesAdded:
        """Store the creator's examples, embedded in batches when the model is available."""
        actor.require(Permission.AI_USE)
        creators.get(session, actor, creator_id)
        vectors: list[bytes | None] = [None] * len(items)
        model: str | None = None
        try:
            for start in range(0, len(items), EMBED_BATCH):
                batch = items[start : start + EMBED_BATCH]
                embedded = self.embedder.embed([item.text for item in batch])
                for offset, vector in enumerate(embedded):
                    vectors[start + offset] = encode_vector(vector)
            model = self.embedder.name
        except EmbeddingUnavailableError:
            vectors = [None] * len(items)
        now = utcnow()
        rows = [
            {
                "id": new_id(),
                "organization_id": actor.org,
                "creator_id": creator_id,
                "kind": item.kind.value,
                "text": item.text,
                "outcome": item.outcome.value,
                "performance": item.score(),
                "revenue_cents": item.revenue_cents,
                "currency": item.currency,
                "source_ref": item.source_ref,
                "embedding": vector,
                "embedding_model": model,
                "created_at": now,
            }
            for item, vector in zip(items, vectors, strict=True)
        ]
        examples_repo.add_many(session, rows)
        audit.record(
            session,
            actor,
            action="ai.examples_add",
            target_type="creator",
            target_id=creator_id,
            after={"added": len(rows), "embedding_model": model},
        )
        return ExamplesAdded(added=len(rows), embedded=model is not None, model=model)

    def search(self, session: Session, actor: Actor, creator_id: str, query: SearchIn) -> SearchOut:
        """The creator's ``k`` examples most like the text, best first, with their performance."""
        creators.get(session, actor, creator_id)
        fingerprint = examples_repo.fingerprint(session, actor.org, creator_id)
        if fingerprint[0] == 0:
            return SearchOut(method="embedding", model=None, searched=0, hits=[])
        try:
            query_vector = self.embedder.embed([query.text])[0]
        except EmbeddingUnavailableError:
            query_vector = None
        entry = self._index(session, actor.org, creator_id, fingerprint, query_vector is not None)
        keep = entry.allowed(query.kind, query.outcomes)
        if query_vector is not None and entry.vectors is not None:
            method, model = "embedding", entry.model
            scores = entry.vectors @ query_vector
        else:
            method, model = "lexical", None
            lexical = entry.lexical(lambda: examples_repo.texts(session, actor.org, creator_id))
            # A text sharing no word with the query is no match at all, whatever min_score says.
            scores = lexical.scores(query.text)
            scores[scores <= 0] = -np.inf
        best = top_k(scores, keep, k=query.k, min_score=query.min_score)
        rows = examples_repo.by_ids(session, actor.org, [entry.ids[i] for i, _ in best])
        hits = [
            ExampleHit(
                id=row.id,
                kind=ExampleKind(row.kind),
                text=row.text,
                similarity=round(score, 4),
                outcome=ExampleOutcome(row.outcome),
                performance=row.performance,
                revenue_cents=row.revenue_cents,
                currency=row.currency,
                source_ref=row.source_ref,
                created_at=row.created_at,
            )
            for i, score in best
            if (row := rows.get(entry.ids[i])) is not None
        ]
        return SearchOut(method=method, model=model, searched=entry.size, hits=hits)

    def with_best_past_replies(
        self, session: Session, actor: Actor, creator_id: str, data: ReplyDraftInput
    ) -> ReplyDraftInput:
        """The draft input with the creator's similar replies that worked, unless it has some."""
        if data.best_past_replies:
            return data
        last_fan = next((m.text for m in reversed(data.messages) if m.sender == "fan"), "")
        text = last_fan.strip()[:2000]
        if not text:
            return data
        query = SearchIn(
            text=text,
            kind=ExampleKind.REPLY,
            k=REPLY_EXAMPLES,
            min_score=REPLY_MIN_SCORE,
            outcomes=list(PERFORMED),
        )
        found = self.search(session, actor, creator_id, query)
        if not found.hits:
            return data
        return data.model_copy(update={"best_past_replies": [h.text for h in found.hits]})

    def _index(
        self,
        session: Session,
        org: OrgId,
        creator_id: str,
        fingerprint: Fingerprint,
        embed_missing: bool,
    ) -> CreatorIndex:
        key = (org, creator_id)
        entry = self.cache.get(key, fingerprint)
        if entry is not None and (entry.vectors is not None or not embed_missing):
            return entry
        rows = examples_repo.vectors(session, org, creator_id)
        ids = [row.id for row in rows]
        name, dims = self.embedder.name, self.embedder.dimensions
        usable = [
            i
            for i, row in enumerate(rows)
            if row.model == name and row.embedding and len(row.embedding) == 2 * dims
        ]
        matrix = np.zeros((len(rows), dims), dtype=np.float32)
        if usable:
            matrix[usable] = decode_vectors([rows[i].embedding or b"" for i in usable], dims)
        missing = sorted(set(range(len(rows))) - set(usable))
        vectors: Matrix | None = matrix
        if missing:
            vectors = (
                self._embed_rows(session, org, creator_id, ids, missing, matrix)
                if embed_missing
                else None
            )
        entry = CreatorIndex(
            fingerprint=fingerprint,
            ids=ids,
            kinds=np.array([KINDS.index(ExampleKind(r.kind)) for r in rows], dtype=np.int8),
            outcomes=np.array(
                [OUTCOMES.index(ExampleOutcome(r.outcome)) for r in rows], dtype=np.int8
            ),
            vectors=vectors,
            model=name if vectors is not None else None,
        )
        self.cache.put(key, entry)
        return entry

    def _embed_rows(
        self,
        session: Session,
        org: OrgId,
        creator_id: str,
        ids: list[str],
        missing: list[int],
        vectors: Matrix,
    ) -> Matrix | None:
        # Rows stored while the model was unavailable are embedded in memory, not written back:
        # a search is a read.
        texts = examples_repo.texts(session, org, creator_id, [ids[i] for i in missing])
        try:
            for start in range(0, len(missing), EMBED_BATCH):
                batch = missing[start : start + EMBED_BATCH]
                vectors[batch] = self.embedder.embed([texts.get(ids[i], "") for i in batch])
        except EmbeddingUnavailableError:
            return None
        return vectors


similarity = SimilarityService()
