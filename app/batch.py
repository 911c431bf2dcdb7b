"""Batch rewrites: a folder of datasheets in, a folder of rewrites out, resumable after a crash.

The work unit is one input file x one title (`BatchItem`): absolute path, content hash, title
and deterministic output names, so the same unit runs on any worker: threads here, or Ray
actors (app.batch_ray). Workers compute; this process writes. Outputs are written atomically
(temp file + rename) and `manifest.jsonl` gets one flushed, fsynced line per finished unit;
`--resume` skips units the manifest (or an intact output that records the same input hash)
already holds, and redoes units whose input changed.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from app.documents import SUPPORTED_SUFFIXES, read_document
from app.errors import EmptyStoreError, InvalidInputError, PrimedError
from app.files import file_sha256, is_temp_name, write_atomic
from app.pipeline import Pipeline, RewriteRequest

if TYPE_CHECKING:
    from app.batch_exec import UnitExecutor
    from app.corpus.store import CaseNoteStore

MANIFEST = "manifest.jsonl"


class ManifestLine(BaseModel):
    input: str
    sha256: str
    title: str
    engine: str | None = None
    status: str  # ok | failed
    outputs: list[str] = []
    error: str | None = None
    seconds: float = 0.0
    passed: bool | None = None
    failed_measures: list[str] = []
    warnings: int = 0
    finished_at: str = ""


@dataclass(frozen=True)
class BatchItem:
    path: Path  # absolute
    relative: str  # to the input folder, with forward slashes
    sha256: str
    title: str  # canonical title id
    stem: str  # output name without the title and extension

    def outputs(self, out_dir: Path) -> tuple[Path, Path]:
        folder = out_dir / Path(self.relative).parent
        return folder / f"{self.stem}.{self.title}.md", folder / f"{self.stem}.{self.title}.json"


def scan(in_dir: Path) -> list[Path]:
    """Every file below `in_dir` (sorted, hidden files and our own outputs left out)."""
    if not in_dir.is_dir():
        raise InvalidInputError(f"{in_dir}: not a folder")
    return sorted(
        p
        for p in in_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(in_dir).parts)
    )


def output_stems(paths: list[Path]) -> dict[Path, str]:
    """`name` for `name.md`; the full file name when that could clash with a sibling (`x.md`
    and `x.txt`, or `x.md` and `x.md.txt`); a numbered name if even that is taken."""
    stems: dict[tuple[Path, str], int] = {}
    for path in paths:
        stems[(path.parent, path.stem)] = stems.get((path.parent, path.stem), 0) + 1
    names = {(p.parent, p.name) for p in paths}
    chosen: dict[Path, str] = {}
    taken: set[tuple[Path, str]] = set()
    for path in paths:
        clash = stems[(path.parent, path.stem)] > 1 or (path.parent, path.stem) in names
        candidate = path.name if clash else path.stem
        number = 1
        while (path.parent, candidate) in taken:
            number += 1
            candidate = f"{path.name}~{number}"
        taken.add((path.parent, candidate))
        chosen[path] = candidate
    return chosen


class Manifest:
    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / MANIFEST

    def lines(self) -> Iterator[ManifestLine]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as handle:
            for raw in handle:
                try:
                    yield ManifestLine.model_validate_json(raw)
                except ValueError:
                    continue  # a line cut short by a crash: that unit is simply redone

    def latest(
        self, units: set[tuple[str, str]] | None = None
    ) -> dict[tuple[str, str], ManifestLine]:
        """The last line per (input, title): a resumed or retried unit appends newer ones and
        counts once. Limited to `units` when given."""
        found: dict[tuple[str, str], ManifestLine] = {}
        for line in self.lines():
            if units is None or (line.input, line.title) in units:
                found[(line.input, line.title)] = line
        return found

    def append(self, line: ManifestLine) -> None:
        with self.path.open("a+b") as handle:
            # A line cut short by a crash has no newline: end it, or this line would join it
            # and be lost too.
            cut = False
            if handle.seek(0, os.SEEK_END) > 0:
                handle.seek(-1, os.SEEK_END)
                cut = handle.read(1) != b"\n"
            handle.write((("\n" if cut else "") + line.model_dump_json() + "\n").encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())


def render_output(result_json: str, item: BatchItem) -> str:
    from app.domain import Rewrite
    from app.render import render_markdown

    result = Rewrite.model_validate_json(result_json)
    return (
        f"<!-- primed: {item.relative} ({item.sha256[:12]}) for {item.title} -->\n"
        + render_markdown(result)
        + "\n"
    )


class UnitResult(BaseModel):
    """What a worker hands back for one unit: its manifest line and the files to write (path
    relative to the output folder -> text, in writing order). Only the driver writes them, so
    a unit a worker ran twice (a Ray retry) still lands once, atomically."""

    line: ManifestLine
    files: dict[str, str] = {}
    # A failed unit's outputs from an earlier run (of content that has since changed): removed,
    # so no rewrite of a datasheet that no longer exists stays beside the inputs' new ones.
    stale: list[str] = []


def compute_item(item: BatchItem, pipeline: Pipeline, engine: str, max_chars: int) -> UnitResult:
    """Rewrite one input for one title, writing nothing; never raises for bad input."""
    started = time.perf_counter()
    base = {"input": item.relative, "sha256": item.sha256, "title": item.title}
    try:
        copy = read_document(item.path, max_chars)
        result = pipeline.rewrite(RewriteRequest(copy_text=copy, title=item.title, engine=engine))
        payload = json.dumps(
            {
                "input": item.relative,
                "sha256": item.sha256,
                "rewrite": json.loads(result.model_dump_json()),
            },
            indent=2,
            ensure_ascii=False,
        )
        md_name, json_name = (p.as_posix() for p in item.outputs(Path()))
        return UnitResult(
            line=ManifestLine(
                **base,
                engine=result.engine,
                status="ok",
                outputs=[md_name, json_name],
                seconds=round(time.perf_counter() - started, 3),
                passed=result.scorecard.passed,
                failed_measures=result.scorecard.failed,
                warnings=len(result.warnings),
                finished_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            ),
            files={
                json_name: payload + "\n",
                md_name: render_output(result.model_dump_json(), item),
            },
        )
    except Exception as exc:  # one bad unit is recorded; it never stops the batch
        detail = (
            str(exc) if isinstance(exc, PrimedError) else f"unexpected {type(exc).__name__}: {exc}"
        )
        message = detail.replace(str(item.path), item.relative)
        message = message.removeprefix(f"{item.relative}: ")
        return UnitResult(
            stale=[p.as_posix() for p in item.outputs(Path())],
            line=ManifestLine(
                **base,
                status="failed",
                error=message,
                seconds=round(time.perf_counter() - started, 3),
                finished_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            ),
        )


def write_unit(result: UnitResult, out_dir: Path) -> ManifestLine:
    """Write a unit's files atomically under `out_dir`; its manifest line (not yet appended).
    A unit whose files cannot be written is recorded as failed, like any other bad unit."""
    try:
        for name in result.stale:
            (out_dir / name).unlink(missing_ok=True)
        for name, text in result.files.items():
            write_atomic(out_dir / name, text)
    except OSError as exc:
        line = result.line
        return ManifestLine(
            input=line.input,
            sha256=line.sha256,
            title=line.title,
            status="failed",
            error=f"unexpected {type(exc).__name__}: {exc}",
            seconds=line.seconds,
            finished_at=line.finished_at,
        )
    return result.line


def run_item(
    item: BatchItem, pipeline: Pipeline, engine: str, out_dir: Path, max_chars: int
) -> ManifestLine:
    """Rewrite one input for one title and write its outputs; never raises for bad input."""
    return write_unit(compute_item(item, pipeline, engine, max_chars), out_dir)


def recovered(item: BatchItem, out_dir: Path) -> ManifestLine | None:
    """The manifest line of an intact output for this very input (same hash) written before a
    crash lost its line, read back from its JSON (engine, verdict, warnings); else None."""
    from app.domain import Rewrite

    md_path, json_path = item.outputs(out_dir)
    if not (md_path.exists() and json_path.exists()):
        return None
    try:
        data = json.loads(json_path.read_text(encoding="utf-8"))
        if data.get("sha256") != item.sha256:
            return None
        result = Rewrite.model_validate(data["rewrite"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return ManifestLine(
        input=item.relative,
        sha256=item.sha256,
        title=item.title,
        engine=result.engine,
        status="ok",
        outputs=[str(md_path.relative_to(out_dir)), str(json_path.relative_to(out_dir))],
        passed=result.scorecard.passed,
        failed_measures=result.scorecard.failed,
        warnings=len(result.warnings),
        finished_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(json_path.stat().st_mtime)),
    )


def check_folders(in_dir: Path, out_dir: Path) -> None:
    """Refuse an output folder that is a file, or the input folder, or inside it (its outputs
    would become inputs of the next batch): before any unit runs."""
    if not in_dir.exists():
        raise InvalidInputError(f"{in_dir}: no such folder")
    if not in_dir.is_dir():
        raise InvalidInputError(f"{in_dir}: not a folder (give the folder that holds it)")
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInputError(f"--out {out_dir}: not a folder (it is a file); choose a folder")
    source, target = in_dir.resolve(), out_dir.resolve()
    if target == source or source in target.parents:
        raise InvalidInputError(
            f"--out {out_dir} is inside the input folder {in_dir}: choose a folder outside it"
        )


def check_ready(pipeline: Pipeline, engine: str, store: CaseNoteStore) -> str | None:
    """What would fail every unit alike fails the batch at once: an unknown engine (usage
    error) or a store without case notes (resource error). An engine asked for by name that
    is unavailable is a warning, returned: each unit falls back to grounded and says so."""
    warning = None
    if engine != "auto":
        try:
            pipeline.engines.create(engine)
        except InvalidInputError:
            raise
        except PrimedError as exc:
            warning = f"{engine} engine unavailable ({exc}): every unit falls back to grounded"
    if store.count() == 0:
        raise EmptyStoreError()
    return warning


@dataclass
class BatchPlan:
    items: list[BatchItem]
    skipped: int
    unsupported: list[tuple[str, str]]
    units: set[tuple[str, str]]  # every (input, title) of this run, done before or not


def plan(in_dir: Path, out_dir: Path, titles: list[str], resume: bool) -> BatchPlan:
    manifest = Manifest(out_dir)
    if manifest.path.exists() and not resume:
        raise InvalidInputError(
            f"{out_dir} already holds a batch: add --resume, or choose a new folder"
        )
    done = {
        (line.input, line.sha256, line.title) for line in manifest.lines() if line.status == "ok"
    }
    paths = scan(in_dir)
    stems = output_stems(paths)
    items: list[BatchItem] = []
    unsupported: list[tuple[str, str]] = []
    skipped = 0
    units: set[tuple[str, str]] = set()
    resolved_out = out_dir.resolve()
    # Outputs are never inputs: skip an output folder inside the input folder (the API's job
    # folders). An output folder above the input folder (`--out .`) holds the inputs: keep them.
    out_inside = in_dir.resolve() in resolved_out.parents
    for path in paths:
        if out_inside and resolved_out in path.resolve().parents:
            continue
        relative = path.relative_to(in_dir).as_posix()
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:  # no suffix: text, as everywhere
            unsupported.append((relative, f"unsupported file type '{path.suffix}'"))
            units.add((relative, "*"))
            continue
        try:
            digest = file_sha256(path)
        except OSError as exc:
            unsupported.append((relative, f"cannot read the file ({exc.strerror})"))
            units.add((relative, "*"))
            continue
        for title in titles:
            units.add((relative, title))
            if (relative, digest, title) in done:
                skipped += 1
                continue
            items.append(BatchItem(path.resolve(), relative, digest, title, stems[path]))
    return BatchPlan(items, skipped, unsupported, units)


def run_batch(
    batch: BatchPlan,
    pipeline: Pipeline,
    engine: str,
    out_dir: Path,
    max_chars: int,
    workers: int = 1,
    on_done: Callable[[ManifestLine], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    executor: UnitExecutor | None = None,
) -> int:
    """Run the planned units on `executor` (default: `workers` threads in this process over
    `pipeline`; LLM calls overlap, ONNX releases the GIL), at most 2 x its slots in flight so
    memory stays flat however many inputs there are. Wherever units run, this process writes
    their outputs and the manifest. When `should_stop` turns true no new unit starts; units
    in flight finish and are recorded."""
    from app.batch_exec import LocalExecutor

    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.rglob(".*.tmp"):
        if is_temp_name(stale.name):  # only write_atomic's own, never a user's file
            stale.unlink(missing_ok=True)
    manifest = Manifest(out_dir)
    finished = 0

    def record(line: ManifestLine) -> None:
        nonlocal finished
        manifest.append(line)
        finished += 1
        if on_done:
            on_done(line)

    for relative, reason in batch.unsupported:
        record(ManifestLine(input=relative, sha256="", title="*", status="failed", error=reason))
    pending = iter(batch.items)
    with ExitStack() as stack:
        if executor is None:
            executor = stack.enter_context(LocalExecutor(pipeline, max_chars, workers))
        running: set[Future[UnitResult]] = set()
        for item in pending:
            if should_stop is not None and should_stop():
                break
            if (line := recovered(item, out_dir)) is not None:
                record(line)
                continue
            running.add(executor.submit(item, engine))
            if len(running) >= 2 * executor.slots:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    record(write_unit(future.result(), out_dir))
        for future in running:
            record(write_unit(future.result(), out_dir))
    return finished  # a count, not the lines: memory stays flat however large the batch
