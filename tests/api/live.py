"""Helpers for tests against a real `primed serve` process on 127.0.0.1."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.api.conftest import KEYS, RW, auth
from tests.conftest import CASE_NOTES
from tests.servers import start_api, stop


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "PRIMED_DATA_DIR": str(data_dir),
        "PRIMED_API_KEYS": KEYS,
        "PRIMED_API_RATE_PER_MINUTE": "100000",
        "PRIMED_API_RATE_BURST": "10000",
        **extra,
    }


@contextmanager
def running(
    env: dict[str, str], log: Path, port: int | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    process, url = start_api(env, log, port)
    try:
        yield process, url
    finally:
        if process.poll() is None:
            stop(process)


def ingest_samples(url: str, pattern: str = "*") -> dict[str, object]:
    """Upload sample case-note files through the API itself."""
    files = [
        ("files", (path.name, path.read_bytes(), "application/octet-stream"))
        for path in sorted(CASE_NOTES.glob(pattern))
    ]
    response = httpx.post(f"{url}/v1/case-notes", headers=auth(RW), files=files, timeout=300)
    response.raise_for_status()
    summary: dict[str, object] = response.json()
    assert not summary["errors"], summary["errors"]
    return summary
