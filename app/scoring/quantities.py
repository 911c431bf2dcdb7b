"""Numbers with their units, and citation markers, as grounding and the support check see them.

A number is a value with a unit class (%, currency, multiplier or none); "sixty percent" and
"60%" are the same quantity. Citations look like [PS-014] and may list several ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from app.scores import Span
from app.scoring.numberwords import number_words

# Any id the note format allows ([PS-014], [QA-INJ], [rw.7]); a markdown link is no citation.
CITATION = re.compile(
    r"\[([A-Za-z0-9][A-Za-z0-9._#-]*(?:\s*[,;]\s*[A-Za-z0-9][A-Za-z0-9._#-]*)*)\](?!\()"
)
NUMBER = re.compile(
    r"(?<![\w.,])(?P<cur>[$€£]\s?)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<mult>k|K|m|M|mn|bn|B|million|billion|thousand)(?![A-Za-z]))?"
    r"(?:\s?(?P<unit>%|percent\b|per\s?cent\b|x(?![A-Za-z])|times\b))?"
)
# Where a NUMBER match can start: a currency sign or digit, NUMBER's lookbehind holding
# before it (checked after it, so that sre looks only at these characters).
_NUMBER_START = re.compile(r"[$€£\d](?<![\w.,][$€£\d])")
_DIGIT = re.compile(r"\d")
_ID_SEPARATOR = re.compile(r"[,;]")  # the same digits (any Unicode decimal) as NUMBER's \d
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


class Found(NamedTuple):
    """A quantity before it becomes a Quantity: grounding checks many numbers and reports
    few, so it builds the (pydantic, slow to make) Span only for the ones it reports."""

    value: float
    unit: str
    start: int
    end: int
    text: str

    def span(self) -> Span:
        return Span(start=self.start, end=self.end, text=self.text, kind="ungrounded-number")


@lru_cache(maxsize=4096)
def known_quantities(text: str) -> dict[float, frozenset[str]]:
    """Value -> units present in a grounding text (cached: sources and notes repeat)."""
    found: dict[float, set[str]] = {}
    for quantity in found_quantities(text):
        found.setdefault(round(quantity.value, 6), set()).add(quantity.unit)
    return {value: frozenset(units) for value, units in found.items()}


def quantities(text: str, words_too: bool = True) -> list[Quantity]:
    """Numbers with their unit class, ignoring citation markers like [PS-014]."""
    return [Quantity(q.value, q.unit, q.span()) for q in found_quantities(text, words_too)]


def found_quantities(text: str, words_too: bool = True) -> list[Found]:
    """What `quantities` finds, in its order, without the Spans."""
    masked = _mask(text)
    found: list[Found] = []
    for match in _numbers(masked):
        value = float(match.group("num").replace(",", ""))
        mult = (match.group("mult") or "").lower()
        value *= MULTIPLIERS.get(mult, 1.0)
        found.append(
            Found(
                value,
                _unit(match.group("cur"), match.group("unit")),
                match.start(),
                match.end(),
                match.group(0).strip(),
            )
        )
    if words_too:
        found.extend(Found(*word) for word in number_words(masked))
    return found


def has_number(text: str) -> bool:
    """Is `quantities(text, words_too=False)` non-empty? Every NUMBER match holds a digit
    (`\\d`, which masking cannot add), so a text without one needs no masking or matching."""
    return _DIGIT.search(text) is not None and next(_numbers(_mask(text)), None) is not None


def _numbers(masked: str) -> Iterator[re.Match[str]]:
    """NUMBER.finditer(masked), faster: NUMBER opens with a lookbehind, so sre tries it at
    every position; a match can only start where _NUMBER_START matches, so only those places
    are tried. The first that matches is the leftmost match, as finditer would find it."""
    end = 0
    for candidate in _NUMBER_START.finditer(masked):
        start = candidate.start()
        if start < end:
            continue  # inside the last number
        match = NUMBER.match(masked, start)  # the lookbehind still sees masked[start - 1]
        if match:
            yield match
            end = match.end()


def _mask(text: str) -> str:
    """`text` with each citation marker blanked out, offsets kept."""
    if "[" not in text:  # every CITATION match opens with one
        return text
    return CITATION.sub(lambda m: " " * len(m.group(0)), text)


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
    parts = [p.strip() for p in _ID_SEPARATOR.split(match.group(1)) if p.strip()]
    if not isinstance(known, (set, frozenset, dict)):  # a dict (evidence by id) tests its keys
        known = set(known)
    return parts if all(id_like(p, known) for p in parts) else []


def cited_ids(text: str, known: Iterable[str] = ()) -> list[str]:
    ids: list[str] = []
    for match in CITATION.finditer(text):
        ids.extend(citation_parts(match, known))
    return ids


def grounded(quantity: Quantity | Found, table: dict[float, frozenset[str]]) -> bool:
    """Same value, and the same unit, or a bare number against a unit that is not a percent."""
    units = table.get(round(quantity.value, 6))
    if not units:
        return False
    if quantity.unit in units:
        return True
    if quantity.unit == "":
        return any(u != "%" for u in units)
    return quantity.unit != "%" and "" in units
