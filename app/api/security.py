"""API keys (stored as SHA-256 hashes, compared in constant time) and per-key rate limits.

`PRIMED_API_KEYS` holds `label:scope:sha256-hex` entries, comma separated. The label names the
caller (keys sharing a label share their batch jobs); the scope is `ro` (scores, search, reads)
or `rw` (everything). Keys are 256-bit random tokens, so a plain SHA-256 is a safe hash for
them: nothing to brute-force, and a leaked settings file holds no usable key.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Literal

from app.errors import PrimedError

Scope = Literal["ro", "rw"]
KEY_PREFIX = "pk_"
_ENTRY = re.compile(r"^(?P<label>[A-Za-z0-9._-]{1,64}):(?P<scope>ro|rw):(?P<digest>[0-9a-f]{64})$")


class ConfigError(PrimedError):
    exit_code = 2
    code = "bad_configuration"


@dataclass(frozen=True)
class ApiKey:
    label: str
    scope: Scope
    digest: bytes


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's label (the tenant) and what it may do."""

    label: str
    scope: Scope
    key_id: str  # the first 12 hex digits of the hash: safe to log, unique enough for limits

    def can_write(self) -> bool:
        return self.scope == "rw"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def parse_keys(raw: str) -> list[ApiKey]:
    """Every entry of PRIMED_API_KEYS; ConfigError naming the bad entry (never echoing it)."""
    keys: list[ApiKey] = []
    for number, entry in enumerate((e.strip() for e in raw.split(",")), start=1):
        if not entry:
            continue
        match = _ENTRY.match(entry)
        if match is None:
            raise ConfigError(
                f"PRIMED_API_KEYS entry {number} is not `label:ro|rw:sha256-hex` "
                "(create one with `primed keys create`)"
            )
        keys.append(
            ApiKey(match["label"], match["scope"], bytes.fromhex(match["digest"]))  # type: ignore[arg-type]
        )
    return keys


class KeyRing:
    def __init__(self, keys: list[ApiKey]) -> None:
        self.keys = keys

    def identify(self, presented: str) -> Principal | None:
        """The key's principal, or None. Every stored hash is compared, each in constant time,
        so timing tells nothing about which key (or how much of one) matched."""
        digest = hashlib.sha256(presented.encode("utf-8", "surrogateescape")).digest()
        found: ApiKey | None = None
        for key in self.keys:
            if hmac.compare_digest(digest, key.digest):
                found = key
        if found is None:
            return None
        return Principal(found.label, found.scope, found.digest.hex()[:12])


class RateLimiter:
    """A token bucket per key: `burst` requests at once, refilled at `per_minute` per minute.

    Kept rather than `limits` (issue 14): its in-memory strategies are fixed, moving and sliding
    windows of one "N per period", with no token bucket, so PRIMED_API_RATE_BURST and
    PRIMED_API_RATE_PER_MINUTE could not keep their meaning; this is 15 lines under one lock,
    with the seconds to wait for Retry-After, tested in tests/api/test_security.py.
    """

    def __init__(self, per_minute: int, burst: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, key_id: str) -> int:
        """0 when the request may go ahead, else the seconds to wait (for Retry-After)."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key_id, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key_id] = (tokens - 1.0, now)
                return 0
            self._buckets[key_id] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self.rate))
