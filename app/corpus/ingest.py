"""Ingest: load case-note files, check their titles, and write them to the store idempotently."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel

from app.corpus.loaders import LoadResult, NoteCheck, load_paths
from app.corpus.store import CaseNoteStore
from app.domain import CaseNote
from app.errors import CaseNoteFormatError, InvalidInputError
from app.titles import TitleRegistry


class IngestSummary(BaseModel):
    notes: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    chunks_written: int = 0
    skipped_files: list[str] = []
    errors: list[str] = []

    @property
    def ok(self) -> bool:
        return not self.errors


def check_titles(
    notes: Sequence[tuple[CaseNote, str]], titles: TitleRegistry
) -> tuple[list[tuple[CaseNote, str]], list[CaseNoteFormatError]]:
    """Split notes into those whose titles all resolve and errors for the rest."""
    good: list[tuple[CaseNote, str]] = []
    bad: list[CaseNoteFormatError] = []
    for note, where in notes:
        try:
            for title in note.titles:
                titles.get(title)
        except InvalidInputError as exc:
            bad.append(CaseNoteFormatError(where, "", f"titles: {exc}"))
            continue
        good.append((note, where))
    return good, bad


def title_check(titles: TitleRegistry) -> NoteCheck:
    """A loader check that every title of a note is known, so an unknown one is reported at
    the line (or record) where the note's titles are written."""

    def check(note: CaseNote) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        for title in note.titles:
            try:
                titles.get(title)
            except InvalidInputError as exc:
                problems.append(("titles", str(exc)))
        return problems

    return check


def ingest_paths(
    paths: Sequence[Path],
    store: CaseNoteStore,
    titles: TitleRegistry,
    on_total: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestSummary:
    loaded = load_paths(paths, title_check(titles))
    return ingest_loaded(loaded, store, titles, on_total, on_progress)


def ingest_loaded(
    loaded: LoadResult,
    store: CaseNoteStore,
    titles: TitleRegistry,
    on_total: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestSummary:
    """Write the good notes of a load; every bad record is listed in the summary's errors."""
    good, bad = check_titles(loaded.notes, titles)
    if on_total:
        on_total(len(good))
    stats = store.ingest(good, titles, on_progress) if good else None
    return IngestSummary(
        notes=len(good),
        added=stats.added if stats else 0,
        updated=stats.updated if stats else 0,
        unchanged=stats.unchanged if stats else 0,
        chunks_written=stats.chunks_written if stats else 0,
        skipped_files=loaded.skipped_files,
        errors=[str(e) for e in [*loaded.errors, *bad]],
    )
