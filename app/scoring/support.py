"""Does a note support a claim? Its numbers and most of its key words must be in the note."""

from __future__ import annotations

from app.scoring.quantities import found_quantities
from app.scoring.words import stem, words, zipf

# Words a claim adds around what the note says ("At a retailer, your team can..."): they
# prove nothing about the note, so the support check ignores them.
FRAME_WORDS = frozenset(
    "team teams your their customer customers company companies organisation business "
    "people staff work working way also now every each more less fewer within days "
    "with that this these those have from into than then went goes gone".split()
)
MIN_SUPPORT = 0.5


def key_words(text: str) -> set[str]:
    """The words a claim's meaning rests on: not frame words, not the most common English."""
    return {
        stem(w) for w in words(text) if len(w) >= 4 and w.lower() not in FRAME_WORDS and zipf(w) < 6
    }


def numbers(text: str) -> set[float]:
    return {round(q.value, 6) for q in found_quantities(text)}


def best_sentences(claim: str, sentences: list[str], ignore: set[str]) -> list[str]:
    """The (at most two) note sentences a claim rests on, best first."""
    wanted = key_words(claim) - ignore
    values = numbers(claim)
    scored: list[tuple[float, str]] = []
    for sentence in sentences:
        overlap = len(wanted & key_words(sentence)) / len(wanted) if wanted else 0.0
        bonus = 0.5 if values and values & numbers(sentence) else 0.0
        if overlap or bonus:
            scored.append((overlap + bonus, sentence))
    scored.sort(key=lambda pair: -pair[0])
    chosen: list[str] = []
    for score, sentence in scored:
        key = sentence.strip().rstrip(".").lower()
        if any(c.strip().rstrip(".").lower() == key for c in chosen):
            continue
        if chosen and score < 0.5:
            break  # a second sentence only when it carries the claim too
        chosen.append(sentence)
        if len(chosen) == 2:
            break
    return chosen


def support_ratio(claim: str, sentences: list[str], ignore: set[str]) -> float:
    """0..1: 0 when a number of the claim is in none of the sentences; else the share of the
    claim's key words found in them."""
    values = numbers(claim)
    if values - set().union(set(), *(numbers(s) for s in sentences)):
        return 0.0
    wanted = key_words(claim) - ignore
    if not wanted:
        return 1.0 if values else 0.0
    have = set().union(set(), *(key_words(s) for s in sentences))
    return len(wanted & have) / len(wanted)
