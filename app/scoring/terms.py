"""Feature terms of a source: acronyms, spec tokens, CamelCase names, rare words, jargon entries.

These are the words an executive reads as "feature talk". The product's own name is exempt,
and so are words the title's own profile uses (a CFO says "reconciliation"). Matching a term
in a rewrite ignores case (except for acronyms: "IT" is not "it") and plural endings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

from app.scores import Span
from app.scoring.lexicon import Lexicon, phrase_pattern
from app.scoring.words import RARE_ZIPF, WORD, stem, zipf

ACRONYM = re.compile(r"(?<!\w)[A-Z][A-Z0-9&]*[A-Z0-9](?:s)?(?!\w)")
SPEC = re.compile(
    r"(?<![\w.])(?:\d[\d,.]*(?:\s?%|[A-Za-z]+\+?|-[A-Za-z]+(?:-[A-Za-z]+)*|\+)|"
    r"[A-Za-z]+\d[\w.]*|\d+(?:\.\d+)+)(?![\w])"
)
CAMEL = re.compile(r"(?<![\w-])(?:[a-z]+[A-Z][A-Za-z0-9]*|[A-Z][a-z]+[A-Z][A-Za-z0-9]*)(?![\w-])")

# An occurrence before it becomes a Term (and a Span): start, end, kind, key.
_Hit = tuple[int, int, str, str]


@dataclass(frozen=True)
class Term:
    text: str
    kind: str  # acronym | spec | camel | rare | jargon
    key: str


@lru_cache(maxsize=65_536)
def _key(text: str) -> str:
    return " ".join(stem(part) for part in re.split(r"[\s-]+", text) if part)


class TermFinder:
    """Finds feature terms; holds the jargon lexicons and the exempt vocabulary."""

    def __init__(self, jargon: Iterable[Lexicon], exempt_words: Iterable[str] = ()) -> None:
        self.jargon = list(jargon)
        self.exempt = {_key(w) for w in exempt_words}

    def find(self, text: str, product: str | None = None) -> list[tuple[Term, Span]]:
        """Every feature-term occurrence in `text`, longest match first, no overlaps."""
        return [
            (
                Term(text[start:end], kind, key),
                Span(start=start, end=end, text=text[start:end], kind=f"term-{kind}"),
            )
            for start, end, kind, key in self._hits(text, product)
        ]

    def terms(self, text: str, product: str | None = None) -> list[Term]:
        """Distinct feature terms of a source (by plural/case-insensitive key)."""
        unique: dict[str, Term] = {}
        for start, end, kind, key in self._hits(text, product):
            if key not in unique:  # the first occurrence names the term
                unique[key] = Term(text[start:end], kind, key)
        return list(unique.values())

    def _hits(self, text: str, product: str | None) -> list[_Hit]:
        """The occurrences in text order. Jargon entries claim characters first, then
        CamelCase, spec, acronym and rare-word matches, each only where nothing is yet."""
        exempt = self.exempt
        product_keys = _product_keys(product)
        hits: list[_Hit] = []
        taken = 0  # bit i set: character i is already part of a hit

        def add(start: int, end: int, kind: str) -> None:
            nonlocal taken
            key = _key(text[start:end])
            if not key or key in exempt or key in product_keys:
                return
            chars = ((1 << (end - start)) - 1) << start
            if taken & chars:
                return
            taken |= chars
            hits.append((start, end, kind, key))

        for lexicon in self.jargon:
            for start, end in lexicon.locate(text):
                add(start, end, "jargon")
        for pattern, kind in ((CAMEL, "camel"), (SPEC, "spec"), (ACRONYM, "acronym")):
            for match in pattern.finditer(text):
                add(match.start(), match.end(), kind)
        words = list(WORD.finditer(text))  # the rare-word test runs in C (map); few pass it
        for match in compress(words, map(_rare, map(re.Match.group, words))):
            add(match.start(), match.end(), "rare")
        hits.sort()  # no two hits share a start: text order
        return hits


@lru_cache(maxsize=65_536)
def _rare(word: str) -> bool:
    """Rare enough in English to be feature talk; cached as one lookup per word of a source."""
    return len(word) >= 4 and word.isalpha() and zipf(word) < RARE_ZIPF


@lru_cache(maxsize=1024)
def _product_keys(product: str | None) -> frozenset[str]:
    if not product:
        return frozenset()
    parts = [p for p in re.split(r"[\s/]+", product) if p]
    return frozenset({_key(product), *(_key(p) for p in parts)})


# Matching terms in a text. Each term is one pattern, `(?<!\w)BODY(?:e?s)?(?!\w)`, where BODY is
# its words joined by runs of spaces or hyphens (hyphens count as boundaries: "OCR-powered"
# still keeps the term OCR); acronyms match case-sensitively, the rest ignoring case. The result
# is what `finditer` over one alternation of all the terms' bodies, longest body first, gives:
# leftmost matches, no overlaps. Compiling that alternation cost more than the rest of the
# measure for every new source, so a term is only tried where its first word occurs (a
# rewrite keeps few), and its pattern is compiled once (terms recur across sources).

_GAP = re.compile(r"[\s-]+")
# The non-ASCII characters re.IGNORECASE matches to an ASCII letter ("ſ" matches "s"). Mapped
# before lowering, so a substring test on the folded text finds every place a pattern could.
_ASCII_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _phrase(text: str, strict: bool) -> str:
    return text.rstrip("s") if strict else text  # "APIs" matches as "API" plus a plural


@lru_cache(maxsize=16_384)
def _lead(text: str, strict: bool) -> str | None:
    """A substring every match of the term starts with, in the text (`strict`) or in its
    folded form: the first word. None when there is no safe one (non-ASCII, no word)."""
    first = next((w for w in _GAP.split(_phrase(text, strict).strip()) if w), None)
    if first is None or strict:
        return first
    return first.lower() if first.isascii() else None


@lru_cache(maxsize=16_384)
def _matcher(text: str, strict: bool) -> tuple[str, re.Pattern[str]]:
    """The term's regex body and its compiled pattern."""
    body = phrase_pattern(_phrase(text, strict))
    flags = 0 if strict else re.IGNORECASE
    return body, re.compile(rf"(?<!\w)(?:{body})(?:e?s)?(?!\w)", flags)


