"""Real note text -> typed segments: headings, bullets, pull quotes, attributions and sentences.

Real case studies are not tidy prose: headings without punctuation sit on their own line (or
run into the next sentence as "Background: ..."), results come as bullets without a full stop,
pull quotes open on one line and close on the next, and attribution lines ("— Jackson Lee,
Head of Platform") follow them. Splitting such text as prose glues a result to the next
heading. Here every line is classified first, then prose is split into sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from app.text import split_prose

SegmentKind = Literal["heading", "bullet", "quote", "attribution", "prose"]

_HEADING_MARK = re.compile(r"^\s*#{1,6}\s+")
_BULLET = re.compile(r"^\s*(?:[-*+•▪◦‣]|\(cid:127\)|\d{1,2}[.)])\s+")
_BLOCKQUOTE = re.compile(r"^\s*>\s?")
_ATTRIBUTION = re.compile(r"^\s*(?:[—–―]|--)\s*[A-Z][\w.'’-]*(?:,?\s+[\w.'’&-]+){0,12}\s*$")
# "Background: There were many challenges" -> a label, then the sentence.
_RUN_IN_LABEL = re.compile(r"^((?:[A-Z][\w'’-]*)(?:\s+[\w'’-]+){0,3}):\s+(?=[\"“'‘(]?[A-Z0-9])")
_END = re.compile(r"[.!?][\"'”’)\]]*$")
_OPEN_QUOTES = '"“”'
_SAYS = re.compile(
    r"[,.]?\s*[\"”]\s*,?\s*(?:says|said|explains|explained|adds|added|notes|noted|recalls)\s+"
    r"[A-Z][^\"“”]*$"
)
# "Ruth summarised it at the steering meeting: “We cut...”" -> the quotation.
_SAYS_BEFORE = re.compile(
    r"^[^\"“”]{3,120}(?::|\b(?:says|said|explains|adds|recalls|notes|puts it)\s*,?)"
    r"\s*(?=[\"“][A-Z])"
)
_FUNCTION_END = re.compile(
    r"\b(?:to|the|a|an|and|or|of|with|for|in|on|at|by|from|our|we|is|was|that|which|but)$",
    re.IGNORECASE,
)
HEADING_MAX_WORDS = 8


@dataclass(frozen=True)
class Segment:
    text: str
    kind: SegmentKind


def segments(body: str) -> list[Segment]:
    """Every segment of a note body in order; prose is split into sentences."""
    out: list[Segment] = []
    for block in _blocks(body.replace("\r\n", "\n").replace("\r", "\n")):
        out.extend(_block_segments(block))
    return out


def sentences(body: str) -> list[Segment]:
    """The segments a statement can come from: no headings, no attribution lines."""
    return [s for s in segments(body) if s.kind not in ("heading", "attribution")]


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_heading(line: str, following: str | None) -> bool:
    stripped = line.strip()
    if _HEADING_MARK.match(stripped):
        return True
    if stripped[:1] in _OPEN_QUOTES + "'‘(" or _END.search(stripped):
        return False
    words = stripped.rstrip(":").split()
    limit = HEADING_MAX_WORDS + (4 if following is not None and _BULLET.match(following) else 0)
    if not words or len(words) > limit or not words[0][:1].isupper():
        return False
    if stripped.endswith(":"):
        return True
    if stripped.endswith((",", ";")) or _FUNCTION_END.search(stripped):
        return False  # a hard-wrapped line of prose stops mid-phrase
    # "Month-end close went from 9 days to 4" on its own line is a result, not a title.
    result_like = re.search(r"\d", stripped) and len(words) >= 5 and not stripped.endswith(")")
    return not result_like


def _block_segments(lines: list[str]) -> list[Segment]:
    out: list[Segment] = []
    prose: list[str] = []
    quoted = False

    def flush() -> None:
        nonlocal quoted
        if prose:
            kind: SegmentKind = "quote" if quoted else "prose"
            out.extend(_prose_segments(" ".join(prose), kind))
        prose.clear()
        quoted = False

    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        stripped = line.strip()
        if _BLOCKQUOTE.match(line):
            inner = _BLOCKQUOTE.sub("", line).strip()
            if _ATTRIBUTION.match(inner):
                flush()
                out.append(Segment(inner.lstrip("—–―- ").strip(), "attribution"))
                continue
            if prose and not quoted:
                flush()
            quoted = True
            prose.append(inner)
            continue
        if quoted and not _BLOCKQUOTE.match(line):
            flush()
        if _BULLET.match(line):
            flush()
            item = _BULLET.sub("", line).strip()
            out.extend(_prose_segments(item, "bullet"))
        elif _ATTRIBUTION.match(stripped):
            flush()
            out.append(Segment(stripped.lstrip("—–―- ").strip(), "attribution"))
        elif not prose and _is_heading(line, following):
            out.append(Segment(_HEADING_MARK.sub("", stripped).rstrip(":").strip(), "heading"))
        elif prose and _END.search(prose[-1]) and _is_heading(line, following):
            flush()
            out.append(Segment(_HEADING_MARK.sub("", stripped).rstrip(":").strip(), "heading"))
        else:
            prose.append(stripped)
    flush()
    return out


def _prose_segments(text: str, kind: SegmentKind) -> list[Segment]:
    out: list[Segment] = []
    inside = False  # within a quotation that spans sentences
    for sentence in split_prose(text):
        label = _RUN_IN_LABEL.match(sentence)
        if label and kind == "prose" and not inside:
            out.append(Segment(label.group(1), "heading"))
            sentence = sentence[label.end() :]
        lead = None if inside else _SAYS_BEFORE.match(sentence)
        if lead:  # "Jonas's summary to the board: “We're shipping...": the quotation only
            sentence = sentence[lead.end() :]
        marks = sum(sentence.count(c) for c in _OPEN_QUOTES)
        if inside or (marks % 2 and sentence.lstrip()[:1] in _OPEN_QUOTES):
            if inside and marks % 2:  # the closing sentence: drop a trailing "..., said X."
                closing = _SAYS.search(sentence)
                sentence = sentence[: closing.start()] + "." if closing else sentence
            if marks % 2:
                inside = not inside
            out.append(Segment(_strip_marks(sentence), "quote"))
        else:
            out.append(_quote_aware(sentence, kind))
    return out


def _strip_marks(text: str) -> str:
    return re.sub(r"[\"“”]", "", text).strip()


def _quote_aware(sentence: str, kind: SegmentKind) -> Segment:
    """A sentence that is a quotation ("...," says X) keeps only the quoted words."""
    stripped = sentence.strip()
    lead = _SAYS_BEFORE.match(stripped)
    if lead:
        stripped = stripped[lead.end() :]
    if stripped[:1] in '"“':
        trailing = _SAYS.search(stripped)
        inner = stripped[1 : trailing.start()] if trailing else stripped[1:]
        inner = inner.rstrip('"”,. ').strip()
        if inner:
            return Segment(inner + ".", "quote")
    if kind == "quote":
        return Segment(_strip_marks(stripped), "quote")
    return Segment(stripped, kind)
