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
