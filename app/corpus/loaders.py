"""Load case notes from Markdown with YAML front matter, JSONL and CSV, reporting every bad record.

A malformed record never stops a load: it becomes a CaseNoteFormatError naming the file,
the line or record, and the field, and the good records still load.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import ValidationError

from app.documents import unicode_text
from app.domain import CaseNote
from app.errors import CaseNoteFormatError
from app.yamlio import yaml_problem

NOTE_SUFFIXES = {".md", ".markdown", ".jsonl", ".csv"}
_FRONT_MATTER = "---"

# Checks beyond the note's own fields (its titles are known ones): (field, problem) pairs, so
# a problem is reported at the line or record where the field is written.
NoteCheck = Callable[[CaseNote], list[tuple[str, str]]]


@dataclass
class LoadResult:
    notes: list[tuple[CaseNote, str]] = field(default_factory=list)
    errors: list[CaseNoteFormatError] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)


def load_paths(paths: Iterable[Path], check: NoteCheck | None = None) -> LoadResult:
    """Load every note under `paths` (files or folders, recursively); duplicates are errors."""
    result = LoadResult()
    return collect((load_file(path, check) for path in _expand(paths, result)), result)


def load_uploads(files: Iterable[tuple[str, bytes]], check: NoteCheck | None = None) -> LoadResult:
    """Load notes from (display name, content) pairs: uploads never touch the filesystem."""
    return collect(
        (load_bytes(raw, name, PurePosixPath(name).suffix.lower(), check) for name, raw in files),
        LoadResult(),
    )


def collect(groups: Iterable[Iterable[LoadItem]], result: LoadResult) -> LoadResult:
    """Gather notes and errors from each file's records; a repeated id is an error."""
    seen: dict[str, str] = {}
    for items in groups:
        for item in items:
            if isinstance(item, CaseNoteFormatError):
                result.errors.append(item)
                continue
            note, where = item
            if note.id in seen:
                result.errors.append(
                    CaseNoteFormatError(
                        where, "", f"id: duplicate id '{note.id}' (also in {seen[note.id]})"
                    )
                )
                continue
            seen[note.id] = where
            result.notes.append((note, where))
    return result


def _expand(paths: Iterable[Path], result: LoadResult) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in NOTE_SUFFIXES and not child.name.startswith("."):
                    yield child
                else:
                    result.skipped_files.append(str(child))
        elif path.is_file():
            yield path
        else:
            result.errors.append(CaseNoteFormatError(str(path), "", "no such file or folder"))


LoadItem = tuple[CaseNote, str] | CaseNoteFormatError


def load_file(path: Path, check: NoteCheck | None = None) -> Iterator[LoadItem]:
    """Yield (note, where) or an error for each record in one file."""
    if path.suffix.lower() in NOTE_SUFFIXES:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            yield CaseNoteFormatError(str(path), "", f"cannot read file ({exc.strerror})")
            return
    else:
        raw = b""  # load_bytes reports the file type; no need to read it
    yield from load_bytes(raw, str(path), path.suffix.lower(), check)


def load_bytes(
    raw: bytes, source: str, suffix: str, check: NoteCheck | None = None
) -> Iterator[LoadItem]:
    """Yield (note, where) or an error for each record of one file's content."""
    if suffix not in NOTE_SUFFIXES:
        yield CaseNoteFormatError(
            source, "", f"unsupported file type '{suffix or '(none)'}'; use .md, .jsonl or .csv"
        )
        return
    try:
        text = unicode_text(raw)
    except UnicodeDecodeError as exc:
        yield CaseNoteFormatError(source, f"byte {exc.start}", "not UTF-8 text")
        return
    if suffix == ".jsonl":
        yield from parse_jsonl(text, source, check)
    elif suffix == ".csv":
        yield from parse_csv(text, source, check)
    else:
        yield parse_markdown(text, source, check)


def parse_markdown(text: str, source: str, check: NoteCheck | None = None) -> LoadItem:
    lines = text.splitlines()
    if not lines or lines[0].strip() != _FRONT_MATTER:
        return CaseNoteFormatError(
            source, "line 1", "missing YAML front matter (start the file with ---)"
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == _FRONT_MATTER)
    except StopIteration:
        return CaseNoteFormatError(source, "line 1", "front matter is not closed with a --- line")
    header = "\n".join(lines[1:end])
    try:
        data = yaml.safe_load(header)
    except yaml.YAMLError as exc:
        line, reason = yaml_problem(exc, first_line=2)  # the header starts on the file's line 2
        where = f"line {line}" if line else "front matter"
        return CaseNoteFormatError(source, where, f"front matter is not valid YAML ({reason})")
    if not isinstance(data, dict):
        return CaseNoteFormatError(source, "line 2", "front matter must be key: value pairs")
    if "body" in data:
        return CaseNoteFormatError(
            source, _key_line(header, "body"), "body: goes after the front matter, not in it"
        )
    data["body"] = "\n".join(lines[end + 1 :])
    return _validate(data, source, lambda key: _key_line(header, key), source, check)


def parse_jsonl(text: str, source: str, check: NoteCheck | None = None) -> Iterator[LoadItem]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield CaseNoteFormatError(source, where, f"not valid JSON ({exc.msg})")
            continue
        if not isinstance(data, dict):
            yield CaseNoteFormatError(source, where, "each line must be a JSON object")
            continue
        yield _validate(data, source, lambda _key, w=where: w, f"{source}:{where}", check)


def parse_csv(text: str, source: str, check: NoteCheck | None = None) -> Iterator[LoadItem]:
    reader = csv.DictReader(text.splitlines(keepends=True))
    if not reader.fieldnames:
        yield CaseNoteFormatError(source, "line 1", "no header row")
        return
    try:
        for record, row in enumerate(reader, start=1):
            where = f"row {record}"
            if None in row:
                yield CaseNoteFormatError(source, where, "more cells than header columns")
                continue
            data: dict[str, Any] = {
                k.strip(): v for k, v in row.items() if k and v not in (None, "")
            }
            yield _validate(data, source, lambda _key, w=where: w, f"{source}:{where}", check)
    except csv.Error as exc:
        yield CaseNoteFormatError(source, f"line {reader.line_num}", f"bad CSV ({exc})")


def _validate(
    data: dict[str, Any], source: str, locate: Any, where: str, check: NoteCheck | None
) -> LoadItem:
    try:
        note = CaseNote.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = str(first["loc"][0]) if first["loc"] else ""
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {_plain(e)}" for e in exc.errors()
        )
        return CaseNoteFormatError(source, locate(key), problems)
    found = check(note) if check else []
    if found:
        problems = "; ".join(f"{field}: {problem}" for field, problem in found)
        return CaseNoteFormatError(source, locate(found[0][0]), problems)
    return note, where


def _plain(error: Any) -> str:
    if error["type"] == "missing":
        return "required field is missing"
    if error["type"] == "extra_forbidden":
        return "unknown field"
    return str(error["msg"])


def _key_line(header: str, key: str) -> str:
    """The line (counting the opening ---) where `key` is set in the front matter."""
    for number, line in enumerate(header.splitlines(), start=2):
        if line.split(":", 1)[0].strip() == key:
            return f"line {number}"
    return "front matter"
