"""Numbers written as words ("fifty-five percent", "two hundred"), as grounding reads them.

Part of the quantities a rewrite states (app/scoring/quantities.py): a number the table below
misses is a number grounding cannot check.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from app.scoring.words import TOKEN


class NumberWord(NamedTuple):
    """A number read from words: its value, "%" or "", and where it sits in the text."""

    value: float
    unit: str
    start: int
    end: int
    text: str


# English number words are grammar, not editorial data (unlike corpora/wordlists.yaml): the
# parser below relies on their values (tens + units, hundred multiplies), and a number the
# table misses is a number grounding cannot check.
NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
}


def _trie(words: Iterable[str]) -> str:
    """A regex matching exactly `words`, shaped as a trie ("t(?:en|w(?:elve|o))"): sre then
    tries one branch per letter instead of every word at every position."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(c) + pattern(rest) for c, rest in sorted(node.items()) if c]
        if not branches:
            return ""
        if "" in node:
            return f"(?:{'|'.join(branches)})?"
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"

    return pattern(tree)


# Where a number word may be a token, in `text.encode("ascii", "replace").lower()`: one byte
# per character (anything not ASCII is "?"), ASCII letters lowercased, so offsets are the
# text's. A token equal to a number word is ASCII letters that lowercase to it, with no ASCII
# letter or digit on either side (one before would start or continue the token, one after
# would continue it), so it is always a match here; a match is a candidate that _Tokens then
# checks ("x.two" and "two/three" are not tokens "two"). Not a str pattern with IGNORECASE
# and \b: "_two" and "étwo" hold the token "two" with no \b before it, and IGNORECASE matches
# "ſix" (long s), which TOKEN does not take for a letter.
_NUMBER_WORD = re.compile(rf"(?<![a-z0-9]){_trie(NUMBER_WORDS)}(?![a-z0-9])".encode())
_TOKEN_CHARS = frozenset(string.ascii_letters + string.digits + "'’&+/.")  # all TOKEN takes


def number_words(masked: str) -> list[NumberWord]:
    """Numbers written as words, compounds read as one: "fifty-five percent" is 55%, "two
    hundred" is 200.

    The reading is over word_tokens (TOKEN): a number word counts only as a whole token,
    and a compound or "percent" joins only the very next token. Tokenising a whole text
    costs far more than the rare number words in it, so this finds the candidates first
    (_NUMBER_WORD on an ASCII copy, see there), checks each is a token, and tokenises only
    around them (_Tokens): the result is what walking every token gives."""
    ascii_lower = masked.encode("ascii", "replace").lower()
    found: list[NumberWord] = []
    tokens: _Tokens | None = None
    done = 0  # the end of the last number read: later candidates start at or after it
    for candidate in _NUMBER_WORD.finditer(ascii_lower):
        if candidate.start() < done:
            continue
        tokens = tokens or _Tokens(masked)
        first = tokens.at(candidate.start())
        if first is None or first[2] not in NUMBER_WORDS:
            continue  # inside or the start of a longer token ("x.two", "two/three")
        start = first[0]
        value = float(NUMBER_WORDS[first[2]])
        last = first
        following = tokens.after(last[1])
        while following is not None and following[2] in NUMBER_WORDS:
            gap = masked[last[1] : following[0]]
            if gap.strip() not in ("", "-"):
                break
            part = NUMBER_WORDS[following[2]]
            if part == 100:
                value *= 100
            elif value >= 20 and value % 10 == 0 and part < 10:
                value += part
            else:
                break
            last = following
            following = tokens.after(last[1])
        end = last[1]
        percent = (
            following is not None
            and following[2] == "percent"
            and not masked[end : following[0]].strip()
        )
        stop = following[1] if percent and following is not None else end
        found.append(NumberWord(value, "%" if percent else "", start, stop, masked[start:stop]))
        done = end
    return found


class _Tokens:
    """The tokens of `text` (as word_tokens gives them: start, end, lowercased) on demand,
    near given offsets, without tokenising the rest.

    TOKEN has no lookbehind, so the tokens starting at or after any offset that follows a
    character no token holds (not a letter, digit or one of '’&+/.) are exactly what
    TOKEN.finditer finds from that offset: scanning can restart at such a character."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.scan: Iterator[re.Match[str]] = TOKEN.finditer(text)
        self.scanned = 0  # self.scan has yielded every token starting before this offset
        self.last: tuple[int, int, str] | None = None  # the last token it yielded

    def at(self, offset: int) -> tuple[int, int, str] | None:
        """The token starting exactly at `offset`, if one does (offsets only increase)."""
        text = self.text
        restart = offset
        while restart > self.scanned and text[restart - 1] in _TOKEN_CHARS:
            restart -= 1
        if restart > self.scanned:  # text[restart - 1] is in no token: start afresh there
            self.scan = TOKEN.finditer(text, restart)
            self.scanned = restart
            self.last = None
        while self.last is None or self.last[0] < offset:
            if not self._next():
                return None
        return self.last if self.last[0] == offset else None

    def after(self, offset: int) -> tuple[int, int, str] | None:
        """The first token starting at or after `offset`, the end of the last one read."""
        while self.last is None or self.last[0] < offset:
            if not self._next():
                return None
        return self.last

    def _next(self) -> bool:
        match = next(self.scan, None)
        if match is None:
            self.scanned = len(self.text) + 1
            self.last = None
            return False
        self.last = (match.start(), match.end(), match.group(0).lower())
        self.scanned = match.start() + 1
        return True
