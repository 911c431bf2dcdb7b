"""Evidence for `primed score`: a JSON list (EvidenceText, or `primed search --format json`
output, with or without --file), or case-note files and folders."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from app.errors import InvalidInputError
from app.scoring.scorecard import EvidenceText
from app.yamlio import describe_validation_error


def load_evidence(path: Path) -> list[EvidenceText]:
    """A JSON list (EvidenceText, or `primed search --format json` output, with or without
    --file), or case-note files."""
    if not path.exists():
        raise InvalidInputError(f"{path}: no such file or folder")
    if path.suffix.lower() == ".json":
        try:
            items = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InvalidInputError(f"{path}: cannot read the file ({exc.strerror})") from exc
        except UnicodeDecodeError as exc:
            raise InvalidInputError(f"{path}: not UTF-8 text (bad byte at {exc.start})") from exc
        except json.JSONDecodeError as exc:
            raise InvalidInputError(
                f"{path}: not a JSON evidence list: not valid JSON "
                f"(line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from exc
        if not isinstance(items, list):
            raise InvalidInputError(f"{path}: expected a JSON list of evidence")
        items = _per_note(items, path)
        for item in items:
            if isinstance(item, dict) and "id" not in item and "note_id" in item:
                item["id"] = item["note_id"]
        allowed = set(EvidenceText.model_fields)
        cleaned = [
            {k: v for k, v in i.items() if k in allowed} if isinstance(i, dict) else i
            for i in items
        ]
        try:
            return TypeAdapter(list[EvidenceText]).validate_python(cleaned)
        except ValidationError as exc:
            raise InvalidInputError(
                f"{path}: not a JSON evidence list ({describe_validation_error(exc)})"
            ) from exc
    from app.corpus.loaders import load_paths
    from app.evals.run import note_evidence

    loaded = load_paths([path])
    if loaded.errors:
        raise InvalidInputError(f"evidence notes: {loaded.errors[0]}")
    return [note_evidence(note) for note, _ in loaded.notes]


def _per_note(items: list[object], path: Path) -> list[object]:
    """`primed search --file` output ({feature, evidence} per feature) as one item per note:
    the chunks a note gave several features, each once, in one text. A hit without a note id
    is an error: there is nothing to cite it by, and dropping it would score the rewrite
    against less evidence than the file holds."""
    if not any(isinstance(i, dict) and "feature" in i and "evidence" in i for i in items):
        return items
    notes: dict[str, dict[str, object]] = {}
    chunks: set[str] = set()
    for number, group in enumerate(items, start=1):
        found = group.get("evidence") if isinstance(group, dict) else None
        if not isinstance(found, list):
            raise InvalidInputError(
                f"{path}: feature {number} is not {{feature, evidence: [hits]}} as "
                "`primed search --file --format json` writes it"
            )
        for place, hit in enumerate(found, start=1):
            if not isinstance(hit, dict) or not hit.get("note_id"):
                raise InvalidInputError(
                    f"{path}: feature {number}, hit {place} has no note_id: nothing to cite it by"
                )
            chunk = str(hit.get("chunk_id") or hit.get("text", ""))
            if chunk in chunks:
                continue
            chunks.add(chunk)
            key = str(hit["note_id"])
            if key in notes:
                notes[key]["text"] = f"{notes[key].get('text', '')}\n\n{hit.get('text', '')}"
            else:
                notes[key] = dict(hit)
    return list(notes.values())
