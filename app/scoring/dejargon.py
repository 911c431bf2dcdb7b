"""De-Jargonizer score (Rakedzon et al., PLOS ONE 2017) on wordfreq Zipf bands.

Words are common (Zipf >= 4.05), mid-frequency (2.74-4.05) or rare (< 2.74);
score = 100 - (0.5 * mid + rare) * 100 / words. 100 means every word is common.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

from app.scores import Span
from app.scoring.words import COMMON_ZIPF, RARE_ZIPF, WORD, zipf

COMMON, MID, RARE = 0, 1, 2


@dataclass(frozen=True)
class Bands:
    common: int
    mid: int
    rare: int
    rare_spans: tuple[Span, ...] = ()

    @property
    def words(self) -> int:
        return self.common + self.mid + self.rare

    @property
    def score(self) -> float | None:
        if not self.words:
            return None
        return 100.0 - (0.5 * self.mid + self.rare) * 100.0 / self.words


@lru_cache(maxsize=1024)
def bands(text: str, exempt: frozenset[str] = frozenset()) -> Bands:
    """Count words per band; words in `exempt` (the product name, lowercased) are skipped."""
    matches = list(WORD.finditer(text))
    lowered = text.lower()
    if any(word in lowered for word in exempt):  # else no word can be exempt: skip the check
        matches = [m for m in matches if m.group().lower() not in exempt]
    # map() and compress() keep the per-word work in C: this runs on every draft the guard sees.
    kinds = list(map(band, map(re.Match.group, matches)))
    rare_spans = tuple(
        Span(
            start=match.start(),
            end=match.end(),
            text=match.group(),
            kind="rare-word",
            message=f"rare word (Zipf {zipf(match.group()):.2f})",
        )
        for match in compress(matches, map(RARE.__eq__, kinds))
    )
    return Bands(kinds.count(COMMON), kinds.count(MID), kinds.count(RARE), rare_spans)


@lru_cache(maxsize=200_000)
def band(word: str) -> int:
    """COMMON, MID or RARE by the word's Zipf frequency (cached per word, like zipf)."""
    frequency = zipf(word)
    if frequency >= COMMON_ZIPF:
        return COMMON
    return MID if frequency >= RARE_ZIPF else RARE


def dejargon_score(text: str, exempt: frozenset[str] = frozenset()) -> float | None:
    return bands(text, exempt).score
