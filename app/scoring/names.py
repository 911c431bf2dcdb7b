"""Names in copy: company-like names (capitalised runs, less their leading function words),
how a confidential customer's name can show up, and where a sentence starts. Grounding, the
kit's confidentiality check, redaction and fact extraction all read names the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from app.scoring.words import zipf

LEADING = re.compile(
    r"^(?:(?:At|In|For|With|From|By|On|The|A|An|And|But|So|When|Where|Once|After|Before|"
    r"Since|Like|Unlike|Our|Your|Their|Its|This|That|These|Those|Every|Each|One)\s+)+"
)
INNER_CAP = re.compile(r"[a-z][A-Z]")
NAME = re.compile(r"(?<![\w'’-])[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:\s+[A-Z][a-z]+(?:[A-Z][a-z]+)*){0,3}")
# A name in written copy never runs across a line break: a headline ending in "Efficient" and
# a body opening with "Chronolake's" are two words, not the name "Efficient Chronolake".
LINE_NAME = re.compile(NAME.pattern.replace(r"\s+", r"[^\S\n]+"))
# The same two, for scanning: a pattern that opens with a lookbehind is tried at every
# position, one that opens with [A-Z] only at capitals. The lookbehind, moved after that
# capital, still looks at the character before it (at the text's start it sees too little,
# so it holds, as the original's does).
NAME_LOOKBEHIND = r"(?<![\w'’-])[A-Z]"
assert NAME.pattern.startswith(NAME_LOOKBEHIND)
NAME_SCAN = re.compile(r"[A-Z](?<![\w'’-][A-Z])" + NAME.pattern[len(NAME_LOOKBEHIND) :])
LINE_NAME_SCAN = re.compile(NAME_SCAN.pattern.replace(r"\s+", r"[^\S\n]+"))


@lru_cache(maxsize=4096)
def confidential_patterns(name: str) -> tuple[re.Pattern[str], ...]:
    """How a customer's name can show up: in full (any case), shortened to its first words
    ("Alder Falls Water" for "Alder Falls Water Department"), or by its distinctive first word
    ("Greyfield", "Greyfield's", "GREYFIELD'S"), which people use as a short name. Longest
    first."""
    return tuple(m.regex for m in confidential_matchers(name))


@dataclass(frozen=True)
class NameMatcher:
    """One of confidential_patterns, with a test that is false only when it cannot match."""

    regex: re.Pattern[str]
    form: str  # the name as the regex spells it; every match holds it
    ignorecase: bool

    def may_match(self, text: str, folded: str | None) -> bool:
        """`folded` is ascii_fold(text). Under IGNORECASE an ASCII form matches only where
        the folded text holds it lowercased; a form that is not ASCII is always tried."""
        if not self.ignorecase:
            return self.form in text
        if folded is None or not self.form.isascii():
            return True
        return self.form.lower() in folded


@lru_cache(maxsize=4096)
def confidential_matchers(name: str) -> tuple[NameMatcher, ...]:
    name = " ".join(name.split())
    if not name:
        return ()
    parts = name.split()
    forms = [" ".join(parts[:n]) for n in range(len(parts), 1, -1)] or [name]
    matchers = [
        NameMatcher(
            re.compile(rf"(?<!\w){re.escape(form)}(?:'s|’s)?(?!\w)", re.IGNORECASE), form, True
        )
        for form in forms
    ]
    first = parts[0]
    if first != name and len(first) >= 3 and zipf(first) < 4.0:
        matchers.append(
            NameMatcher(re.compile(rf"(?<!\w){re.escape(first)}(?:'s|’s)?(?!\w)"), first, False)
        )
        if first.upper() != first:  # as a heading or a shout writes it: "NORHAVEN'S"
            shout = first.upper()
            matchers.append(
                NameMatcher(
                    re.compile(rf"(?<!\w){re.escape(shout)}(?:['’][sS])?(?!\w)"), shout, False
                )
            )
    return tuple(matchers)


def sentence_start(text: str, index: int) -> bool:
    before = text[:index].rstrip(" \t\"'“(*_#>-")
    return not before or before[-1] in ".!?:\n"
