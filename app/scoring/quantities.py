"""Numbers with their units, and citation markers, as grounding and the support check see them.

A number is a value with a unit class (%, currency, multiplier or none); "sixty percent" and
"60%" are the same quantity. Citations look like [PS-014] and may list several ids.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from app.scores import Span
from app.scoring.words import TOKEN

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


def _trie(words: Iterable[str]) -> str:
    """A regex matching exactly `words`, shaped as a trie ("t(?:en|w(?:elve|o))"): sre then
    tries one branch per letter instead of every word at every position."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(c) + pattern(rest) for c, rest in sorted(node.items()) if c]
        if not branches:
            return ""
        if "" in node:
            return f"(?:{'|'.join(branches)})?"
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"

    return pattern(tree)


# Where a number word may be a token, in `text.encode("ascii", "replace").lower()`: one byte
# per character (anything not ASCII is "?"), ASCII letters lowercased, so offsets are the
# text's. A token equal to a number word is ASCII letters that lowercase to it, with no ASCII
# letter or digit on either side (one before would start or continue the token, one after
# would continue it), so it is always a match here; a match is a candidate that _Tokens then
# checks ("x.two" and "two/three" are not tokens "two"). Not a str pattern with IGNORECASE
# and \b: "_two" and "étwo" hold the token "two" with no \b before it, and IGNORECASE matches
# "ſix" (long s), which TOKEN does not take for a letter.
_NUMBER_WORD = re.compile(rf"(?<![a-z0-9]){_trie(NUMBER_WORDS)}(?![a-z0-9])".encode())
_TOKEN_CHARS = frozenset(string.ascii_letters + string.digits + "'’&+/.")  # all TOKEN takes
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
        found.extend(_number_words(masked))
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


def _number_words(masked: str) -> list[Found]:
    """Numbers written as words, compounds read as one: "fifty-five percent" is 55%, "two
    hundred" is 200.

    The reading is over word_tokens (TOKEN): a number word counts only as a whole token,
    and a compound or "percent" joins only the very next token. Tokenising a whole text
    costs far more than the rare number words in it, so this finds the candidates first
    (_NUMBER_WORD on an ASCII copy, see there), checks each is a token, and tokenises only
    around them (_Tokens): the result is what walking every token gives."""
    ascii_lower = masked.encode("ascii", "replace").lower()
    found: list[Found] = []
    tokens: _Tokens | None = None
    done = 0  # the end of the last number read: later candidates start at or after it
    for candidate in _NUMBER_WORD.finditer(ascii_lower):
        if candidate.start() < done:
            continue
        tokens = tokens or _Tokens(masked)
        first = tokens.at(candidate.start())
        if first is None or first[2] not in NUMBER_WORDS:
            continue  # inside or the start of a longer token ("x.two", "two/three")
        start = first[0]
        value = float(NUMBER_WORDS[first[2]])
        last = first
        following = tokens.after(last[1])
        while following is not None and following[2] in NUMBER_WORDS:
            gap = masked[last[1] : following[0]]
            if gap.strip() not in ("", "-"):
                break
            part = NUMBER_WORDS[following[2]]
            if part == 100:
                value *= 100
            elif value >= 20 and value % 10 == 0 and part < 10:
                value += part
            else:
                break
            last = following
            following = tokens.after(last[1])
        end = last[1]
        percent = (
            following is not None
            and following[2] == "percent"
            and not masked[end : following[0]].strip()
        )
        stop = following[1] if percent and following is not None else end
        found.append(Found(value, "%" if percent else "", start, stop, masked[start:stop]))
        done = end
    return found


class _Tokens:
    """The tokens of `text` (as word_tokens gives them: start, end, lowercased) on demand,
    near given offsets, without tokenising the rest.

    TOKEN has no lookbehind, so the tokens starting at or after any offset that follows a
    character no token holds (not a letter, digit or one of '’&+/.) are exactly what
    TOKEN.finditer finds from that offset: scanning can restart at such a character."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.scan: Iterator[re.Match[str]] = TOKEN.finditer(text)
        self.scanned = 0  # self.scan has yielded every token starting before this offset
        self.last: tuple[int, int, str] | None = None  # the last token it yielded

    def at(self, offset: int) -> tuple[int, int, str] | None:
        """The token starting exactly at `offset`, if one does (offsets only increase)."""
        text = self.text
        restart = offset
        while restart > self.scanned and text[restart - 1] in _TOKEN_CHARS:
            restart -= 1
        if restart > self.scanned:  # text[restart - 1] is in no token: start afresh there
            self.scan = TOKEN.finditer(text, restart)
            self.scanned = restart
            self.last = None
        while self.last is None or self.last[0] < offset:
            if not self._next():
                return None
        return self.last if self.last[0] == offset else None

    def after(self, offset: int) -> tuple[int, int, str] | None:
        """The first token starting at or after `offset`, the end of the last one read."""
        while self.last is None or self.last[0] < offset:
            if not self._next():
                return None
        return self.last

    def _next(self) -> bool:
        match = next(self.scan, None)
        if match is None:
            self.scanned = len(self.text) + 1
            self.last = None
            return False
        self.last = (match.start(), match.end(), match.group(0).lower())
        self.scanned = match.start() + 1
        return True


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
