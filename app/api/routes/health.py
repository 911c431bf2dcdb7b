"""GET /healthz (the process answers) and GET /readyz (store and LLM reachable); no key.
Both answer HEAD too, as load balancers probe."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from app import __version__
from app.api.deps import State
from app.api.schemas import Component, Health, Ready
from app.errors import PrimedError

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """Liveness: the server process is up."""
    return Health(version=__version__)


def _check(state: State) -> Ready:
    try:
        chunks = state.services.store.count()
        store = Component(ok=True, detail=f"{chunks} case-note chunks")
    except Exception as exc:  # any failure means "not ready", reported, never raised
        detail = str(exc) if isinstance(exc, PrimedError) else f"{type(exc).__name__}: {exc}"
        store = Component(ok=False, detail=detail[:300])
    settings = state.settings
    probe = state.services.llm_probe
    if not probe.configured:
        llm = Component(ok=False, detail="no LLM configured: rewrites use the grounded engine")
    else:
        reachable = probe.reachable()
        where = settings.llm_base_url or "https://api.openai.com/v1"
        answer = "answering" if reachable else "not answering"
        llm = Component(ok=reachable, detail=f"{settings.llm_model} at {where}: {answer}")
    return Ready(ready=store.ok, store=store, llm=llm, auto_engine="llm" if llm.ok else "grounded")


@router.get("/readyz", response_model=Ready, responses={503: {"model": Ready}})
async def readyz(state: State) -> JSONResponse:
    """Readiness: 200 when the store answers (503 otherwise); which engine `auto` uses now."""
    ready = await run_in_threadpool(_check, state)
    return JSONResponse(ready.model_dump(mode="json"), status_code=200 if ready.ready else 503)


# HEAD, as load balancers probe: the same status, no body (kept out of the OpenAPI document).
@router.head("/healthz", include_in_schema=False)
async def healthz_head() -> Response:
    return Response(status_code=200)


@router.head("/readyz", include_in_schema=False)
async def readyz_head(state: State) -> Response:
    ready = await run_in_threadpool(_check, state)
    return Response(status_code=200 if ready.ready else 503)
