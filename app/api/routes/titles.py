"""GET /v1/titles: the executive titles primed writes for, with their goals."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import Reader, State
from app.api.openapi import READ
from app.domain import TitleProfile

router = APIRouter(prefix="/v1", tags=["titles"])


@router.get("/titles", response_model=list[TitleProfile], responses=READ)
def list_titles(state: State, _caller: Reader) -> list[TitleProfile]:
    """Every title profile: aliases, goals, problems and needs, and the words that lose them."""
    return list(state.services.titles)
