"""Well-formed sentences: what real note text breaks when it is copied without care.

A sentence of copy must start with a capital, end with a full stop (the headline may not),
balance its quotation marks, and not run into a heading ("reduced by 5x Background: There
were...") or stop at a colon, and say something the copy has not said already (small models
repeat a sentence word for word). Bullets and Markdown marks do not belong in prose.
"""

from __future__ import annotations

import re

from app.scores import Span
from app.text import balanced_quotes, sentence_spans

# Both open with the character sre can scan for (a space, a stop), their lookbehind after it:
# the same matches as "(?<=[\w%)])\s+..." and "[a-z0-9%)][.!?]\s+[a-z]", a half or a third
# of the time (tests/scoring/test_wellformed.py).
_RUN_IN = re.compile(r"\s(?<=[\w%)]\s)\s*[A-Z][a-z]+(?:\s+[a-z]+){0,2}:\s+[\"“]?[A-Z]")
_JOINED = re.compile(r"[.!?](?<=[a-z0-9%)][.!?])\s+[a-z]")
_MARKUP = re.compile(r"^\s*(?:[-*+•#>]|\d+[.)])\s")
_FIRST_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W_]+")
_CITATION = re.compile(r"\[[^\]]*\]")
_OWN_CASE = re.compile(r"[a-z][A-Z]|\d")


def problems(text: str, headline: str = "") -> list[Span]:
    """Every malformed sentence of `text`, and every line of list or heading markup."""
    found: list[Span] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if _MARKUP.match(line):
            found.append(
                Span(
                    start=offset,
                    end=offset + len(line.rstrip()),
                    text=line.rstrip(),
                    kind="fragment",
                    message="list or heading markup in prose",
                )
            )
        offset += len(line)
    seen: set[str] = set()
    for start, end, sentence in sentence_spans(text):
        if any(s.start <= start < s.end for s in found):
            continue
        said = " ".join(_WORD.findall(_CITATION.sub("", sentence).lower()))
        why = _why(sentence, is_headline=bool(headline) and sentence.strip() == headline.strip())
        if not why and said and said in seen:
            why = "repeats an earlier sentence"
        seen.add(said)
        if why:
            found.append(Span(start=start, end=end, text=sentence, kind="fragment", message=why))
    return found


def _why(sentence: str, is_headline: bool) -> str | None:
    stripped = sentence.strip()
    letter = _FIRST_LETTER.search(stripped)
    first_word = stripped.split(maxsplit=1)[0] if stripped else ""
    if (
        letter
        and letter.group(0).islower()
        and not _OWN_CASE.search(first_word)  # "iPhone", "p99" keep their case
    ):
        return "starts in lower case: a fragment of a longer sentence"
    if not balanced_quotes(stripped):
        return "unbalanced quotation marks"
    if _RUN_IN.search(stripped):
        return "runs into a heading"
    if _JOINED.search(stripped):
        return "a fragment in lower case after a full stop"
    if stripped.rstrip(" .").endswith(":"):
        return "stops at a colon"
    if not is_headline and not stripped.endswith((".", "!", "?", ".)", '."', ".”")):
        return "no full stop: a heading or list item posing as a sentence"
    return None
