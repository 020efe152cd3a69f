"""A video's first frame as its thumbnail, with ffmpeg when the machine has it (DESIGN.md §6
"Content pipeline").

Optional by design: without ffmpeg, or when ffmpeg cannot read the file, a video has no
thumbnail and the vault shows a placeholder. The video is copied from the blob store to a
temporary file chunk by chunk (never whole in memory), and ffmpeg runs with a time limit.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile

from PIL import Image, UnidentifiedImageError

from huntaze.content.thumbnails import Thumbnail, jpeg_thumbnail
from huntaze.storage.blobs import BlobStore

FFMPEG_TIMEOUT_S = 60


def video_thumbnail(blobs: BlobStore, key: str, *, max_px: int) -> Thumbnail | None:
    """A JPEG of the first frame of the video under ``key``, or None without ffmpeg or when
    ffmpeg cannot read it."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return None
    with tempfile.NamedTemporaryFile(prefix="huntaze-video-") as source:
        for chunk in blobs.open_stream(key):
            source.write(chunk)
        source.flush()
        command = [ffmpeg, "-nostdin", "-v", "error", "-i", source.name]
        command += ["-frames:v", "1", "-f", "image2", "-c:v", "png", "pipe:1"]
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=FFMPEG_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired:
            return None
    if done.returncode != 0 or not done.stdout:
        return None
    try:
        with Image.open(io.BytesIO(done.stdout), formats=["PNG"]) as frame:
            frame.load()
            return Thumbnail(
                jpeg=jpeg_thumbnail(frame, max_px), width=frame.width, height=frame.height
            )
    except (UnidentifiedImageError, OSError):
        return None
