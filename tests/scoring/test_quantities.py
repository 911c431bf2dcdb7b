"""The fast paths of quantities.py and numberwords.py against the plain readings they
replace: number words read from every token of the text, numbers from NUMBER.finditer, names
from NAME."""

from __future__ import annotations

import random

import pytest

from app.scoring import names
from app.scoring.numberwords import NUMBER_WORDS, number_words
from app.scoring.quantities import CITATION, NUMBER, _numbers, has_number, quantities
from app.scoring.words import TOKEN


def _plain_number_words(masked: str) -> list[tuple[float, str, int, int]]:
    """Every token walked, as number_words did before it looked for candidates first."""
    tokens = [(m.start(), m.end(), m.group(0).lower()) for m in TOKEN.finditer(masked)]
    found = []
    index = 0
    while index < len(tokens):
        start, end, token = tokens[index]
        if token not in NUMBER_WORDS:
            index += 1
            continue
        value = float(NUMBER_WORDS[token])
        last = index
        while last + 1 < len(tokens) and tokens[last + 1][2] in NUMBER_WORDS:
            if masked[tokens[last][1] : tokens[last + 1][0]].strip() not in ("", "-"):
                break
            part = NUMBER_WORDS[tokens[last + 1][2]]
            if part == 100:
                value *= 100
            elif value >= 20 and value % 10 == 0 and part < 10:
                value += part
            else:
                break
            last += 1
        end = tokens[last][1]
        following = tokens[last + 1][2] if last + 1 < len(tokens) else ""
        percent = following == "percent" and not masked[end : tokens[last + 1][0]].strip()
        stop = tokens[last + 1][1] if percent else end
        found.append((value, "%" if percent else "", start, stop))
        index = last + 1
    return found


TRICKY = [
    "_two",
    "étwo",
    "two.five",
    "ſix",
    "Twenty-One",
    "Ktwo",
    "x.two",
    "a'two",
    "rock’n’two",
    "'two'",
    "two/three",
    "two’s",
    "twenty - five percent",
    "fifty--five",
    "two hundred percent",
    "ninety-nine PERCENT",
    "[PS-1] two [PS-2]three",
    "a.two.three four",
    "..two",
    "v2.5 costs $ 40, a$5 fee, €3bn, 1,234.5 and 12 per cent",
    "٣ items, ١٢ percent",
]


def _fuzz(count: int) -> list[str]:
    rng = random.Random(11)
    atoms = [*NUMBER_WORDS, "Two", "TEN", "percent", "-", " ", ".", ",", "'", "’", "/", "&", "_"]
    atoms += ["é", "ſ", "K", "x", "1", "12", "$", "€", "%", "[PS-1]", "k", "million", "often"]
    return ["".join(rng.choice(atoms) for _ in range(rng.randrange(1, 30))) for _ in range(count)]


@pytest.mark.parametrize("text", TRICKY)
def test_number_words_are_whole_tokens(text: str) -> None:
    masked = CITATION.sub(lambda m: " " * len(m.group(0)), text)
    got = [(q.value, q.unit, q.start, q.end) for q in number_words(masked)]
    assert got == _plain_number_words(masked)


def test_fast_paths_match_the_plain_readings_on_fuzz() -> None:
    for text in TRICKY + _fuzz(3000):
        masked = CITATION.sub(lambda m: " " * len(m.group(0)), text)
        words = [(q.value, q.unit, q.start, q.end) for q in number_words(masked)]
        assert words == _plain_number_words(masked), text
        assert [m.span() for m in _numbers(masked)] == [m.span() for m in NUMBER.finditer(masked)]
        assert has_number(text) is (NUMBER.search(masked) is not None)
        for plain, fast in (
            (names.NAME, names.NAME_SCAN),
            (names.LINE_NAME, names.LINE_NAME_SCAN),
        ):
            assert [m.span() for m in fast.finditer(text)] == [
                m.span() for m in plain.finditer(text)
            ]


def test_spans_are_as_before() -> None:
    (found,) = quantities("Costs fell sixty-five percent [PS-1].")
    assert (found.value, found.unit, found.span.text) == (65.0, "%", "sixty-five percent")
    assert (found.span.start, found.span.end, found.span.kind) == (11, 29, "ungrounded-number")
