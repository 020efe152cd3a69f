"""Similar-example search at 100,000 stored examples of one creator (DESIGN.md §4 "embeddings").

Run with ``.venv/bin/python -m bench.similarity``. A fresh SQLite database (migrated) gets
100,000 examples for one creator. Embedding 100,000 texts with all-MiniLM-L6-v2 on 2 cores would
take many minutes, so 1,000 of them are embedded by the real model and the other 99,000 carry
random unit vectors (stored as float16 like real ones); the queries are embedded by the real
model. Measured in the same run: ``similarity.search`` end to end (creator check, fingerprint
query, query embedding, matrix product, top-k rows fetched) with the in-process matrix warm, its
first (cold) search, the query embedding alone, the fingerprint query alone, and baselines: a
plain numpy top-k over the same float32 matrix with precomputed query vectors (the floor), reading
and decoding every vector from the database per query (no cache), and the lexical fallback (BM25)
over the same 100,000 texts. Results go to the ``similarity`` section of docs/benchmarks.md.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import Progress
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bench.report import write_section
from huntaze.accounts.actor import Actor
from huntaze.accounts.models import Organization
from huntaze.accounts.permissions import Role
from huntaze.ai.similarity.embedder import DIMENSIONS, MODEL_NAME, embedder
from huntaze.ai.similarity.index import decode_vectors, encode_vector
from huntaze.ai.similarity.lexical import LexicalIndex
from huntaze.ai.similarity.records import AIExample
from huntaze.ai.similarity.repository import examples_repo
from huntaze.ai.similarity.schemas import SearchIn
from huntaze.ai.similarity.service import SimilarityService
from huntaze.core import migrations
from huntaze.core.db import Database, new_id, utcnow
from huntaze.core.tenancy import trusted_org_id
from huntaze.creators.models import Creator

EXAMPLES = 100_000
EMBEDDED = 1_000
QUERIES = 60
NO_CACHE_QUERIES = 5
K = 5
SEED = 11

OPENERS = ["hey babe", "omg", "aww", "hi love", "good morning", "haha", "mmm", "you know what"]
BODIES = [
    "want the full beach set?",
    "I just posted a new video on my wall",
    "the gym was packed today",
    "thank you so much for the tip",
    "unlock the bundle for 15 and it's yours",
    "I'm cooking pasta tonight",
    "my new lingerie set came in the mail",
    "tell me what you'd like in a custom",
    "the sunset at the beach was unreal",
    "I'm so tired after shooting all day",
    "did you see my story?",
    "I'll be live tonight at 8",
]
CLOSERS = ["😘", "💕", "lol", "", "what do you think?", "just for you", "xx"]
QUERY_TEXTS = [
    "can I see more of your beach photos",
    "how much is the video bundle",
    "what are you doing tonight",
    "do you do custom videos",
    "you looked amazing at the gym",
    "good morning gorgeous",
]


def synthetic_texts(count: int) -> list[str]:
    """``count`` chat-like replies from fragments."""
    rng = random.Random(SEED)
    return [
        " ".join(p for p in (rng.choice(OPENERS), rng.choice(BODIES), rng.choice(CLOSERS)) if p)
        for _ in range(count)
    ]


def percentiles(values: list[float]) -> tuple[float, float]:
    """(p50, p95) in milliseconds of values in seconds."""
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(fn: Callable[[int], object], runs: int, progress: Progress, label: str) -> list[float]:
    """Seconds of each of ``runs`` calls ``fn(i)``."""
    task = progress.add_task(label, total=runs)
    spent = []
    for i in range(runs):
        began = time.perf_counter()
        fn(i)
        spent.append(time.perf_counter() - began)
        progress.advance(task)
    return spent


def seed(session: Session, texts: list[str], progress: Progress) -> tuple[Actor, str]:
    """An organization, a creator and ``texts`` as its examples; returns (actor, creator id)."""
    org = Organization(name="Bench")
    session.add(org)
    session.flush()
    creator = Creator(organization_id=org.id, display_name="Bench Creator")
    session.add(creator)
    session.flush()
    rng = np.random.default_rng(SEED)
    real = embedder.embed(texts[:EMBEDDED])
    task = progress.add_task("storing examples", total=len(texts))
    step = 5_000
    for start in range(0, len(texts), step):
        chunk = texts[start : start + step]
        noise = rng.standard_normal((len(chunk), DIMENSIONS)).astype(np.float32)
        noise /= np.linalg.norm(noise, axis=1, keepdims=True)
        rows = []
        for offset, text in enumerate(chunk):
            index = start + offset
            vector = real[index] if index < EMBEDDED else noise[offset]
            rows.append(
                {
                    "id": new_id(),
                    "organization_id": org.id,
                    "creator_id": creator.id,
                    "kind": "reply" if index % 5 else "caption",
                    "text": text,
                    "outcome": ("purchase", "tip", "reply", "none")[index % 4],
                    "performance": (index % 100) / 100,
                    "revenue_cents": 0,
                    "currency": "USD",
                    "source_ref": None,
                    "embedding": encode_vector(vector),
                    "embedding_model": MODEL_NAME,
                    "created_at": utcnow(),
                }
            )
        session.execute(insert(AIExample), rows)
        progress.advance(task, len(chunk))
    session.commit()
    actor = Actor(org=trusted_org_id(org.id), role=Role.OWNER, label="bench")
    return actor, creator.id


def main() -> None:
    """Measure, print and record the results."""
    console = Console()
    texts = synthetic_texts(EXAMPLES)
    queries = [QUERY_TEXTS[i % len(QUERY_TEXTS)] + f" {i}" for i in range(QUERIES)]
    with tempfile.TemporaryDirectory() as folder, Progress(console=console) as progress:
        database = Database(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        migrations.upgrade(database.engine)
        embedder.embed(["warm up"])
        session = database.session_factory()
        began = time.perf_counter()
        actor, creator_id = seed(session, texts, progress)
        seed_s = time.perf_counter() - began
        service = SimilarityService()

        def search(i: int) -> object:
            return service.search(session, actor, creator_id, SearchIn(text=queries[i], k=K))

        began = time.perf_counter()
        first = service.search(session, actor, creator_id, SearchIn(text=queries[0], k=K))
        cold_s = time.perf_counter() - began
        warm = timed(search, QUERIES, progress, "similarity.search (warm)")
        embed = timed(lambda i: embedder.embed([queries[i]]), QUERIES, progress, "query embedding")
        fingerprint = timed(
            lambda i: examples_repo.fingerprint(session, actor.org, creator_id),
            QUERIES,
            progress,
            "fingerprint query",
        )
        stored = session.scalars(
            select(AIExample.embedding).where(AIExample.creator_id == creator_id)
        ).all()
        matrix = decode_vectors([blob or b"" for blob in stored], DIMENSIONS)
        vectors = embedder.embed(queries)

        def numpy_top_k(i: int) -> object:
            scores = matrix @ vectors[i]
            best = np.argpartition(-scores, K - 1)[:K]
            return best[np.argsort(-scores[best])]

        floor = timed(numpy_top_k, QUERIES, progress, "baseline: numpy top-k")

        def no_cache(i: int) -> object:
            blobs = session.scalars(
                select(AIExample.embedding).where(
                    AIExample.organization_id == actor.org, AIExample.creator_id == creator_id
                )
            ).all()
            return (
                numpy_top_k(i) if decode_vectors([b or b"" for b in blobs], DIMENSIONS).size else 0
            )

        uncached = timed(no_cache, NO_CACHE_QUERIES, progress, "baseline: read every vector")
        began = time.perf_counter()
        lexical = LexicalIndex(texts)
        lexical_build_s = time.perf_counter() - began
        bm25 = timed(lambda i: lexical.scores(queries[i]), QUERIES, progress, "lexical (BM25)")
        count = session.scalar(select(func.count()).select_from(AIExample)) or 0
        session.close()
        database.dispose()

    rows = [
        ("`similarity.search`, k=5, matrix cached (end to end)", warm),
        ("  of which: query embedding (all-MiniLM-L6-v2, CPU)", embed),
        ("  of which: fingerprint query (count + newest)", fingerprint),
        ("baseline: numpy `matrix @ q` + top-k, query pre-embedded", floor),
        ("baseline: read and decode every vector per query (no cache)", uncached),
        ("lexical fallback: BM25 scores over 100,000 texts", bm25),
    ]
    lines = []
    for label, values in rows:
        p50, p95 = percentiles(values)
        lines.append(f"| {label} | {len(values)} | {p50:.1f} | {p95:.1f} |\n")
    table = "| what | runs | p50 ms | p95 ms |\n|---|---:|---:|---:|\n" + "".join(lines)
    body = (
        f"{count:,} stored examples of one creator in SQLite; {EMBEDDED:,} embedded by the real "
        f"model, the other {EXAMPLES - EMBEDDED:,} random unit vectors (embedding 100,000 texts "
        "on 2 cores would take many minutes); queries embedded by the real model. "
        f"Seeding took {seed_s:.1f} s. The first search of the creator loads the float16 vectors "
        f"into a float32 matrix once: {cold_s * 1000:.0f} ms "
        f"({first.searched:,} rows, method {first.method}). The lexical index takes "
        f"{lexical_build_s:.1f} s to build once.\n\n{table}"
    )
    console.print(body)
    path = write_section("similarity", "Similar-example search", body)
    console.print(f"written to {path}")


if __name__ == "__main__":
    main()
