"""Analytics tests answer the AI's summary through a scripted provider (the process boundary)
instead of the embedded model."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from tests.ai.doubles import Answer, ScriptedProvider

from huntaze.ai.providers.base import ProviderError
from huntaze.ai.router import AIRouter
from huntaze.ai.service import ai


@pytest.fixture
def ai_answers() -> Iterator[Callable[..., ScriptedProvider]]:
    """Install a scripted embedded model; by default it fails, so summaries are the template."""

    def install(*answers: Answer) -> ScriptedProvider:
        provider = ScriptedProvider(list(answers), name="local")
        ai.use_router(AIRouter(recorder=ai.recorder, providers={"local": provider}))
        return provider

    install(ProviderError("no model in this test"))
    yield install
    ai.use_router(None)
