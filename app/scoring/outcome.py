"""Outcome fit: does the copy lead with a title goal, carry the features, put the buyer first?"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from app.domain import Claim, Keyworded, TitleProfile
from app.scores import Span
from app.scoring.words import stem, zipf
from app.text import sentence_spans, split_sentences

PRODUCT_SUBJECTS = (
    r"(?:it|this|the (?:platform|solution|product|tool|system|software|suite|module)|our \w+|we)"
)


@lru_cache(maxsize=64)
def _goal_pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    bodies = sorted(
        {r"[\s-]+".join(re.escape(stem(w)) for w in k.split()) for k in keywords},
        key=len,
        reverse=True,
    )
    return re.compile(rf"(?<![\w-])(?:{'|'.join(bodies)})\w*", re.IGNORECASE)


def goal_hits(text: str, profile: TitleProfile, goal_ids: Sequence[str] | None = None) -> list[str]:
    """Ids of the profile's goals (or of `goal_ids`) whose keywords appear in `text`."""
    wanted = [g for g in profile.goals if goal_ids is None or g.id in goal_ids]
    return [g.id for g in wanted if _goal_pattern(tuple(g.keywords)).search(text)]


# A single-word keyword this common names no goal in a result ("number", "win", "close").
_TOO_COMMON_ZIPF = 5.3


def _inflected(keyword: str) -> str:
    """A keyword as a pattern: its last word in any plural, -d/-ed or -ing form; only singular
    or plural when the keyword is written as a plural noun ("books" is not "booked", "misses"
    is not "missing")."""
    *head, last = keyword.lower().split()
    root = stem(last)
    noun = root != last.replace("’", "'")
    if root.endswith("y"):
        tail = re.escape(root[:-1]) + ("(?:y|ies)" if noun else "(?:y|ies|ied)")
    else:
        tail = re.escape(root) + ("(?:s|es)?" if noun else "(?:s|es|d|ed|ing)?")
    return r"[\s-]+".join([*(re.escape(w) for w in head), tail])


def _word_key(keyword: str) -> tuple[str, ...]:
    """Keywords that are one word in two forms ("rep", "reps") share this key."""
    *head, last = keyword.lower().split()
    return (*head, stem(last))


@lru_cache(maxsize=256)
def _result_pattern(keywords: tuple[str, ...], others: tuple[str, ...]) -> re.Pattern[str] | None:
    shared = {_word_key(k) for k in others if k.strip()}
    bodies = sorted(
        {
            _inflected(k)
            for k in keywords
            if k.strip()
            and _word_key(k) not in shared
            and (" " in k.strip() or zipf(k) < _TOO_COMMON_ZIPF)
        },
        key=len,
        reverse=True,
    )
    if not bodies:
        return None
    return re.compile(rf"(?<![\w-])(?:{'|'.join(bodies)})(?![\w-])", re.IGNORECASE)


def result_names(text: str, keywords: Sequence[str], others: Sequence[str] = ()) -> bool:
    """Does a note's result name one of `keywords`, so that copy may cite it for what they
    stand for? Stricter than goal_hits, which scores copy: a keyword counts only as a whole
    word (plural, -ed or -ing: "bookings" is not "books", "reports" not "reps"), not when one
    of `others` is the same word ("reps" names quota and selling time alike), and a single word
    only when it is not too common to name anything ("number")."""
    pattern = _result_pattern(tuple(keywords), tuple(others))
    return pattern is not None and pattern.search(text) is not None


def result_serves(text: str, profile: TitleProfile, goal_id: str) -> bool:
    """Does a note's result name this goal of the title (result_names, the other goals'
    keywords shared)?"""
    return goal_id in named_items(text, profile.goals)


def named_items(text: str, items: Sequence[Keyworded]) -> tuple[str, ...]:
    """Ids of the goals, problems or needs (one list) a note's result names: result_names, a
    keyword another item of the list shares never counting."""
    return tuple(
        item.id
        for item in items
        if result_names(
            text, item.keywords, [k for other in items if other is not item for k in other.keywords]
        )
    )


def first_sentence(text: str) -> str:
    sentences = split_sentences(text)
    return sentences[0] if sentences else ""


@lru_cache(maxsize=64)
def _product_led(product: str | None, verbs: str) -> re.Pattern[str]:
    subjects = [PRODUCT_SUBJECTS]
    if product:
        subjects.append(re.escape(product))
    return re.compile(
        rf"^\W*(?:{'|'.join(subjects)})(?:'s)?\b[^.!?]{{0,40}}?\b(?:{verbs})\b", re.IGNORECASE
    )


def product_led_sentences(text: str, product: str | None, verbs: str) -> tuple[int, list[Span]]:
    """Sentences whose subject is the product ("X offers..."), as spans; and the sentence count.
    `verbs` is a regex alternation of product verbs (WordLists.product_verb_pattern)."""
    pattern = _product_led(product, verbs)
    spans: list[Span] = []
    sentences = sentence_spans(text)
    for start, end, sentence in sentences:
        if pattern.search(sentence):
            spans.append(
                Span(
                    start=start,
                    end=end,
                    text=sentence,
                    kind="product-subject",
                    message="the product is the subject; make the buyer the subject",
                )
            )
    return len(sentences), spans


def covered_features(claims: Sequence[Claim], feature_ids: Sequence[str]) -> float | None:
    if not feature_ids:
        return None
    mapped = {f for claim in claims for f in claim.feature_ids}
    return sum(1 for f in feature_ids if f in mapped) / len(feature_ids)
