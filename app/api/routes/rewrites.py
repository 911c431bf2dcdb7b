"""POST /v1/rewrites: feature-heavy copy in, outcome copy for one title out."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import State, Writer
from app.api.openapi import WRITE, errors
from app.api.schemas import RewriteIn
from app.domain import Rewrite

router = APIRouter(prefix="/v1", tags=["rewrites"])


@router.post("/rewrites", response_model=Rewrite, responses={**WRITE, **errors(409, 503)})
async def create_rewrite(body: RewriteIn, state: State, _caller: Writer) -> Rewrite:
    """Rewrite the copy for the title: every outcome claim cites the case notes behind it,
    and the scorecard says how much jargon is left, whether it is grounded and how well it
    speaks to the title. `engine` and `model` say what wrote it; `warnings` any fallback."""
    return await state.compute(state.services.pipeline.rewrite, body)
