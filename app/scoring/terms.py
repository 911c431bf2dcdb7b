"""Feature terms of a source: acronyms, spec tokens, CamelCase names, rare words, jargon entries.

These are the words an executive reads as "feature talk". The product's own name is exempt,
and so are words the title's own profile uses (a CFO says "reconciliation"). Matching a term
in a rewrite ignores case (except for acronyms: "IT" is not "it") and plural endings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from app.scores import Span
from app.scoring.lexicon import Lexicon, phrase_pattern
from app.scoring.words import RARE_ZIPF, WORD, stem, zipf

ACRONYM = re.compile(r"(?<!\w)[A-Z][A-Z0-9&]*[A-Z0-9](?:s)?(?!\w)")
SPEC = re.compile(
    r"(?<![\w.])(?:\d[\d,.]*(?:\s?%|[A-Za-z]+\+?|-[A-Za-z]+(?:-[A-Za-z]+)*|\+)|"
    r"[A-Za-z]+\d[\w.]*|\d+(?:\.\d+)+)(?![\w])"
)
CAMEL = re.compile(r"(?<![\w-])(?:[a-z]+[A-Z][A-Za-z0-9]*|[A-Z][a-z]+[A-Z][A-Za-z0-9]*)(?![\w-])")


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
        exempt = self.exempt | _product_keys(product)
        found: list[tuple[Term, Span]] = []
        taken: list[tuple[int, int]] = []

        def add(start: int, end: int, kind: str) -> None:
            surface = text[start:end]
            key = _key(surface)
            if not key or key in exempt or any(s < end and start < e for s, e in taken):
                return
            taken.append((start, end))
            term = Term(surface, kind, key)
            found.append((term, Span(start=start, end=end, text=surface, kind=f"term-{kind}")))

        for lexicon in self.jargon:
            for span in lexicon.find(text):
                add(span.start, span.end, "jargon")
        for pattern, kind in ((CAMEL, "camel"), (SPEC, "spec"), (ACRONYM, "acronym")):
            for match in pattern.finditer(text):
                add(match.start(), match.end(), kind)
        for match in WORD.finditer(text):
            word = match.group(0)
            if len(word) >= 4 and word.isalpha() and zipf(word) < RARE_ZIPF:
                add(match.start(), match.end(), "rare")
        found.sort(key=lambda item: item[1].start)
        return found

    def terms(self, text: str, product: str | None = None) -> list[Term]:
        """Distinct feature terms of a source (by plural/case-insensitive key)."""
        unique: dict[str, Term] = {}
        for term, _ in self.find(text, product):
            unique.setdefault(term.key, term)
        return list(unique.values())


def _product_keys(product: str | None) -> set[str]:
    if not product:
        return set()
    parts = [p for p in re.split(r"[\s/]+", product) if p]
    return {_key(product), *(_key(p) for p in parts)}


@lru_cache(maxsize=512)
def _matcher(terms: tuple[Term, ...]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """Two alternations per term set: acronyms case-sensitive, the rest case-insensitive."""
    strict = [t for t in terms if t.kind == "acronym"]
    loose = [t for t in terms if t.kind != "acronym"]

    def build(items: list[Term], flags: int) -> re.Pattern[str] | None:
        if not items:
            return None
        bodies = sorted(
            {phrase_pattern(t.text.rstrip("s") if t.kind == "acronym" else t.text) for t in items},
            key=len,
            reverse=True,
        )
        # Hyphens count as boundaries here: "OCR-powered" still keeps the term OCR.
        return re.compile(rf"(?<!\w)(?:{'|'.join(bodies)})(?:e?s)?(?!\w)", flags)

    return build(strict, 0), build(loose, re.IGNORECASE)


def find_terms_in(text: str, terms: list[Term]) -> list[tuple[Term, Span]]:
    """Occurrences in `text` of the given source terms (plural and case variants match)."""
    if not terms:
        return []
    by_key = {t.key: t for t in terms}
    hits: list[tuple[Term, Span]] = []
    for pattern in _matcher(tuple(terms)):
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            term = by_key.get(_key(match.group(0)))
            if term is None:
                continue
            span = Span(
                start=match.start(),
                end=match.end(),
                text=match.group(0),
                kind="residue",
                message=f"feature term '{term.text}' ({term.kind}) kept from the source",
            )
            hits.append((term, span))
    return hits
