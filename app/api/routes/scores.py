"""POST /v1/scores: score a rewrite against its source like the guard and evals do."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import Reader, State
from app.api.openapi import READ, errors
from app.api.schemas import ScoreIn
from app.errors import InvalidInputError
from app.scores import ScoreCard

router = APIRouter(prefix="/v1", tags=["scores"])


@router.post("/scores", response_model=ScoreCard, responses={**READ, **errors(400, 413)})
async def create_score(body: ScoreIn, state: State, _caller: Reader) -> ScoreCard:
    """Each measure with its value, threshold, verdict, reason and the offending spans
    (character offsets into `rewrite`), so a UI can highlight them."""
    limit = state.settings.max_copy_chars
    for name in ("source", "rewrite"):
        if len(getattr(body, name)) > limit:
            raise InvalidInputError(
                f"{name} is over the limit of {limit:,} characters (PRIMED_MAX_COPY_CHARS)",
                field=name,
            )
    if body.title is not None:
        profile = state.services.titles.get(body.title)
        known = [g.id for g in profile.goals]
        for index, goal in enumerate(body.goals or []):
            if goal not in known:
                raise InvalidInputError(
                    f"'{goal}' is no {profile.name} goal; choose from: {', '.join(known)}",
                    field=f"goals.{index}",
                )
    elif body.goals:
        raise InvalidInputError("goals need a title: goal ids belong to a title", field="goals")
    return await state.compute(state.services.scorer.score, body)
