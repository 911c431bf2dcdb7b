"""An offering's case notes as the kit reads them: one Evidence per note (all its chunks), and
note counts per title and industry for `GET /v1/offerings`."""

from __future__ import annotations

from collections import Counter

from app.corpus.store import CaseNoteStore, StoredChunk
from app.domain import Evidence
from app.errors import EmptyStoreError, NotFoundError
from app.kit.models import OfferingSummary
from app.retrieve import evidence_from
from app.text import split_sentences


def offering_notes(store: CaseNoteStore, offering: str) -> list[Evidence]:
    """Every note about `offering`, whole: its chunks' text joined (the lead outcome sentence
    each chunk repeats kept once), its facts, its customer described unless publishable."""
    by_note: dict[str, list[StoredChunk]] = {}
    for chunk in store.chunks_of(offering):
        by_note.setdefault(str(chunk.meta["note_id"]), []).append(chunk)
    notes: list[Evidence] = []
    for chunks in by_note.values():
        sentences: list[str] = []
        for chunk in chunks:
            sentences.extend(s for s in split_sentences(chunk.text) if s not in sentences)
        first = chunks[0]
        notes.append(evidence_from(first.id, " ".join(sentences), first.meta, 1.0, "offering"))
    return notes


def resolve(store: CaseNoteStore, product: str) -> str:
    """The store's name for `product` (by name or alias, any case), or NotFoundError listing
    the offerings that have notes."""
    offerings = store.offerings()
    if not offerings:
        raise EmptyStoreError()
    wanted = product.strip().casefold()
    for name, offering in offerings.items():
        if wanted == name.casefold() or wanted in (a.casefold() for a in offering.aliases):
            return name
    known = ", ".join(sorted(offerings))
    raise NotFoundError(f"no case notes about '{product}' in the store; offerings: {known}")


def summarise_offerings(store: CaseNoteStore) -> list[OfferingSummary]:
    """Offerings in the store, with how many notes involve each title and each industry."""
    by_title: dict[str, Counter[str]] = {}
    by_industry: dict[str, Counter[str]] = {}
    for meta in store.note_metadata():
        name = str(meta.get("offering", ""))
        by_title.setdefault(name, Counter()).update(
            t for t in str(meta.get("titles", "")).split(",") if t
        )
        by_industry.setdefault(name, Counter())[str(meta.get("industry", ""))] += 1
    summaries = []
    for name, offering in sorted(store.offerings().items()):
        summaries.append(
            OfferingSummary(
                name=name,
                aliases=list(offering.aliases),
                notes=offering.notes,
                by_title=dict(sorted(by_title.get(name, Counter()).items())),
                by_industry=dict(sorted(by_industry.get(name, Counter()).items())),
            )
        )
    return summaries
