"""POST /v1/kits: the messaging kit for an offering; GET /v1/offerings: what the store holds."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import Reader, State, Writer
from app.api.openapi import READ, WRITE, errors
from app.api.schemas import KitIn
from app.kit.models import Kit, OfferingSummary
from app.kit.notes import summarise_offerings
from app.kit.service import make_kit

router = APIRouter(prefix="/v1", tags=["kits"])


@router.post("/kits", response_model=Kit, responses={**WRITE, **errors(404, 409, 503)})
async def create_kit(body: KitIn, state: State, _caller: Writer) -> Kit:
    """The sales-primed messaging kit for one offering: the conversation list (title x goal:
    notes behind it, the best cited result, gaps), and per title a summary, diagnostic
    questions, usage scenarios and success stories. Every result line carries the note
    sentences it rests on; confidential customers are only described. 404: no notes about
    the offering (the message lists those with notes)."""
    return await state.compute(make_kit, state.services, body)


@router.get("/offerings", response_model=list[OfferingSummary], responses={**READ, **errors(503)})
async def list_offerings(state: State, _caller: Reader) -> list[OfferingSummary]:
    """Offerings with case notes in the store, with note counts per title and industry."""
    return await state.compute(summarise_offerings, state.services.store)