def _starts(
    pattern: re.Pattern[str], lead: str | None, text: str, haystack: str | None
) -> Iterator[re.Match[str]]:
    """Every match of the pattern, at each start (overlapping ones too)."""
    if lead is None or haystack is None:  # try every position
        match = pattern.search(text)
        while match is not None:
            yield match
            match = pattern.search(text, match.start() + 1)
        return
    at = haystack.find(lead)
    while at >= 0:
        match = pattern.match(text, at)  # the lookbehind still sees text[at - 1]
        if match is not None:
            yield match
        at = haystack.find(lead, at + 1)


def _alternation(
    text: str, terms: list[str], strict: bool, haystack: str | None
) -> list[tuple[int, int]]:
    """(start, end) of the matches `finditer` over the terms' alternation would give."""
    tried: dict[str, tuple[re.Pattern[str], str | None]] = {}  # body -> pattern, lead
    for term in terms:
        lead = _lead(term, strict)
        if lead is None or haystack is None or lead in haystack:
            body, pattern = _matcher(term, strict)
            tried[body] = (pattern, lead)
    # The alternation takes, at each start, the first body (longest first) that matches there.
    # Bodies of equal length that both match at one start are the same words, so same end.
    ends: dict[int, int] = {}
    for body in sorted(tried, key=len, reverse=True):
        for match in _starts(*tried[body], text, haystack):
            ends.setdefault(match.start(), match.end())
    found: list[tuple[int, int]] = []
    resume = 0
    for start in sorted(ends):
        if start >= resume:  # finditer resumes after the previous match
            found.append((start, ends[start]))
            resume = ends[start]
    return found


def find_terms_in(text: str, terms: list[Term]) -> list[tuple[Term, Span]]:
    """Occurrences in `text` of the given source terms (plural and case variants match)."""
    if not terms:
        return []
    by_key = {t.key: t for t in terms}
    acronyms = [t.text for t in terms if t.kind == "acronym"]
    others = [t.text for t in terms if t.kind != "acronym"]
    folded = text.translate(_ASCII_FOLD).lower()
    # Lowering keeps positions unless a character lowers to several (none left after the fold).
    haystack = folded if len(folded) == len(text) else None
    hits: list[tuple[Term, Span]] = []
    for group, strict, within in ((acronyms, True, text), (others, False, haystack)):
        for start, end in _alternation(text, group, strict, within):
            surface = text[start:end]
            term = by_key.get(_key(surface))
            if term is None:
                continue
            span = Span(
                start=start,
                end=end,
                text=surface,
                kind="residue",
                message=f"feature term '{term.text}' ({term.kind}) kept from the source",
            )
            hits.append((term, span))
    return hits
