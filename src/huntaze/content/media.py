"""What an upload is, from its first bytes: the media types the vault takes (DESIGN.md §2.6,
§6 "Content pipeline").

The type is sniffed from the content's magic bytes, never from the file name or the type the
client declares: an executable renamed ``.jpg`` is refused before a byte of it is stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from itertools import chain

from huntaze.core.errors import AppError

# Enough of the start of a file to recognise every type below (WebM names itself within it).
HEAD_BYTES = 64
# ISO base media brands that are pictures, not videos (HEIC, AVIF): not taken.
_IMAGE_BRANDS = {b"heic", b"heix", b"hevc", b"mif1", b"msf1", b"avif", b"avis"}


class MediaKind(StrEnum):
    """What the vault does with a file: images get a thumbnail, videos a placeholder."""

    IMAGE = "image"
    VIDEO = "video"


@dataclass(frozen=True, slots=True)
class MediaType:
    """A media type the vault takes."""

    mime: str
    kind: MediaKind
    extension: str


JPEG = MediaType("image/jpeg", MediaKind.IMAGE, "jpg")
PNG = MediaType("image/png", MediaKind.IMAGE, "png")
GIF = MediaType("image/gif", MediaKind.IMAGE, "gif")
WEBP = MediaType("image/webp", MediaKind.IMAGE, "webp")
MP4 = MediaType("video/mp4", MediaKind.VIDEO, "mp4")
QUICKTIME = MediaType("video/quicktime", MediaKind.VIDEO, "mov")
WEBM = MediaType("video/webm", MediaKind.VIDEO, "webm")
ACCEPTED = "JPEG, PNG, GIF, WebP, MP4, MOV or WebM"


class UnsupportedMediaError(AppError):
    """The content is not one of the media types the vault takes."""

    status_code = 415
    title = "Unsupported media type"
    type_slug = "unsupported-media-type"


def sniff(head: bytes) -> MediaType | None:
    """The media type that ``head`` (the first bytes of a file) starts, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            return None
        return QUICKTIME if brand == b"qt  " else MP4
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head:
        return WEBM
    return None


def sniffed_stream(chunks: Iterable[bytes]) -> tuple[MediaType, Iterator[bytes]]:
    """The media type of a stream and the whole stream again (the head is re-yielded first);
    :class:`UnsupportedMediaError` when the first bytes are not a type the vault takes."""
    stream = iter(chunks)
    head = b""
    for chunk in stream:
        head += chunk
        if len(head) >= HEAD_BYTES:
            break
    found = sniff(head[:HEAD_BYTES])
    if found is None:
        if not head:
            raise UnsupportedMediaError("The file is empty.")
        raise UnsupportedMediaError(
            f"This file is not an image or video the vault takes ({ACCEPTED}); "
            "its content, not its name, decides."
        )
    return found, chain([head], stream)
