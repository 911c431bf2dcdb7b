"""Confidential customer names out of evidence shown outside: the one redaction rule.

A customer whose note is not `publishable` is named in search output (CLI and API) only by its
description: its full name and its distinctive short name, possessive too, are replaced in
every text field, the same way the guard recognises them (`confidential_patterns`).
"""

from __future__ import annotations

from app.domain import Evidence
from app.scoring.names import confidential_patterns

_APOSTROPHES = ("'s", "’s")
_SENTENCE_END = ".!?:\n"


def redact(text: str, name: str, description: str) -> str:
    """`text` with every mention of the customer `name` replaced by `description` (a
    possessive by "the customer's").

    All patterns are matched against the original text, so a description that happens to
    contain the short name is never replaced again. A replacement that starts a sentence starts
    with a capital letter."""
    spans: list[tuple[int, int, str]] = []
    for pattern in confidential_patterns(name):
        for match in pattern.finditer(text):
            if not any(start < match.end() and match.start() < end for start, end, _ in spans):
                spans.append((match.start(), match.end(), match.group(0)))
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    for start, end, found in sorted(spans):
        possessive = next((a for a in _APOSTROPHES if found.lower().endswith(a)), "")
        if (
            not possessive
            and found[-1:] in ("s", "S")
            and text[end : end + 1] in ("'", "’")
            and text[end + 1 : end + 2] == " "
            and text[end + 2 : end + 3].isalnum()
            and text[start - 1 : start] not in ("'", "‘")  # a quoted name: 'Acme Logistics'
        ):
            possessive, end = f"{text[end]}s", end + 1  # "Acme Logistics' CFO"
        # "a manufacturer with five plants's controller" is no English: a possessive is
        # "the customer's" (the description is in the evidence's own customer field).
        replacement = f"the customer{possessive[0]}s" if possessive else description
        if _starts_sentence(text, start):
            replacement = replacement[:1].upper() + replacement[1:]
        parts += [text[last:start], replacement]
        last = end
    parts.append(text[last:])
    return "".join(parts)


def _starts_sentence(text: str, index: int) -> bool:
    before = text[:index].rstrip(" \t\"'“(*_#>-")
    return not before or before[-1] in _SENTENCE_END


# Identifiers and labels are kept as they are; every other string, however deeply nested
# (text, outcome, facts...), is redacted, so a field added to Evidence later is covered too.
_KEPT = frozenset({"chunk_id", "note_id", "filter", "customer", "customer_name"})


def redact_evidence(evidence: Evidence) -> Evidence:
    """The evidence as anyone outside may see it: a non-publishable customer only described in
    every text field, and no `customer_name`."""
    if evidence.publishable or not evidence.customer_name:
        return evidence.model_copy(update={"customer_name": ""})
    name, description = evidence.customer_name, evidence.customer

    def clean(value: object) -> object:
        if isinstance(value, str):
            return redact(value, name, description)
        if isinstance(value, list):
            return [clean(item) for item in value]
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        return value

    data = evidence.model_dump()
    redacted = {key: value if key in _KEPT else clean(value) for key, value in data.items()}
    return Evidence.model_validate({**redacted, "customer_name": ""})
