"""Reading request bodies that come as JSON or multipart, with names kept as data only.

An uploaded file's name is shown back to the client and nothing else: it is never joined to
a path. Sizes are checked per file (413) and counts per request (422).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile

from app.api.limits import BodyTooLarge
from app.errors import InvalidInputError, TooLargeError

Model = TypeVar("Model", bound=BaseModel)
MAX_FIELDS = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class FilePart:
    name: str  # as the client sent it, for display
    content: bytes

    @property
    def suffix(self) -> str:
        return suffix_of(self.name)


def suffix_of(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).suffix.lower()


def safe_name(name: str, limit: int = 80) -> str:
    """A display name made safe for a zip entry: no folders, no dots in front, ASCII only."""
    base = PurePosixPath(name.replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).lstrip("._")
    return cleaned[-limit:] or "document"


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith("multipart/form-data")


async def json_body(request: Request, model: type[Model]) -> Model:
    """Parse a JSON body into `model`; 422 naming each bad field."""
    raw = await request.body()
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        # json_invalid errors are reported as "the body is not valid JSON" (app.api.errors).
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from exc


async def form_parts(
    request: Request, max_files: int, max_file_bytes: int
) -> tuple[list[FilePart], dict[str, list[str]]]:
    """The files (field `files`) and the text fields of a multipart body."""
    try:
        form = await request.form(max_files=max_files, max_fields=MAX_FIELDS)
    except BodyTooLarge:
        raise  # the body limit (413)
    except Exception as exc:  # starlette raises its own types (a 400) for malformed multipart
        detail = str(getattr(exc, "detail", None) or exc or type(exc).__name__)
        if detail.startswith("Too many files"):
            raise InvalidInputError(
                f"over the limit of {max_files} files per request (PRIMED_API_MAX_DOCUMENTS)",
                "files",
            ) from exc
        if detail.startswith("Too many fields"):
            raise InvalidInputError(
                f"over the limit of {MAX_FIELDS} form fields per request", "body"
            ) from exc
        raise InvalidInputError(f"the multipart body cannot be read ({detail})", "files") from exc
    files: list[FilePart] = []
    fields: dict[str, list[str]] = {}
    try:
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                if key != "files":
                    raise InvalidInputError(f"unexpected file field '{key}': use 'files'", key)
                content = await value.read(max_file_bytes + 1)
                name = (value.filename or f"file-{len(files)}")[:255]  # shown back, never a path
                if len(content) > max_file_bytes:
                    raise TooLargeError(
                        f"{name}: over the per-file limit of {max_file_bytes:,} bytes "
                        "(PRIMED_API_MAX_UPLOAD_BYTES)"
                    )
                files.append(FilePart(name, content))
            else:
                fields.setdefault(key, []).append(value)
    finally:
        await form.close()
    if not files:
        raise InvalidInputError("no files: send one or more `files` parts", "files")
    return files, fields


def list_field(fields: dict[str, list[str]], name: str) -> list[str]:
    """A repeated form field, also accepting one comma-separated or JSON-list value."""
    values: list[str] = []
    for raw in fields.get(name, []):
        text = raw.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError:
                parsed = None
            if isinstance(parsed, list):
                for index, item in enumerate(parsed):
                    if not isinstance(item, str):
                        raise InvalidInputError(
                            f"{name}: item {index} is {json.dumps(item)[:40]}, not text",
                            f"{name}.{index}",
                        )
                    values.append(item.strip())
                continue
        values.extend(part.strip() for part in text.split(","))
    return [value for value in values if value]
