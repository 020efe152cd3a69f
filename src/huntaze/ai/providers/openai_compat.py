"""Any server speaking OpenAI's chat-completions protocol, via the ``openai`` SDK (DESIGN.md §4).

vLLM, Ollama, the llama.cpp server and OpenAI itself all accept the same request; they differ in
how they take a JSON schema: OpenAI, Azure and vLLM want ``response_format.type = json_schema``,
the llama.cpp server wants ``json_object`` with a ``schema`` beside it. ``json_mode`` picks one.
SDK retries are off: the router owns retries and fallbacks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, SecretStr

if TYPE_CHECKING:
    import openai

from huntaze.ai.providers.base import (
    Completion,
    CompletionRequest,
    Pricing,
    ProviderError,
    ProviderTimeoutError,
    ProviderUnavailableError,
)

JsonMode = Literal["json_schema", "json_object_schema", "none"]


class OpenAICompatibleConfig(BaseModel):
    """A chat-completions server at ``base_url`` (e.g. ``http://127.0.0.1:8080/v1``)."""

    kind: Literal["openai_compatible"] = "openai_compatible"
    base_url: str
    model: str
    api_key: SecretStr = SecretStr("not-needed")
    json_mode: JsonMode = "json_object_schema"
    input_per_mtok_usd: float = 0.0
    output_per_mtok_usd: float = 0.0


def response_format_args(mode: JsonMode, schema: dict[str, Any] | None) -> dict[str, Any]:
    """The keyword arguments that ask the server for JSON following ``schema``."""
    if schema is None or mode == "none":
        return {}
    if mode == "json_schema":
        return {
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": schema, "strict": False},
            }
        }
    return {"extra_body": {"response_format": {"type": "json_object", "schema": schema}}}


class ChatCompletionsProvider:
    """Calls ``client.chat.completions.create`` and maps SDK errors to provider errors."""

    def __init__(
        self,
        *,
        name: str,
        client: openai.OpenAI,
        model: str,
        json_mode: JsonMode,
        pricing: Pricing,
    ) -> None:
        self.name = name
        self._client = client
        self._model = model
        self._json_mode = json_mode
        self.pricing = pricing

    @property
    def model(self) -> str:
        """The model (or Azure deployment) named in each request."""
        return self._model

    def complete(self, request: CompletionRequest) -> Completion:
        """One chat completion with the request's schema and time limit."""
        import openai

        try:
            response = self._client.chat.completions.create(
                model=self._model,
                messages=[
                    {"role": "system", "content": request.system},
                    {"role": "user", "content": request.user},
                ],
                max_tokens=request.max_tokens,
                temperature=request.temperature,
                seed=request.seed,
                timeout=request.timeout_s,
                **response_format_args(self._json_mode, request.json_schema),
            )
        except openai.APITimeoutError as exc:
            raise ProviderTimeoutError(
                f"{self.name}: no answer within {request.timeout_s:.1f}s"
            ) from exc
        except (openai.APIConnectionError, openai.AuthenticationError) as exc:
            raise ProviderUnavailableError(f"{self.name}: {exc}") from exc
        except openai.OpenAIError as exc:
            raise ProviderError(f"{self.name}: {exc}") from exc
        if not response.choices:
            raise ProviderError(f"{self.name}: the answer has no choices")
        choice = response.choices[0]
        usage = response.usage
        return Completion(
            text=choice.message.content or "",
            model=response.model or self._model,
            tokens_in=usage.prompt_tokens if usage else 0,
            tokens_out=usage.completion_tokens if usage else 0,
            finish_reason=str(choice.finish_reason or "stop"),
        )


def build_openai_compatible(config: OpenAICompatibleConfig) -> ChatCompletionsProvider:
    """A provider for the server at ``config.base_url``."""
    import openai  # the SDK takes a second to import: loaded where a provider is built

    client = openai.OpenAI(
        base_url=config.base_url, api_key=config.api_key.get_secret_value(), max_retries=0
    )
    return ChatCompletionsProvider(
        name="openai_compatible",
        client=client,
        model=config.model,
        json_mode=config.json_mode,
        pricing=Pricing(config.input_per_mtok_usd, config.output_per_mtok_usd),
    )
