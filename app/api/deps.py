"""What routes depend on: the per-process state, the caller's key, and the CPU gate."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from app.api.jobs import JobStore
from app.api.runner import JobRunner
from app.api.security import ConfigError, KeyRing, Principal, RateLimiter, parse_keys
from app.config import Settings
from app.errors import AuthError, ForbiddenError, RateLimitedError
from app.services import Services


class ApiState:
    """Built once per server process (never at import): services, keys, limits, jobs."""

    def __init__(self, settings: Settings) -> None:
        keys = parse_keys(settings.api_keys)
        if not keys:
            raise ConfigError(
                "no API keys configured: create one with `primed keys create` and put the "
                "printed entry in PRIMED_API_KEYS"
            )
        self.settings = settings
        self.services = Services(settings)
        self.keys = KeyRing(keys)
        self.limiter = RateLimiter(settings.api_rate_per_minute, settings.api_rate_burst)
        # Rewrites, scores and embeddings are CPU bound: more at once only thrashes the cores.
        self._gate = threading.BoundedSemaphore(settings.api_concurrency)

    @cached_property
    def jobs(self) -> JobStore:
        return JobStore(self.settings.jobs_dir)

    @cached_property
    def runner(self) -> JobRunner:
        return JobRunner(self.jobs, self.services, self.settings.api_batch_workers)

    @contextmanager
    def gate(self) -> Iterator[None]:
        with self._gate:
            yield


def get_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.primed
    return state


State = Annotated[ApiState, Depends(get_state)]

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <API key>")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The API key")


def authenticate(
    state: State,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header: Annotated[str | None, Depends(_header)],
) -> Principal:
    presented = bearer.credentials if bearer is not None else header
    if not presented:
        raise AuthError("no API key: send `Authorization: Bearer <key>` or `X-API-Key: <key>`")
    principal = state.keys.identify(presented)
    if principal is None:
        raise ForbiddenError("this API key is not valid", code="invalid_api_key")
    wait = state.limiter.acquire(principal.key_id)
    if wait:
        raise RateLimitedError(wait)
    return principal


def require_write(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    if not principal.can_write():
        raise ForbiddenError(
            "this API key is read-only (scores, search, reads); this route needs a read-write key",
            code="read_only_key",
        )
    return principal


Reader = Annotated[Principal, Depends(authenticate)]
Writer = Annotated[Principal, Depends(require_write)]
