"""/v1/case-notes: ingest (JSON or files), search for evidence, delete a note."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.exceptions import RequestValidationError

from app.api.deps import ApiState, Reader, State, Writer
from app.api.openapi import READ, WRITE, errors, files_form, json_or_multipart
from app.api.schemas import NoteDeleted, NotesIn, SearchHit
from app.api.uploads import form_parts, is_multipart, json_body
from app.corpus.ingest import IngestSummary, ingest_loaded, title_check
from app.corpus.loaders import LoadResult, collect, load_uploads
from app.errors import InvalidInputError

router = APIRouter(prefix="/v1/case-notes", tags=["case notes"])

MULTIPART = files_form({}, [])
NOTE_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


def _ingest(state: ApiState, loaded: LoadResult) -> IngestSummary:
    summary = ingest_loaded(loaded, state.services.store, state.services.titles)
    if summary.errors and not summary.notes:
        raise InvalidInputError(
            f"no case note could be ingested ({len(summary.errors)} bad records)",
            problems=[_split(error) for error in summary.errors],
        )
    return summary


def _check_json_notes(state: ApiState, body: NotesIn) -> None:
    """JSON notes are all or nothing: an unknown title or an id given twice fails the whole
    request (422 naming `notes.N.field`) before anything is written."""
    problems: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for index, note in enumerate(body.notes):
        if note.id in seen:
            problems.append(
                {
                    "loc": ("body", "notes", index, "id"),
                    "msg": f"duplicate id '{note.id}' (also notes.{seen[note.id]})",
                    "type": "duplicate_id",
                }
            )
        seen.setdefault(note.id, index)
        for position, title in enumerate(note.titles):
            try:
                state.services.titles.get(title)
            except InvalidInputError as exc:  # unknown, or over the length limit
                loc = ("body", "notes", index, "titles", position)
                problems.append({"loc": loc, "msg": str(exc), "type": "unknown_title"})
    if problems:
        raise RequestValidationError(problems)


def _split(error: str) -> tuple[str, str]:
    """'notes.json:line 3: industry: ...' -> ('notes.json:line 3', 'industry: ...')."""
    where, _, what = error.partition(": ")
    return (where, what) if what else ("", error)


@router.post(
    "",
    response_model=IngestSummary,
    responses={**WRITE, **errors(503)},
    openapi_extra=json_or_multipart(NotesIn, MULTIPART),
)
async def ingest_notes(request: Request, state: State, _caller: Writer) -> IngestSummary:
    """Ingest case notes: a JSON body `{notes: [...]}`, or multipart `files` (.md with front
    matter, .jsonl, .csv). Unchanged notes are skipped and changed ones replaced. JSON is all
    or nothing: any bad note (a bad field, an unknown title, an id given twice) is a 422 naming
    `notes.N.field` and nothing is ingested. Files are loaded like `primed ingest`: bad records
    are listed in `errors` while the good ones are ingested; 422 when none was good."""
    settings = state.settings
    if is_multipart(request):
        files, _ = await form_parts(
            request, settings.api_max_documents, settings.api_max_upload_bytes
        )
        check = title_check(state.services.titles)
        loaded = load_uploads(((f.name, f.content) for f in files), check)
    else:
        body = await json_body(request, NotesIn)
        _check_json_notes(state, body)
        loaded = collect(
            [[(note, f"notes.{i}") for i, note in enumerate(body.notes)]], LoadResult()
        )
    return await state.compute(_ingest, state, loaded)


@router.get("/search", response_model=list[SearchHit], responses={**READ, **errors(409, 503)})
async def search_notes(
    state: State,
    _caller: Reader,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="A feature or outcome.")],
    title: Annotated[str, Query(min_length=1, max_length=100, description="Executive title.")],
    industry: Annotated[
        str | None, Query(max_length=64, description="Prefer this industry.")
    ] = None,
    k: Annotated[
        int | None,
        Query(ge=1, le=50, description="How many notes (default: PRIMED_RETRIEVE_K, 3)."),
    ] = None,
) -> list[SearchHit]:
    """Case-note evidence for a feature, best first, one chunk per note, preferring notes for
    this title and industry (`filter` says which rung found it)."""
    if not any(c.isalnum() for c in q):  # blank, NULs, zero-width spaces: nothing to search
        raise InvalidInputError(
            "q has no words: give a feature or outcome to search for", "query.q"
        )
    retrieve = state.services.retriever.retrieve
    found = await state.compute(retrieve, q, title, industry, k or state.settings.retrieve_k)
    return [SearchHit.of(evidence) for evidence in found]


@router.delete("/{note_id}", response_model=NoteDeleted, responses={**WRITE, **errors(404, 503)})
def delete_note(
    state: State,
    _caller: Writer,
    note_id: Annotated[
        str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    ],
) -> NoteDeleted:
    """Remove a case note and all its chunks."""
    return NoteDeleted(note_id=note_id, chunks_deleted=state.services.store.delete_note(note_id))
