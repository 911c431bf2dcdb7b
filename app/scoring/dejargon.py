"""De-Jargonizer score (Rakedzon et al., PLOS ONE 2017) on wordfreq Zipf bands.

Words are common (Zipf >= 4.05), mid-frequency (2.74-4.05) or rare (< 2.74);
score = 100 - (0.5 * mid + rare) * 100 / words. 100 means every word is common.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from app.scores import Span
from app.scoring.words import COMMON_ZIPF, RARE_ZIPF, WORD, zipf


@dataclass(frozen=True)
class Bands:
    common: int
    mid: int
    rare: int
    rare_words: tuple[tuple[int, int, str, float], ...] = ()  # start, end, word, Zipf

    @property
    def words(self) -> int:
        return self.common + self.mid + self.rare

    def rare_spans(self) -> list[Span]:
        """The rare words as Spans, built on demand: a source's bands only need the score."""
        return [
            Span(
                start=start,
                end=end,
                text=word,
                kind="rare-word",
                message=f"rare word (Zipf {frequency:.2f})",
            )
            for start, end, word, frequency in self.rare_words
        ]

    @property
    def score(self) -> float | None:
        if not self.words:
            return None
        return 100.0 - (0.5 * self.mid + self.rare) * 100.0 / self.words


@lru_cache(maxsize=1024)
def bands(text: str, exempt: frozenset[str] = frozenset()) -> Bands:
    """Count words per band; words in `exempt` (the product name, lowercased) are skipped."""
    common = mid = rare = 0
    rare_words: list[tuple[int, int, str, float]] = []
    for match in WORD.finditer(text):
        word = match.group(0)
        if word.lower() in exempt:
            continue
        frequency = zipf(word)
        if frequency >= COMMON_ZIPF:
            common += 1
        elif frequency >= RARE_ZIPF:
            mid += 1
        else:
            rare += 1
            rare_words.append((match.start(), match.end(), word, frequency))
    return Bands(common, mid, rare, tuple(rare_words))


def dejargon_score(text: str, exempt: frozenset[str] = frozenset()) -> float | None:
    return bands(text, exempt).score
