"""Vale-style lexicons (corpora/lexicons/*.yaml): `existence` flags words, `substitution` swaps.

Tokens are literal words or phrases (case-insensitive when `ignorecase`), matched on word
boundaries with any run of spaces or hyphens between the words of a phrase.
"""

from __future__ import annotations

import re
from itertools import compress, islice
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.errors import ResourceError
from app.scores import Span
from app.scoring.words import TOKEN, token_words
from app.yamlio import load_yaml_model

Level = Literal["error", "warning", "suggestion"]


class LexiconRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    extends: Literal["existence", "substitution"]
    message: str = Field(min_length=1)
    level: Level = "warning"
    ignorecase: bool = True
    tokens: list[str] = Field(default_factory=list)
    swap: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _has_entries(self) -> LexiconRule:
        if self.extends == "existence" and not self.tokens:
            raise ValueError("an existence rule needs a non-empty `tokens` list")
        if self.extends == "substitution" and not self.swap:
            raise ValueError("a substitution rule needs a non-empty `swap` map")
        return self


def phrase_pattern(phrase: str) -> str:
    words = [re.escape(w) for w in re.split(r"[\s-]+", phrase.strip()) if w]
    return r"[\s-]+".join(words)


class Lexicon:
    """One loaded rule file. Entries are matched as word n-grams through a set lookup: much
    faster than one regular expression with hundreds of alternatives, for the same result."""

    def __init__(self, name: str, rule: LexiconRule) -> None:
        self.name = name
        self.rule = rule
        entries = rule.tokens if rule.extends == "existence" else list(rule.swap)
        self.entries = sorted({e.strip() for e in entries if e.strip()}, key=len, reverse=True)
        fold = str.lower if rule.ignorecase else str
        self._grams: dict[tuple[str, ...], str] = {}
        for entry in self.entries:
            gram = tuple(fold(w) for w in re.split(r"[\s-]+", entry) if w)
            if gram:
                self._grams.setdefault(gram, entry)
        # First word -> the lengths of the entries it starts, longest first.
        self._starts: dict[str, list[int]] = {}
        for gram in self._grams:
            self._starts.setdefault(gram[0], []).append(len(gram))
        for lengths in self._starts.values():
            lengths.sort(reverse=True)
        self._fold = fold
        self._swap = {fold(" ".join(re.split(r"[\s-]+", k))): v for k, v in rule.swap.items()}

    def find(self, text: str) -> list[Span]:
        return [self._span(text, start, end) for start, end in self.locate(text)]

    def locate(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every entry in `text`, longest first, no overlaps; no Span built
        (feature terms need only the places)."""
        words = token_words(text, self.rule.ignorecase)
        starts, grams = self._starts, self._grams
        offsets: _Offsets | None = None  # read only for a hit, and only as far as it
        spans: list[tuple[int, int]] = []
        covered = 0
        # Where an entry may start, found in C (map, compress): most tokens start none, and
        # most n-grams that start with an entry's first word are not entries.
        for i in compress(range(len(words)), map(starts.__contains__, words)):
            if i < covered:
                continue
            for n in starts[words[i]]:
                if i + n > len(words) or words[i : i + n] not in grams:
                    continue
                offsets = offsets or _Offsets(text)
                tokens = offsets.first(i + n)
                if self._joined(text, tokens, i, n):
                    spans.append((tokens[i][0], tokens[i + n - 1][1]))
                    covered = i + n
                    break
        return spans

    @staticmethod
    def _joined(text: str, tokens: list[tuple[int, int]], i: int, n: int) -> bool:
        """Words of a phrase are separated only by spaces or hyphens, and the phrase is not
        glued by a hyphen to a word outside it ("API" does not match inside "API-first")."""
        for k in range(i, i + n - 1):
            gap = text[tokens[k][1] : tokens[k + 1][0]]
            if not gap or gap.strip(" \t\n-"):
                return False
        start, end = tokens[i][0], tokens[i + n - 1][1]
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        return before != "-" and after != "-"

    def _span(self, text: str, start: int, end: int) -> Span:
        found = text[start:end]
        suggestion = self._swap.get(self._fold(" ".join(re.split(r"[\s-]+", found))))
        if self.rule.extends == "substitution":
            message = _format(self.rule.message, found, suggestion or "")
        else:
            message = _format(self.rule.message, found)
        return Span(
            start=start,
            end=end,
            text=found,
            kind=f"lexicon-{self.rule.level}",
            message=f"{self.name}: {message}",
            suggestion=suggestion,
        )


class _Offsets:
    """(start, end) of a text's tokens, the ones token_words gives (TOKEN's matches: lowering
    keeps them, see word_tokens), read from one finditer only as far as a hit needs."""

    def __init__(self, text: str) -> None:
        self._matches = TOKEN.finditer(text)
        self._spans: list[tuple[int, int]] = []

    def first(self, count: int) -> list[tuple[int, int]]:
        """At least the first `count` tokens' offsets (hits come in text order)."""
        missing = count - len(self._spans)
        if missing > 0:
            self._spans.extend(map(re.Match.span, islice(self._matches, missing)))
        return self._spans


def _format(message: str, *values: str) -> str:
    try:
        return message % values[: message.count("%s")]
    except (TypeError, ValueError):
        return message


def load_lexicons(directory: Path) -> list[Lexicon]:
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not files:
        raise ResourceError(f"no lexicons (*.yaml) in {directory}")
    return [Lexicon(path.stem, load_yaml_model(path, LexiconRule)) for path in files]
