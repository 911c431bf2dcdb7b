"""Feature statements as the llm prompt shows them: the parts the guard would reject left out.

Small models copy what they are shown: told "never write SCIM" beside a feature that says
"SCIM 2.0 provisioning", a 1.5B model writes "SCIM provisioning" anyway, the guard drops the
sentence, and the rewrite falls back to the grounded engine. So the prompt shows each feature
without the clauses that hold jargon or buzzwords (the residue and lexicon measures' spans) or
a figure (the grounding measure rejects any number no cited fact holds). Whole clauses go, never
single words: words cut out of a clause leave fragments ("SSO with a single per user") that a
small model copies into the copy. What is left is the copy's own words; a feature with fewer
than MIN_WORDS words left is not shown. Only the prompt changes: the features, their ids, the
copy and every measure stay as they were.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from app.features import Feature
from app.scores import Span
from app.text import word_count

MIN_WORDS = 2
_CLAUSE_END = re.compile(r"[,;:]\s+|\s+[-–—]\s+")  # noqa: RUF001 (dashes)
_FIGURE = re.compile(r"\d")
_JOINER = re.compile(r"^(?:and|or|but|plus|with)\s+", re.IGNORECASE)


def clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause: the text between commas, semicolons, colons and dashes."""
    found: list[tuple[int, int]] = []
    at = 0
    for match in _CLAUSE_END.finditer(text):
        found.append((at, match.start()))
        at = match.end()
    found.append((at, len(text)))
    return [(start, end) for start, end in found if text[start:end].strip()]


def plain_statement(text: str, spans: list[Span]) -> str:
    """The clauses of `text` that hold none of `spans` and no figure, joined with commas."""
    kept: list[str] = []
    for start, end in clauses(text):
        clause = text[start:end].strip().rstrip(".")
        if _FIGURE.search(clause) or any(s.start < end and start < s.end for s in spans):
            continue
        if clause.count("(") != clause.count(")"):
            clause = " ".join(clause.replace("(", " ").replace(")", " ").split())
        kept.append(clause if kept else _JOINER.sub("", clause))
    out = ", ".join(kept)
    return out[:1].upper() + out[1:]


def plain_features(
    features: list[Feature], jargon_in: Callable[[str], list[Span]]
) -> list[Feature]:
    """The features as plain statements; those with too little left are not shown."""
    shown: list[Feature] = []
    for feature in features:
        statement = plain_statement(feature.statement, jargon_in(feature.statement))
        if word_count(statement) >= MIN_WORDS:
            shown.append(Feature(id=feature.id, statement=statement))
    return shown
