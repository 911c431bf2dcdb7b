"""Vale-style lexicons: shipped files load; existence and substitution rules find their words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.config import PROJECT_ROOT
from app.errors import ResourceError
from app.scoring.lexicon import Lexicon, LexiconRule, load_lexicons
from app.scoring.words import TOKEN, token_words, word_tokens

# TOKEN as first written: one character, or a dot before a letter or digit, at a time.
_PLAIN_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9'’&+/]|\.(?=[A-Za-z0-9]))*")
_ATOMS = st.sampled_from([*"aZ9.'’&+/ -_é\n", "..", "v2.1", "U.S.", "İ", "\u212a", "ſ"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(_ATOMS, max_size=25).map("".join))
def test_tokens_are_what_the_plain_token_pattern_finds(text: str) -> None:
    assert [m.span() for m in TOKEN.finditer(text)] == [
        m.span() for m in _PLAIN_TOKEN.finditer(text)
    ]
    assert word_tokens(text) == [
        (m.start(), m.end(), m.group().lower()) for m in _PLAIN_TOKEN.finditer(text)
    ]
    for ignorecase in (True, False):  # a lexicon reads n-grams of one and offsets of the other
        assert token_words(text, ignorecase) == tuple(t for *_, t in word_tokens(text, ignorecase))


def test_shipped_lexicons_load_with_both_rule_kinds() -> None:
    lexicons = {lex.name: lex for lex in load_lexicons(PROJECT_ROOT / "corpora" / "lexicons")}
    assert {"tech-jargon", "buzzwords", "weasel"} <= set(lexicons)
    assert lexicons["buzzwords"].rule.extends == "substitution"
    assert len(lexicons["tech-jargon"].entries) >= 80


def test_existence_rule_matches_phrases_case_and_hyphen_variants() -> None:
    rule = LexiconRule(
        extends="existence",
        message="'%s' is jargon",
        level="error",
        tokens=["REST API", "multi-tenant"],
    )
    spans = Lexicon("t", rule).find("Our rest api is multi tenant, not a RESTful thing.")
    assert [s.text for s in spans] == ["rest api", "multi tenant"]
    assert spans[0].message == "t: 'rest api' is jargon" and spans[0].kind == "lexicon-error"


def test_substitution_rule_suggests_the_swap() -> None:
    rule = LexiconRule(
        extends="substitution", message="Use '%s' for '%s'", swap={"leverage": "use"}
    )
    (span,) = Lexicon("b", rule).find("We leverage data.")
    assert span.suggestion == "use" and span.kind == "lexicon-warning"


def test_words_inside_other_words_do_not_match() -> None:
    rule = LexiconRule(extends="existence", message="%s", tokens=["API"])
    assert Lexicon("t", rule).find("rapid capital APIs") == []


def test_rule_file_with_unknown_key_or_no_tokens_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "extends: existence\nmessage: x\nscope: heading\ntokens: [a]\n"
    )
    with pytest.raises(ResourceError, match="scope"):
        load_lexicons(tmp_path)
    (tmp_path / "bad.yaml").write_text("extends: existence\nmessage: x\ntokens: []\n")
    with pytest.raises(ResourceError, match="non-empty"):
        load_lexicons(tmp_path)


def _locate_reading_every_offset(lexicon: Lexicon, text: str) -> list[tuple[int, int]]:
    """Lexicon.locate as first written: every token's offsets read up front (word_tokens)."""
    tokens = word_tokens(text, lexicon.rule.ignorecase)
    words = tuple(t for *_, t in tokens)
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        for n in lexicon._starts.get(words[i], []):
            gram = words[i : i + n]
            if len(gram) == n and gram in lexicon._grams:
                spans = [(s, e) for s, e, _ in tokens]
                if Lexicon._joined(text, spans, i, n):
                    found.append((tokens[i][0], tokens[i + n - 1][1]))
                    i += n - 1
                    break
        i += 1
    return found


_LEXICON_ATOMS = st.sampled_from(
    ["rest", "REST", "api", "API", "multi", "tenant", "v2.1", "İ", "x", *" -\n.,'/"]
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_LEXICON_ATOMS, max_size=30).map("".join), st.booleans())
def test_locate_reads_offsets_lazily_and_finds_what_reading_them_all_finds(
    text: str, ignorecase: bool
) -> None:
    rule = LexiconRule(
        extends="existence",
        message="%s",
        ignorecase=ignorecase,
        tokens=["REST API", "multi-tenant", "API", "rest api v2.1", "x x"],
    )
    lexicon = Lexicon("t", rule)
    assert lexicon.locate(text) == _locate_reading_every_offset(lexicon, text)
