"""/v1/batches: asynchronous batch rewrites (documents x titles) with progress and results."""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, cast

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from app.api.deps import ApiState, Reader, State, Writer
from app.api.jobs import Upload
from app.api.openapi import READ, WRITE, errors, files_form, json_or_multipart
from app.api.schemas import BatchIn, BatchJob, BatchResult, BatchResults
from app.api.uploads import FilePart, form_parts, is_multipart, json_body, list_field, safe_name
from app.batch import ManifestLine
from app.documents import CONVERTED_SUFFIXES, TEXT_SUFFIXES
from app.domain import Rewrite
from app.engines.base import ENGINE_CHOICES, EngineName
from app.errors import ConflictError, EmptyStoreError, InvalidInputError

router = APIRouter(prefix="/v1/batches", tags=["batches"])

TEXT_TYPES = sorted(s for s in TEXT_SUFFIXES | {".html", ".htm"} if s)
FILE_TYPES = sorted(s for s in TEXT_SUFFIXES | CONVERTED_SUFFIXES if s)
MULTIPART = files_form(
    {
        "titles": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
        "engine": {"type": "string", "enum": list(ENGINE_CHOICES)},
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
    if any(len(title) > 100 for title in given):
        raise InvalidInputError("a title is over 100 characters", "titles")
    ids = [p.id for p in state.services.titles.get_many(given)]
    if len(ids) > state.settings.api_max_titles:
        raise InvalidInputError(
            f"{len(ids)} titles; the limit is {state.settings.api_max_titles}", "titles"
        )
    return ids


@router.post(
    "",
    status_code=202,
    response_model=BatchJob,
    responses={**WRITE, **errors(409, 503)},
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
        if engine_field not in ENGINE_CHOICES:
            raise InvalidInputError(f"unknown engine '{engine_field[:40]}'", "engine")
        engine = cast(EngineName, engine_field)
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
    if await run_in_threadpool(state.services.store.count) == 0:
        raise EmptyStoreError()  # every unit would fail: say so now, not in each result
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


@dataclass(frozen=True)
class Unit:
    """A finished unit as the manifest records it, with the client's document name."""

    index: int
    document: str
    title: str
    line: ManifestLine

    def result(self, out_dir: Path, with_rewrite: bool) -> BatchResult:
        rewrite = None
        json_out = next((o for o in self.line.outputs if o.endswith(".json")), None)
        if with_rewrite and self.line.status == "ok" and json_out is not None:
            data = json.loads((out_dir / json_out).read_text(encoding="utf-8"))
            rewrite = Rewrite.model_validate(data["rewrite"])
        return BatchResult(
            index=self.index,
            document=self.document,
            title=self.title,
            status="ok" if self.line.status == "ok" else "failed",
            # The client's name for the document, not the name it is stored under.
            error=self.line.error and self.line.error.replace(self.line.input, self.document),
            rewrite=rewrite,
        )


def _units(
    state: ApiState, job_id: str, titles: list[str], lines: dict[tuple[str, str], ManifestLine]
) -> list[Unit]:
    """Finished units by document, then title (as the job lists them)."""
    documents = state.jobs.documents(job_id)
    order = {title: n for n, title in enumerate(titles)}
    units = [
        Unit(*documents.get(stored, (-1, stored)), title, line)
        for (stored, title), line in lines.items()
    ]
    return sorted(units, key=lambda unit: (unit.index, order.get(unit.title, len(order))))


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
    lines = state.jobs.lines(job_id)  # read the manifest once for the units and the status
    units = _units(state, job_id, record.titles, lines)
    out_dir = state.jobs.folder(job_id) / "out"
    if format == "zip":
        archive = _zip(out_dir, units)
        return FileResponse(
            archive,
            media_type="application/zip",
            filename=f"primed-{job_id}.zip",
            background=BackgroundTask(archive.unlink, missing_ok=True),
        )
    return BatchResults(
        job=state.jobs.view(record, lines),
        total=len(units),
        offset=offset,
        results=[unit.result(out_dir, True) for unit in units[offset : offset + limit]],
    )


def _zip(out_dir: Path, units: list[Unit]) -> Path:
    """Every output in a zip file beside the outputs (streamed, then removed)."""
    handle, name = tempfile.mkstemp(dir=out_dir.parent, prefix=".results-", suffix=".zip")
    with (
        os.fdopen(handle, "wb") as stream,
        zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for unit in units:
            stem = f"{unit.index:04d}-{safe_name(unit.document)}.{unit.title}"
            if unit.line.status != "ok":
                archive.writestr(f"{stem}.error.txt", (unit.line.error or "failed") + "\n")
            for output in unit.line.outputs:
                extension = output.rsplit(".", 1)[-1]
                archive.write(out_dir / output, f"{stem}.{extension}")
    return Path(name)
