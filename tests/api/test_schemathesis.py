"""schemathesis against the live OpenAPI schema: no 500s, and every response (status code,
content type, headers, body) is what the schema says, for a read-write and a read-only key."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import RO, RW
from tests.api.live import ingest_samples, running, server_env

pytestmark = [pytest.mark.server, pytest.mark.slow]

CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_headers_conformance,response_schema_conformance"
)


@pytest.fixture(scope="module")
def fuzz_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("fuzz-api")
    with running(server_env(folder / "data"), folder / "server.log") as (_, url):
        ingest_samples(url, "fleetwise.jsonl")
        ingest_samples(url, "ps-00*.md")
        yield url


@pytest.mark.parametrize("key", [RW, RO], ids=["read-write", "read-only"])
def test_schemathesis_finds_no_server_errors_or_schema_violations(
    fuzz_url: str, key: str, tmp_path: Path
) -> None:
    schemathesis = Path(sys.executable).with_name("schemathesis")
    result = subprocess.run(
        [
            str(schemathesis),
            "run",
            f"{fuzz_url}/openapi.json",
            "--header",
            f"Authorization: Bearer {key}",
            "--checks",
            CHECKS,
            "--max-examples",
            "25",
            "--workers",
            "1",
            "--request-timeout",
            "120",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=1200,
        cwd=tmp_path,
    )
    report = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, report
    operations = sum(
        len(methods) for methods in httpx.get(f"{fuzz_url}/openapi.json").json()["paths"].values()
    )
    assert operations >= 14 and f"Tested: {operations}" in result.stdout, report
