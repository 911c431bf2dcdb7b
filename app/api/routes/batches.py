"""/v1/batches: asynchronous batch rewrites (documents x titles) with progress and results."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from app.api.deps import ApiState, Reader, State, Writer
from app.api.jobs import Upload
from app.api.openapi import READ, WRITE, errors, files_form, json_or_multipart
from app.api.schemas import BatchIn, BatchJob, BatchResult, BatchResults, EngineName
from app.api.uploads import FilePart, form_parts, is_multipart, json_body, list_field, safe_name
from app.documents import CONVERTED_SUFFIXES, TEXT_SUFFIXES
from app.domain import Rewrite
from app.errors import ConflictError, InvalidInputError

router = APIRouter(prefix="/v1/batches", tags=["batches"])

TEXT_TYPES = sorted(s for s in TEXT_SUFFIXES | {".html", ".htm"} if s)
FILE_TYPES = sorted(s for s in TEXT_SUFFIXES | CONVERTED_SUFFIXES if s)
MULTIPART = files_form(
    {
        "titles": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
        "engine": {"type": "string", "enum": ["auto", "grounded", "llm", "naive"]},
    },
    ["titles"],
)


def _uploads(parts: list[FilePart], allowed: list[str], field: str) -> list[Upload]:
    uploads = []
    for index, part in enumerate(parts):
        suffix = part.suffix or ".txt"
        if suffix not in allowed:
            raise InvalidInputError(
                f"{part.name}: unsupported file type '{suffix}' (use {', '.join(allowed)})",
                field=f"{field}.{index}",
            )
        if not part.content.strip():
            raise InvalidInputError(f"{part.name}: the document is empty", f"{field}.{index}")
        uploads.append(Upload(part.name, suffix, part.content))
    return uploads


def _titles(state: ApiState, given: list[str]) -> list[str]:
    if not given:
        raise InvalidInputError("no titles: name at least one executive title", "titles")
    ids = list(dict.fromkeys(state.services.titles.get(title).id for title in given))
    if len(ids) > state.settings.api_max_titles:
        raise InvalidInputError(
            f"{len(ids)} titles; the limit is {state.settings.api_max_titles}", "titles"
        )
    return ids


@router.post(
    "",
    status_code=202,
    response_model=BatchJob,
    responses=WRITE,
    openapi_extra=json_or_multipart(BatchIn, MULTIPART),
)
async def create_batch(request: Request, state: State, caller: Writer) -> BatchJob:
    """Start a batch job: every document rewritten for every title, in the background.
    JSON `{documents: [{name, content}], titles, engine}` (md, txt or html text), or multipart
    `files` (md, txt, html, pdf, docx) with `titles` fields. Poll `GET /v1/batches/{id}`."""
    settings = state.settings
    limit = settings.api_max_documents
    engine: EngineName
    if is_multipart(request):
        parts, fields = await form_parts(request, limit, settings.api_max_upload_bytes)
        uploads = _uploads(parts, FILE_TYPES, "files")
        titles = list_field(fields, "titles")
        engine_field = (fields.get("engine") or ["auto"])[-1]
        if engine_field not in ("auto", "grounded", "llm", "naive"):
            raise InvalidInputError(f"unknown engine '{engine_field[:40]}'", "engine")
        engine = engine_field  # type: ignore[assignment]
    else:
        body = await json_body(request, BatchIn)
        parts = [FilePart(d.name, d.content.encode("utf-8")) for d in body.documents]
        for index, part in enumerate(parts):
            if len(part.content) > settings.api_max_upload_bytes:
                raise InvalidInputError(
                    f"{part.name}: over the per-document limit of "
                    f"{settings.api_max_upload_bytes:,} bytes",
                    f"documents.{index}.content",
                )
        uploads = _uploads(parts, TEXT_TYPES, "documents")
        titles, engine = body.titles, body.engine
    if len(uploads) > limit:
        raise InvalidInputError(
            f"{len(uploads)} documents; the limit is {limit} per batch (PRIMED_API_MAX_DOCUMENTS)",
            "documents",
        )
    title_ids = _titles(state, titles)
    job_id = await run_in_threadpool(state.jobs.create, caller.label, engine, title_ids, uploads)
    state.runner.submit(job_id)
    return state.jobs.view(state.jobs.get(job_id))


@router.get("/{job_id}", response_model=BatchJob, responses={**READ, **errors(404)})
def get_batch(job_id: str, state: State, caller: Reader) -> BatchJob:
    """Status and progress: `done` of `units` finished, `failed` among them."""
    return state.jobs.view(state.jobs.get(job_id, caller.label))


@router.delete(
    "/{job_id}", status_code=202, response_model=BatchJob, responses={**WRITE, **errors(404, 409)}
)
def cancel_batch(job_id: str, state: State, caller: Writer) -> BatchJob:
    """Cancel: a queued job stops at once; a running one after the units in flight finish.
    Results finished before the cancel stay available."""
    record = state.jobs.get(job_id, caller.label)
    if record.status not in ("queued", "running"):
        raise ConflictError(f"batch job {job_id} has already ended ({record.status})")
    state.jobs.request_cancel(job_id)
    return state.jobs.view(state.jobs.get(job_id))


def _results(state: ApiState, job_id: str) -> list[tuple[BatchResult, list[str]]]:
    folder = state.jobs.folder(job_id) / "out"
    documents = state.jobs.documents(job_id)
    titles = state.jobs.get(job_id).titles
    found = []
    for (stored, title), line in state.jobs.lines(job_id).items():
        index, name = documents.get(stored, (-1, stored))
        rewrite = None
        if line.status == "ok":
            json_out = next((o for o in line.outputs if o.endswith(".json")), None)
            if json_out is not None:
                data = json.loads((folder / json_out).read_text(encoding="utf-8"))
                rewrite = Rewrite.model_validate(data["rewrite"])
        result = BatchResult(
            index=index,
            document=name,
            title=title,
            status="ok" if line.status == "ok" else "failed",
            error=line.error,
            rewrite=rewrite,
        )
        found.append((result, line.outputs))
    order = {title: n for n, title in enumerate(titles)}
    found.sort(key=lambda pair: (pair[0].index, order.get(pair[0].title, 99)))
    return found


@router.get(
    "/{job_id}/results",
    response_model=BatchResults,
    responses={
        **READ,
        **errors(404),
        200: {
            "description": "JSON results, or with `format=zip` a zip of every output file.",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        },
    },
)
def batch_results(
    job_id: str,
    state: State,
    caller: Reader,
    format: Annotated[Literal["json", "zip"], Query(description="json or zip")] = "json",
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response | BatchResults:
    """Finished units so far (all of them once the job is done), by document then title."""
    record = state.jobs.get(job_id, caller.label)
    found = _results(state, job_id)
    if format == "zip":
        return Response(
            _zip(state, job_id, found),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="primed-{job_id}.zip"'},
        )
    return BatchResults(
        job=state.jobs.view(record),
        total=len(found),
        offset=offset,
        results=[result for result, _ in found[offset : offset + limit]],
    )


def _zip(state: ApiState, job_id: str, found: list[tuple[BatchResult, list[str]]]) -> bytes:
    folder = state.jobs.folder(job_id) / "out"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for result, outputs in found:
            stem = f"{result.index:04d}-{safe_name(result.document)}.{result.title}"
            if result.status != "ok":
                archive.writestr(f"{stem}.error.txt", (result.error or "failed") + "\n")
            for output in outputs:
                extension = output.rsplit(".", 1)[-1]
                archive.write(folder / output, f"{stem}.{extension}")
    return buffer.getvalue()
