"""Turn a product-copy file (text, Markdown, HTML, PDF, DOCX) into text, offline.

Plain text and Markdown are read directly; everything else goes through markitdown's
`convert_local` (never `convert(str)`, which fetches URLs). Empty results are errors.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from app.errors import InvalidInputError

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ""}
CONVERTED_SUFFIXES = {".html", ".htm", ".pdf", ".docx"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | CONVERTED_SUFFIXES

# pdfminer renders some bullet glyphs as "(cid:127)" and similar.
_CID = re.compile(r"\(cid:\d+\)")


# UTF-32 first: its little-endian mark starts with UTF-16's.
_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def unicode_text(raw: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), or UTF-16 or UTF-32 with theirs, as Windows
    tools save "Unicode" text. UnicodeDecodeError when it is none of these."""
    for mark, codec in _MARKS:
        if raw.startswith(mark):
            return raw.decode(codec)
    return raw.decode("utf-8-sig")


def decode_text(raw: bytes, name: str) -> str:
    marked = raw.startswith(tuple(mark for mark, _ in _MARKS))
    if not marked and b"\x00" in raw[:4096]:
        raise InvalidInputError(f"{name}: looks like a binary file, not text")
    try:
        return unicode_text(raw)
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"{name}: not UTF-8 text, nor UTF-16 with a byte-order mark (bad byte at offset "
            f"{exc.start})"
        ) from exc


def read_document(path: Path, max_chars: int) -> str:
    """The text of a copy file, cleaned; InvalidInputError for anything unusable."""
    suffix = path.suffix.lower()
    if path.is_dir():
        raise InvalidInputError(
            f"{path}: is a folder; give a file (`primed batch` rewrites a folder of datasheets)"
        )
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted(s for s in SUPPORTED_SUFFIXES if s))
        raise InvalidInputError(f"{path}: unsupported file type '{suffix}' (use {supported})")
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such file")
    if suffix in TEXT_SUFFIXES:
        text = decode_text(path.read_bytes(), str(path))
    else:
        text = _convert(path)
    return checked_text(text, str(path), max_chars)


def checked_text(text: str, name: str, max_chars: int) -> str:
    """Copy read from `name` (a file, standard input), cleaned; refused when it holds no text
    or more than `max_chars` (before any model is loaded for it)."""
    text = clean_text(text)
    if not text:
        raise InvalidInputError(f"{name}: no text found")
    if len(text) > max_chars:
        raise InvalidInputError(
            f"{name}: {len(text):,} characters is over the limit of {max_chars:,} "
            "(PRIMED_MAX_COPY_CHARS)"
        )
    return text


def _convert(path: Path) -> str:
    from markitdown import MarkItDown, MarkItDownException
    from markitdown.converters import DocxConverter, HtmlConverter, PdfConverter

    # Only the converter the suffix names: markitdown would otherwise fall back to reading a
    # broken file as plain text (a damaged DOCX comes out as a few words of UTF-16 noise).
    suffix = path.suffix.lower()
    kind, converter = {
        ".pdf": ("PDF", PdfConverter),
        ".docx": ("DOCX", DocxConverter),
    }.get(suffix, ("HTML", HtmlConverter))
    markitdown = MarkItDown(enable_builtins=False, enable_plugins=False)
    markitdown.register_converter(converter())
    try:
        result = markitdown.convert_local(str(path))
    except MarkItDownException as exc:
        raise InvalidInputError(f"cannot read {path}: not a valid {kind} file") from exc
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path} ({exc.strerror})") from exc
    return str(result.text_content or "")


def clean_text(text: str) -> str:
    text = _CID.sub("•", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip()
