"""Product copy -> feature statements: the bullets and sentences that describe what it does."""

from __future__ import annotations

import re

from pydantic import BaseModel

from app.text import split_sentences, word_count

# The features a copy is rewritten for, and the ones feature coverage counts: its first 12.
MAX_FEATURES = 12
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


class Feature(BaseModel):
    id: str
    statement: str


def strip_markdown(line: str) -> str:
    line = _LINK.sub(r"\1", line)
    line = _EMPHASIS.sub("", line)
    if line.strip().startswith("|"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        line = "- " + ": ".join(c for c in cells if c)
    return line


def extract_features(copy: str, min_words: int = 4) -> list[Feature]:
    """Feature statements in document order: headings, table rules and fragments dropped."""
    kept: list[str] = []
    for raw in copy.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#") or _TABLE_RULE.match(stripped):
            kept.append("")
            continue
        kept.append(strip_markdown(raw))
    statements = []
    for sentence in split_sentences("\n".join(kept)):
        sentence = sentence.strip(" :-")
        if word_count(sentence) >= min_words and sentence not in statements:
            statements.append(sentence)
    return [Feature(id=f"F{i}", statement=s) for i, s in enumerate(statements, start=1)]


def kept_features(copy: str) -> list[Feature]:
    """The copy's first MAX_FEATURES feature statements: what engines rewrite for and what
    feature coverage counts."""
    return extract_features(copy)[:MAX_FEATURES]
