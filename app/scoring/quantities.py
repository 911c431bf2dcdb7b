"""Numbers with their units, and citation markers, as grounding and the support check see them.

A number is a value with a unit class (%, currency, multiplier or none); "sixty percent" and
"60%" are the same quantity. Citations look like [PS-014] and may list several ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from app.scores import Span
from app.scoring.words import word_tokens

# Any id the note format allows ([PS-014], [QA-INJ], [rw.7]); a markdown link is no citation.
CITATION = re.compile(
    r"\[([A-Za-z0-9][A-Za-z0-9._#-]*(?:\s*[,;]\s*[A-Za-z0-9][A-Za-z0-9._#-]*)*)\](?!\()"
)
NUMBER = re.compile(
    r"(?<![\w.,])(?P<cur>[$€£]\s?)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<mult>k|K|m|M|mn|bn|B|million|billion|thousand)(?![A-Za-z]))?"
    r"(?:\s?(?P<unit>%|percent\b|per\s?cent\b|x(?![A-Za-z])|times\b))?"
)
# English number words are grammar, not editorial data (unlike corpora/wordlists.yaml): the
# parser below relies on their values (tens + units, hundred multiplies), and a number the
# table misses is a number grounding cannot check.
NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
}
MULTIPLIERS = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
}


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str  # "%", "$", "x" or ""
    span: Span


@lru_cache(maxsize=4096)
def known_quantities(text: str) -> dict[float, frozenset[str]]:
    """Value -> units present in a grounding text (cached: sources and notes repeat)."""
    found: dict[float, set[str]] = {}
    for quantity in quantities(text):
        found.setdefault(round(quantity.value, 6), set()).add(quantity.unit)
    return {value: frozenset(units) for value, units in found.items()}


def quantities(text: str, words_too: bool = True) -> list[Quantity]:
    """Numbers with their unit class, ignoring citation markers like [PS-014]."""
    masked = CITATION.sub(lambda m: " " * len(m.group(0)), text)
    found: list[Quantity] = []
    for match in NUMBER.finditer(masked):
        value = float(match.group("num").replace(",", ""))
        mult = (match.group("mult") or "").lower()
        value *= MULTIPLIERS.get(mult, 1.0)
        found.append(
            Quantity(
                value,
                _unit(match.group("cur"), match.group("unit")),
                Span(
                    start=match.start(),
                    end=match.end(),
                    text=match.group(0).strip(),
                    kind="ungrounded-number",
                ),
            )
        )
    if words_too:
        found.extend(_number_words(masked))
    return found


def _number_words(masked: str) -> list[Quantity]:
    """Numbers written as words, compounds read as one: "fifty-five percent" is 55%, "two
    hundred" is 200."""
    tokens = word_tokens(masked)
    found: list[Quantity] = []
    index = 0
    while index < len(tokens):
        start, end, token = tokens[index]
        if token not in NUMBER_WORDS:
            index += 1
            continue
        value = float(NUMBER_WORDS[token])
        last = index
        while last + 1 < len(tokens) and tokens[last + 1][2] in NUMBER_WORDS:
            gap = masked[tokens[last][1] : tokens[last + 1][0]]
            if gap.strip() not in ("", "-"):
                break
            part = NUMBER_WORDS[tokens[last + 1][2]]
            if part == 100:
                value *= 100
            elif value >= 20 and value % 10 == 0 and part < 10:
                value += part
            else:
                break
            last += 1
        end = tokens[last][1]
        following = tokens[last + 1][2] if last + 1 < len(tokens) else ""
        percent = following == "percent" and not masked[end : tokens[last + 1][0]].strip()
        stop = tokens[last + 1][1] if percent else end
        found.append(
            Quantity(
                value,
                "%" if percent else "",
                Span(start=start, end=stop, text=masked[start:stop], kind="ungrounded-number"),
            )
        )
        index = last + 1
    return found


def _unit(currency: str | None, unit: str | None) -> str:
    if currency:
        return "$"
    if not unit:
        return ""
    unit = unit.lower()
    if unit.startswith(("%", "per")):
        return "%"
    return "x"


def id_like(text: str, known: Iterable[str] = ()) -> bool:
    """Is a bracketed word a note id? Known ids are; so is anything with a digit, a separator
    or in capitals ([PS-014], [QA-INJ], [ACME]); a plain word like [sic] is not."""
    return (
        text in known
        or any(c.isdigit() or c in "-_.#" for c in text)
        or (text.isupper() and len(text) >= 2)
    )


def citation_parts(match: re.Match[str], known: Iterable[str] = ()) -> list[str]:
    parts = [p.strip() for p in re.split(r"[,;]", match.group(1)) if p.strip()]
    known = set(known)
    return parts if all(id_like(p, known) for p in parts) else []


def cited_ids(text: str, known: Iterable[str] = ()) -> list[str]:
    ids: list[str] = []
    for match in CITATION.finditer(text):
        ids.extend(citation_parts(match, known))
    return ids


def grounded(quantity: Quantity, table: dict[float, frozenset[str]]) -> bool:
    """Same value, and the same unit, or a bare number against a unit that is not a percent."""
    units = table.get(round(quantity.value, 6))
    if not units:
        return False
    if quantity.unit in units:
        return True
    if quantity.unit == "":
        return any(u != "%" for u in units)
    return quantity.unit != "%" and "" in units
