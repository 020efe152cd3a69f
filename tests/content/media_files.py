"""Media files for the vault's tests, made on the spot."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

from PIL import Image


def picture(fmt: str = "PNG", size: tuple[int, int] = (120, 80), seed: int = 0) -> bytes:
    """A small picture in ``fmt`` whose pixels depend on ``seed`` (different seeds: different
    files)."""
    image = Image.new("RGB", size)
    image.putdata(
        [
            ((x * 7 + seed) % 256, (y * 5) % 256, (x + y + seed) % 256)
            for y in range(size[1])
            for x in range(size[0])
        ]
    )
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def mp4(size: int = 4096) -> bytes:
    """The start of an MP4 file (an ``ftyp`` box) followed by ``size`` bytes of data."""
    return b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(range(256)) * (size // 256)


FFMPEG = shutil.which("ffmpeg")


def real_video(folder: Path) -> bytes:
    """One second of ffmpeg's test pattern as an MP4 (160×120); needs ffmpeg."""
    assert FFMPEG is not None
    out = folder / "pattern.mp4"
    pattern = ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "1"]
    subprocess.run(
        [FFMPEG, "-nostdin", "-v", "error", *pattern, "-c:v", "mpeg4", "-y", str(out)],
        check=True,
        timeout=60,
    )
    return out.read_bytes()
