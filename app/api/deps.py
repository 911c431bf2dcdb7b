"""What routes depend on: the per-process state (with its compute threads) and the caller's key."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property, partial
from typing import Annotated, ParamSpec, TypeVar

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.jobs import JobStore
from app.api.runner import JobRunner
from app.api.security import ConfigError, KeyRing, Principal, RateLimiter, parse_keys
from app.config import Settings
from app.errors import AuthError, ForbiddenError, PrimedError, RateLimitedError
from app.services import Services

P = ParamSpec("P")
T = TypeVar("T")


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
        self.services = Services(settings, long_lived=True)
        self.keys = KeyRing(keys)
        self.limiter = RateLimiter(settings.api_rate_per_minute, settings.api_rate_burst)
        # Rewrites, scores, searches and ingests are CPU bound: a few dedicated threads do them
        # and other requests wait as coroutines, holding no thread, so cheap routes stay quick
        # under load and the heavy allocations stay in a few threads (and malloc arenas).
        self._compute = ThreadPoolExecutor(
            max_workers=settings.api_concurrency, thread_name_prefix="primed-compute"
        )

    @cached_property
    def jobs(self) -> JobStore:
        return JobStore(self.settings.jobs_dir)

    @cached_property
    def runner(self) -> JobRunner:
        return JobRunner(self.jobs, self.services, self.settings.api_batch_workers)

    async def compute(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run CPU-bound work on the compute threads and wait for it without blocking."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._compute, partial(fn, *args, **kwargs))

    def close(self) -> None:
        self.runner.stop()
        self._compute.shutdown(wait=False, cancel_futures=True)


def get_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.primed
    return state


State = Annotated[ApiState, Depends(get_state)]

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <API key>")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The API key")


def identify(keys: KeyRing, presented: str | None) -> Principal:
    """The caller of a presented key: AuthError (401) without one, ForbiddenError (403) for a
    key the server does not know."""
    if not presented:
        raise AuthError("no API key: send `Authorization: Bearer <key>` or `X-API-Key: <key>`")
    principal = keys.identify(presented)
    if principal is None:
        raise ForbiddenError("this API key is not valid", code="invalid_api_key")
    return principal


class KeyGate:
    """Answers 401/403 to a /v1 request without a valid key before anything reads its body:
    without a key nobody makes the server read or parse up to PRIMED_API_MAX_BODY_BYTES.
    (FastAPI reads and parses a route's body before it runs the route's dependencies.) The
    `authenticate` dependency then checks the same key again and applies the rate limit."""

    def __init__(self, app: ASGIApp, keys: KeyRing, prefix: str = "/v1/") -> None:
        self.app = app
        self.keys = keys
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        scheme, credentials = get_authorization_scheme_param(headers.get("authorization"))
        # An empty "Bearer " (a client template with no key filled in) does not hide X-API-Key.
        bearer = credentials if scheme.lower() == "bearer" else ""
        presented = bearer or headers.get("x-api-key")
        try:
            identify(self.keys, presented)
        except PrimedError as exc:
            from app.api.errors import on_primed_error

            response = await on_primed_error(Request(scope), exc)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def authenticate(
    state: State,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header: Annotated[str | None, Depends(_header)],
) -> Principal:
    principal = identify(state.keys, bearer.credentials if bearer is not None else header)
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
