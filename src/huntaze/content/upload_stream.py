"""A request's body as chunks for synchronous code (DESIGN.md §6 "Content pipeline").

An upload endpoint runs in a worker thread (the blob stores are synchronous); it reads the body
chunk by chunk from the event loop, so no more than one chunk is in memory at a time. A client
that goes away mid-upload ends the stream with :class:`UploadCutError`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import anyio.from_thread
from starlette.requests import ClientDisconnect, Request

from huntaze.core.errors import AppError


class UploadCutError(AppError):
    """The upload ended before the whole file arrived."""

    title = "Upload incomplete"
    type_slug = "upload-incomplete"


async def _next_chunk(stream: AsyncIterator[bytes]) -> bytes:
    return await stream.__anext__()


def body_chunks(request: Request) -> Iterator[bytes]:
    """The request's body, chunk by chunk, from a worker thread."""
    stream: AsyncIterator[bytes] = request.stream()
    while True:
        try:
            chunk = anyio.from_thread.run(_next_chunk, stream)
        except StopAsyncIteration:
            return
        except ClientDisconnect:
            raise UploadCutError(
                "The upload was cut off before the whole file arrived; nothing was saved."
            ) from None
        if chunk:
            yield chunk
