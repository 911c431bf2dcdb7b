"""Word-level helpers shared by the measures: tokenising and cached wordfreq Zipf lookups."""

from __future__ import annotations

import re
from functools import lru_cache

WORD = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*")
# A token: letters and digits joined by ' ’ & + / and by single dots inside it ("v2.1", "U.S";
# no trailing dot). Spelt as runs between dots, not one char-or-dot-with-lookahead repeat: the
# same matches (tests/scoring/test_lexicon.py), a third faster to scan.
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’&+/]*(?:\.[A-Za-z0-9][A-Za-z0-9'’&+/]*)*")
COMMON_ZIPF = 4.05
RARE_ZIPF = 2.74


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """wordfreq Zipf frequency of an English word (0 for unknown words), cached per word."""
    from wordfreq import zipf_frequency

    value: float = zipf_frequency(word.lower(), "en")
    if value == 0.0 and "-" in word:
        # Hyphenated compounds ("month-end") are as common as their rarest part.
        parts = [zipf_frequency(p, "en") for p in word.lower().split("-") if p]
        value = min(parts) if parts else 0.0
    return value


def words(text: str) -> list[str]:
    return WORD.findall(text)


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A plural-and-case-insensitive key: 'Webhooks' -> 'webhook', 'APIs' -> 'api'."""
    lowered = word.lower().replace("’", "'")
    for suffix in ("ies", "es", "s"):
        if lowered.endswith(suffix) and len(lowered) > len(suffix) + 2:
            if suffix == "ies":
                return lowered[:-3] + "y"
            if suffix == "es" and not lowered.endswith(("ses", "xes", "ches", "shes")):
                continue
            return lowered[: -len(suffix)]
    return lowered


@lru_cache(maxsize=64)
def word_tokens(text: str, ignorecase: bool = True) -> list[tuple[int, int, str]]:
    """(start, end, token) for every word, lowercased unless told not to. Cached: each lexicon
    with a hit in a text reads these offsets (token_words finds the hits)."""
    if not ignorecase:
        return [(m.start(), m.end(), m.group(0)) for m in TOKEN.finditer(text)]
    if text.isascii():
        # Lowercasing ASCII keeps every offset, so the text is lowered once, not per token.
        # (Not so beyond ASCII: "İ" lowers to two characters, the Kelvin sign to an ASCII k.)
        lowered = text.lower()
        return [(s, e, lowered[s:e]) for s, e in map(re.Match.span, TOKEN.finditer(lowered))]
    return [(m.start(), m.end(), m.group(0).lower()) for m in TOKEN.finditer(text)]


@lru_cache(maxsize=64)
def token_words(text: str, ignorecase: bool = True) -> tuple[str, ...]:
    """The tokens of word_tokens(text) without their offsets, found in C: a lexicon matches
    n-grams of these and reads offsets only for a hit."""
    if not ignorecase:
        return tuple(TOKEN.findall(text))
    if text.isascii():
        return tuple(TOKEN.findall(text.lower()))
    return tuple(token for _, _, token in word_tokens(text))
