"""Small text utilities shared by chunking, feature extraction and scoring."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

# A sentence ends at . ! or ?, with any closing quotes or brackets it carries, before a space
# and a capital, a digit, ©, a word like "eBPF" or "iOS", or an opening quote or bold mark.
_SENTENCE_END = re.compile(
    r"(?<=[.!?])([\"'”’)\]]*)\s+(?=(?:\*\*?)?[\"'“‘(\[]?(?:[A-Z0-9©]|[a-z]+[A-Z]))"
)
# The same, read after each stop: a pattern that opens with a lookbehind is tried at every
# position of the text, this only where a stop is (_sentence_ends).
_STOP = re.compile(r"[.!?]")
_AFTER_STOP = re.compile(_SENTENCE_END.pattern.removeprefix("(?<=[.!?])"))
_LEADER = "...."  # "Uptime SLA ........ 99.99%": a spec table's dot leader ends nothing
_LEADER_ROW = re.compile(r"\S\s*\.{4,}\s*\S")  # such rows are one sentence each, like bullets
# Company suffixes (Inc., Ltd., Co.) are not here: before a capital they end the sentence in
# every case in corpora/ and evals/ (trademark lines: "... of Datadog, Inc. SignalPath is ...").
_ABBREVIATIONS = {
    "e.g.",
    "i.e.",
    "etc.",
    "vs.",
    "approx.",
    "Dr.",
    "Mr.",
    "Ms.",
    "St.",
    "Prof.",
    "No.",
    "p.",
    "pp.",
    "Fig.",
}
_INITIAL = re.compile(r"(?:^|[\s(])[A-Z]\.$")  # "H. Sandvik"; "U.S." is not one
_MARKDOWN_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+|[-*+•]\s+|\d+[.)]\s+|>\s*)")


def word_count(text: str) -> int:
    """Runs of non-space characters (str.split and the regex \\S+ share one notion of space)."""
    return len(text.split())


# The sentence splitter is our own, not pysbd 0.3.4 (issue 14). On every text in corpora/ and
# evals/ (196), with our line and heading handling kept, pysbd at first disagreed on 130 cuts:
# it was right on 43 (sentences ending "Inc."/"Ltd."/"Co." or opening "eBPF", "©", "**Start";
# initials "H. Sandvik", "St. Aldric"), fixed here and pinned in tests/test_text.py. Now the
# 83 left are all pysbd's errors: 59 dot-leader rows cut into "." fragments, 17 "*" or "**"
# left as sentences, 4 "approx.", 2 ".NET" cut after the dot, 1 missed end after "B.V.". It
# also keeps a quotation's sentences together (21 cuts), which app/corpus/segments.py must not
# have. And it is 80x slower: 1,400 vs 117,000 sentences/s; lexical ScoreCards 80/s vs 256/s.
def split_sentences(text: str) -> list[str]:
    """Sentences of prose; each non-empty line of a list or heading counts as its own sentence."""
    return list(_split_sentences(text))


@lru_cache(maxsize=256)
def _split_sentences(text: str) -> tuple[str, ...]:
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.splitlines() if ln.strip()]
        if not lines:
            continue
        if len(lines) > 1 and any(
            _MARKDOWN_PREFIX.match(ln) or _LEADER_ROW.search(ln) for ln in lines
        ):
            for line in lines:
                sentences.extend(_split_prose(_MARKDOWN_PREFIX.sub("", line)))
        else:
            sentences.extend(_split_prose(" ".join(_MARKDOWN_PREFIX.sub("", ln) for ln in lines)))
    return tuple(sentences)


def split_prose(text: str) -> list[str]:
    """Sentences of one paragraph of prose (line breaks count as spaces)."""
    return _split_prose(text)


def _split_prose(text: str) -> list[str]:
    text = " ".join(text.split())
    if not text:
        return []
    parts: list[str] = []
    start = 0
    for match in _sentence_ends(text):
        candidate = text[start : match.start()]
        last_word = candidate.rsplit(None, 1)[-1].lstrip("\"'“‘([")
        if (
            last_word in _ABBREVIATIONS
            or _ends_in_initial(candidate)
            or candidate.endswith(_LEADER)
        ):
            continue
        parts.append((candidate + match.group(1)).strip())
        start = match.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _sentence_ends(text: str) -> Iterator[re.Match[str]]:
    """_SENTENCE_END.finditer(text): every match starts just after a stop, so only those
    places are tried, left to right, none inside the last match."""
    end = 0
    for stop in _STOP.finditer(text):
        if stop.end() < end:
            continue
        match = _AFTER_STOP.match(text, stop.end())
        if match:
            yield match
            end = match.end()


def _ends_in_initial(candidate: str) -> bool:
    """_INITIAL.search(candidate): its match is the last three characters (two at the start),
    and prose here has no newline for `$` to stop before, so only those are searched."""
    return _INITIAL.search(candidate, max(0, len(candidate) - 3)) is not None


def split_words(text: str, limit: int) -> list[str]:
    """Cut text into pieces of at most `limit` words (for sentences too long to keep whole)."""
    words = text.split()
    return [" ".join(words[i : i + limit]) for i in range(0, len(words), limit)] or [""]


def sentence_spans(text: str) -> list[tuple[int, int, str]]:
    """Each sentence of `text` (as split_sentences gives it) with its start and end offsets."""
    return list(_sentence_spans(text))


@lru_cache(maxsize=256)  # readability, wellformed, grounding and the guard ask for the same text
def _sentence_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    found: list[tuple[int, int, str]] = []
    cursor = 0
    for sentence in split_sentences(text):
        start = text.find(sentence[:30], cursor)
        start = cursor if start < 0 else start
        end = min(len(text), start + len(sentence))
        cursor = end
        found.append((start, end, sentence))
    return tuple(found)


def balanced_quotes(text: str) -> bool:
    """Straight double quotes pair up, and curly ones open before they close."""
    if text.count('"') % 2:
        return False
    if "“" not in text and "”" not in text:
        return True
    depth = 0
    for char in text:
        if char == "“":
            depth += 1
        elif char == "”":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
