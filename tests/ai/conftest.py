"""Fixtures for the AI stack: the embedded model's file and a real llama.cpp server on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest

from huntaze.ai.providers.base import LLMProvider
from huntaze.ai.providers.local_llama import default_model_path
from huntaze.ai.router import AIRouter


@pytest.fixture(scope="session")
def gguf_path() -> str:
    return str(default_model_path())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LlamaServer:
    process: subprocess.Popen[bytes]
    base_url: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)


@pytest.fixture
def llama_server(gguf_path: str) -> Iterator[LlamaServer]:
    """``python -m llama_cpp.server`` with the embedded GGUF, on a free loopback port."""
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            gguf_path,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "2048",
            "--model_alias",
            "smollm2-server",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = LlamaServer(process, f"http://127.0.0.1:{port}/v1")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("llama_cpp.server exited during start-up")
        try:
            if httpx.get(f"{server.base_url}/models", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        server.stop()
        pytest.fail("llama_cpp.server did not start within 60 s")
    yield server
    server.stop()


@pytest.fixture
def use_providers() -> Iterator[Callable[..., AIRouter]]:
    """Route ``ai`` through provider doubles named like the settings' providers; reset after."""
    from huntaze.ai.service import ai

    def install(**providers: LLMProvider) -> AIRouter:
        router = AIRouter(recorder=ai.recorder, providers=providers)
        ai.use_router(router)
        return router

    yield install
    ai.use_router(None)
