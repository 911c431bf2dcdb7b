"""Against a real `primed serve` on 127.0.0.1 (no LLM needed): the key is checked before the
body is read, and the docs pages load nothing from outside."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.api.live import running, server_env

pytestmark = [pytest.mark.server, pytest.mark.slow]


@pytest.fixture(scope="module")
def plain_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("live-gate")
    with running(server_env(folder / "data"), folder / "server.log") as (_, url):
        yield url


def first_response_line(url: str, request: bytes) -> bytes:
    """Send `request` (headers and only the start of a body) and read the first answer."""
    where = urlsplit(url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as sock:
        sock.sendall(request)
        sock.settimeout(10)
        try:
            return sock.recv(65536).split(b"\r\n", 1)[0]
        except TimeoutError:
            return b"(no answer: the server is waiting for the rest of the body)"


@pytest.mark.parametrize(("key", "status"), [(b"", b"401"), (b"X-API-Key: pk_guess\r\n", b"403")])
def test_without_a_valid_key_the_answer_comes_before_the_body(
    plain_url: str, key: bytes, status: bytes
) -> None:
    # 20 MB declared (under the body limit), one byte sent: only an answer that does not wait
    # for the body can arrive.
    request = (
        b"POST /v1/rewrites HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + key
        + b"Content-Length: 20000000\r\n\r\n{"
    )
    assert (
        first_response_line(plain_url, request)
        == b"HTTP/1.1 "
        + status
        + b" "
        + {
            b"401": b"Unauthorized",
            b"403": b"Forbidden",
        }[status]
    )


def test_docs_load_only_from_the_server_itself(plain_url: str) -> None:
    html = httpx.get(f"{plain_url}/docs", timeout=10).text
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*['"]([^'"]+)['"]""", html)
    paths = [a or b for a, b in assets]
    assert paths and all(p.startswith("/") and not p.startswith("//") for p in paths), paths
    for path in paths:
        assert httpx.get(f"{plain_url}{path}", timeout=10).status_code == 200, path
