"""The FastAPI app: routers, error handlers, middleware and the batch runner's lifecycle."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from app import __version__
from app.api import docs, errors, openapi
from app.api.deps import ApiState, KeyGate
from app.api.limits import BodyLimitMiddleware
from app.api.routes import batches, case_notes, health, kits, rewrites, scores, titles
from app.api.schemas import BatchIn, NotesIn
from app.config import Settings, get_settings

log = logging.getLogger("primed.api")

DESCRIPTION = """Rewrite feature-heavy product copy into the goals, problems and needs of an
executive title, every outcome claim tied to the professional-services case notes it came from.

Send an API key as `Authorization: Bearer <key>` (or `X-API-Key: <key>`) on every route but
`/healthz` and `/readyz`. Read-only keys may score, search and read; read-write keys may do
everything. Errors are always `{"error": {"code", "message", "details", "request_id"}}`."""


def _warm(state: ApiState) -> None:
    """Load the embedder, lexicons and title profiles before the first request needs them."""
    try:
        _ = state.services.pipeline
    except Exception as exc:  # reported by /readyz and by the first request that needs it
        log.warning("warm-up failed: %s", exc)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    state = ApiState(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(_warm, state)
        state.runner.start()
        yield
        await run_in_threadpool(state.close)

    app = FastAPI(
        title="primed",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by app.api.docs, with local assets
        redoc_url=None,
        openapi_url="/openapi.json" if settings.api_docs else None,
    )
    app.state.primed = state
    errors.install(app)
    # Middleware added first runs innermost: the key gate sits inside CORS (so a 401 carries
    # CORS headers and preflights never need a key) and inside the request id.
    app.add_middleware(KeyGate, keys=state.keys)
    if settings.api_cors_origins:
        app.add_middleware(
            errors.JsonCORSMiddleware,
            allow_origins=settings.api_cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    app.add_middleware(BodyLimitMiddleware, limit=settings.api_max_body_bytes)
    app.add_middleware(errors.RequestIdMiddleware)
    for module in (rewrites, scores, batches, kits, case_notes, titles, health):
        app.include_router(module.router)
    openapi.install(app, [BatchIn, NotesIn])
    if settings.api_docs:
        docs.install(app, "/openapi.json")
    return app
