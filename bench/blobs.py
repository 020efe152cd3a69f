"""Blob storage: upload throughput and peak memory for one large file, local directory and S3.

Run with ``.venv/bin/python -m bench.blobs`` (``--mib N`` for another size; 500 by default). Each
case runs in a fresh child process so that its peak memory (``ru_maxrss``) is its own; the
baseline is a plain ``shutil.copyfile`` of the same file in the same run. The S3 case talks to
moto's S3-compatible server on loopback over HTTP (its own process: its memory is not counted).
Results go to the ``blobs`` section of docs/benchmarks.md (DESIGN.md §4 "blob storage").
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console

from bench.report import write_section

CHUNK = 1024 * 1024


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(case: str, source: Path, workdir: Path, endpoint: str) -> dict[str, float]:
    """One upload in this process: seconds and peak RSS before and after."""
    from huntaze.storage.blobs import LocalBlobStore

    store: object
    if case == "copy":
        started_rss = _rss_mib()
        started = time.perf_counter()
        shutil.copyfile(source, workdir / "copy.bin")
        seconds = time.perf_counter() - started
    else:
        if case == "s3":
            import boto3

            from huntaze.storage.s3 import S3BlobStore

            client = boto3.client(
                "s3",
                endpoint_url=endpoint,
                region_name="us-east-1",
                aws_access_key_id="bench",
                aws_secret_access_key="bench",
            )
            client.create_bucket(Bucket="bench")
            store = S3BlobStore(client, "bench")
        else:
            store = LocalBlobStore(workdir / "blobs")
        started_rss = _rss_mib()
        started = time.perf_counter()
        store.put_stream(  # type: ignore[attr-defined]
            "vault/big.bin", _file_chunks(source), content_type="application/octet-stream"
        )
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "rss_before_mib": started_rss, "rss_peak_mib": _rss_mib()}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_s3() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    server = Path(sys.executable).parent / "moto_server"
    process = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the local S3 server did not start")


def main(argv: list[str] | None = None) -> None:
    """Measure, print and record the results."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=500)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv if argv is not None else [])
    if args.case:
        result = run_case(args.case, Path(args.source), Path(args.workdir), args.endpoint)
        print(json.dumps(result))
        return
    console = Console()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "source.bin"
        with source.open("wb") as handle:
            block = bytes(range(256)) * (CHUNK // 256)
            for _ in range(args.mib):
                handle.write(block)
        s3_process, endpoint = _start_s3()
        try:
            for case in ("copy", "local", "s3"):
                workdir = Path(tmp) / case
                workdir.mkdir()
                console.print(f"{case}: uploading {args.mib} MiB …")
                out = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "bench.blobs",
                        "--case",
                        case,
                        "--source",
                        str(source),
                        "--workdir",
                        str(workdir),
                        "--endpoint",
                        endpoint,
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                results[case] = json.loads(out.strip().splitlines()[-1])
                shutil.rmtree(workdir)
        finally:
            s3_process.terminate()
            s3_process.wait(timeout=30)
    labels = {
        "copy": "baseline: `shutil.copyfile` on the same disk",
        "local": "`LocalBlobStore.put_stream` (1 MiB chunks)",
        "s3": "`S3BlobStore.put_stream` to a local S3 server (8 MiB parts)",
    }
    rows = "".join(
        f"| {labels[case]} | {args.mib / r['seconds']:,.0f} | {r['seconds']:.2f} | "
        f"{r['rss_peak_mib'] - r['rss_before_mib']:,.0f} |\n"
        for case, r in results.items()
    )
    body = (
        f"One {args.mib} MiB file uploaded from disk as a stream; each case in a fresh process, "
        "growth of its peak RSS during the upload. The S3 server is moto's, on loopback (its "
        "own memory not counted).\n\n"
        "| what | MiB/s | seconds | peak RSS growth (MiB) |\n|---|---:|---:|---:|\n"
        f"{rows}\n"
        "Target: memory stays flat (growth independent of the file's size)."
    )
    console.print(body)
    console.print(f"written to {write_section('blobs', 'Blob storage uploads', body)}")


if __name__ == "__main__":
    main(sys.argv[1:])
