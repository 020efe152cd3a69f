"""Images checked whole and made into thumbnails with Pillow (DESIGN.md §6 "Content pipeline").

An image is decoded completely before it is accepted: a file whose bytes end early (an upload
cut short, a damaged file) fails here with a message a person understands. Videos get no
thumbnail here: ``video_frames.py`` takes their first frame when ffmpeg is there, and the vault
shows a placeholder otherwise.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, UnidentifiedImageError

from huntaze.content.media import MediaType, UnsupportedMediaError
from huntaze.core.errors import InvalidInputError

# Past this many pixels an image is refused before decoding (a "decompression bomb").
MAX_PIXELS = 80_000_000
_PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}


@dataclass(frozen=True, slots=True)
class Thumbnail:
    """A JPEG thumbnail and the size of the image it shows."""

    jpeg: bytes
    width: int
    height: int


def image_thumbnail(file: IO[bytes], media: MediaType, *, max_px: int) -> Thumbnail:
    """Decode the whole image in ``file`` and return a JPEG thumbnail at most ``max_px`` wide
    and high; :class:`InvalidInputError` when the image is damaged or cut short."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=[_PILLOW_FORMATS[media.mime]]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise InvalidInputError(
                        f"The image is {width}×{height} pixels; the vault takes at most "
                        f"{MAX_PIXELS:,} pixels."
                    )
                image.load()
                return Thumbnail(jpeg=jpeg_thumbnail(image, max_px), width=width, height=height)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInputError(
            f"The image has too many pixels; the vault takes at most {MAX_PIXELS:,}."
        ) from None
    except UnidentifiedImageError:
        raise UnsupportedMediaError(
            "The file starts like an image but is not one that can be read."
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise InvalidInputError(
            "The image is damaged or incomplete (its data ends early); nothing was saved. "
            "Please upload the file again."
        ) from exc


def jpeg_thumbnail(image: Image.Image, max_px: int) -> bytes:
    """``image`` as a JPEG at most ``max_px`` wide and high, transparency on white."""
    picture = image.convert("RGBA") if image.mode in ("P", "LA", "PA") else image
    if picture.mode == "RGBA":
        flat = Image.new("RGB", picture.size, "white")
        flat.paste(picture, mask=picture.getchannel("A"))
        picture = flat
    picture = picture.convert("RGB")
    picture.thumbnail((max_px, max_px))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()
