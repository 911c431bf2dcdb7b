"""Keys are parsed from hash entries, matched by hash, and rate limited per key."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.api.security import ConfigError, KeyRing, RateLimiter, hash_key, new_key, parse_keys
from tests.api.conftest import KEYS, RO, RW, api_settings, auth


def test_keys_are_configured_as_hashes_and_never_as_keys() -> None:
    ring = KeyRing(parse_keys(KEYS))
    assert RW not in KEYS and hash_key(RW) in KEYS
    principal = ring.identify(RW)
    assert principal is not None and principal.label == "acme" and principal.can_write()
    read_only = ring.identify(RO)
    assert read_only is not None and not read_only.can_write()
    assert ring.identify(hash_key(RW)) is None  # the stored hash is not itself a key


def test_a_malformed_key_entry_is_named_without_echoing_it() -> None:
    secret_looking = "acme:admin:" + "a" * 64
    with pytest.raises(ConfigError) as caught:
        parse_keys(f"{KEYS},{secret_looking}")
    assert "entry 4" in str(caught.value) and secret_looking not in str(caught.value)


def test_new_keys_are_long_random_tokens() -> None:
    first, second = new_key(), new_key()
    assert first != second and first.startswith("pk_") and len(first) >= 40


def test_server_refuses_to_start_without_keys(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no API keys configured"):
        create_app(api_settings(tmp_path, api_keys=""))


def test_rate_limiter_allows_a_burst_then_names_the_wait() -> None:
    limiter = RateLimiter(per_minute=6, burst=3)
    assert [limiter.acquire("k") for _ in range(3)] == [0, 0, 0]
    # The bucket is empty and refills at 6/min (one token per 10 s): the wait is 10 s.
    assert limiter.acquire("k") == 10
    assert limiter.acquire("other") == 0  # buckets are per key


def test_over_the_rate_limit_is_429_with_retry_after(tmp_path: Path) -> None:
    settings = api_settings(tmp_path, api_rate_per_minute=2, api_rate_burst=2)
    with TestClient(create_app(settings)) as client:
        codes = [client.get("/v1/titles", headers=auth(RW)).status_code for _ in range(3)]
        limited = client.get("/v1/titles", headers=auth(RW))
        other_key = client.get("/v1/titles", headers=auth(RO))
    assert codes[:2] == [200, 200] and limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["error"]["code"] == "rate_limited"
    assert other_key.status_code == 200
