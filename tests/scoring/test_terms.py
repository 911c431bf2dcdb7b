"""Feature terms: finding them in a source and matching them in a rewrite."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from app.scoring.lexicon import phrase_pattern
from app.scoring.terms import Term, TermFinder, _key, find_terms_in


def reference_find_terms_in(text: str, terms: list[Term]) -> list[tuple[str, int, int]]:
    """The matcher as first written: one alternation per case mode, longest body first."""
    by_key = {t.key: t for t in terms}
    found: list[tuple[str, int, int]] = []
    for acronyms, flags in ((True, 0), (False, re.IGNORECASE)):
        bodies = sorted(
            {
                phrase_pattern(t.text.rstrip("s") if acronyms else t.text)
                for t in terms
                if (t.kind == "acronym") == acronyms
            },
            key=len,
            reverse=True,
        )
        if not bodies:
            continue
        pattern = re.compile(rf"(?<!\w)(?:{'|'.join(bodies)})(?:e?s)?(?!\w)", flags)
        for match in pattern.finditer(text):
            term = by_key.get(_key(match.group(0)))
            if term is not None:
                found.append((term.text, match.start(), match.end()))
    return found


def found(text: str, terms: list[Term]) -> list[tuple[str, int, int]]:
    return [(t.text, s.start, s.end) for t, s in find_terms_in(text, terms)]


def term(text: str, kind: str = "jargon") -> Term:
    return Term(text, kind, _key(text))


TERMS = [
    term("API", "acronym"),
    term("APIs", "acronym"),
    term("SSO", "acronym"),
    term("REST API"),
    term("webhook", "rare"),
    term("Webhooks", "rare"),
    term("3-way", "spec"),
    term("multi entity consolidation"),
    term("LedgerFlow", "camel"),
    term("OCR"),
    term("sso"),
]


def test_case_plural_and_hyphen_variants() -> None:
    text = "Our REST-api and three WEBHOOKS, sso via 3 way matching; apis and APIs; OCR-powered."
    # Acronyms first (case-sensitive: "apis" is not "APIs"), then the rest; one key, one term.
    assert found(text, TERMS) == [
        ("APIs", 66, 70),
        ("REST API", 4, 12),
        ("Webhooks", 23, 31),
        ("sso", 33, 36),
        ("3-way", 41, 46),
        ("OCR", 72, 75),
    ]
    assert found(text, TERMS) == reference_find_terms_in(text, TERMS)


def test_unicode_case_folds_still_match() -> None:
    # re.IGNORECASE matches "ſ" to "s" and the Kelvin sign to "k", so the first-word prefilter
    # must too. "ſſo" then fails the key lookup ("ſ" does not lower to "s"); "webhooK" keeps it.
    text = "one ſſo, a webhoo\u212a, and ıt"
    terms = [term("sso"), term("webhook", "rare"), term("IT")]
    assert found(text, terms) == reference_find_terms_in(text, terms)
    assert [t for t, _, _ in found(text, terms)] == ["webhook"]
    # The unmatched "ſ x" still takes its characters: "x y" is not found inside it.
    terms = [term("s x"), term("x y")]
    assert found("ſ x y", terms) == reference_find_terms_in("ſ x y", terms) == []


def test_longest_body_first_then_leftmost() -> None:
    terms = [term("a b c"), term("a b"), term("b c d"), term("abcdefgh")]
    # "a b" also matches where an earlier match ends inside its previous occurrence.
    terms += [term("z a"), term("a a")]
    for text in ["a b c d", "a-b c d e", "x a b-c d", "abcdefghs a b", "z a a a", "1.1.1"]:
        assert found(text, terms) == reference_find_terms_in(text, terms), text


def test_source_terms_are_distinct_and_exempt_the_product() -> None:
    finder = TermFinder([], ["reconciliation"])
    source = "LedgerFlow syncs GL via API and APIs; reconciliation with SAML, 99.95% uptime."
    terms = finder.terms(source, product="LedgerFlow")
    assert [(t.text, t.kind) for t in terms] == [
        ("syncs", "rare"),
        ("GL", "acronym"),
        ("API", "acronym"),
        ("SAML", "acronym"),
        ("99.95%", "spec"),
    ]
    spans = [s for _, s in finder.find(source, product="LedgerFlow")]
    assert [(s.text, s.kind) for s in spans][1:4] == [
        ("GL", "term-acronym"),
        ("API", "term-acronym"),
        ("APIs", "term-acronym"),
    ]


WORDS = st.sampled_from(
    ["API", "api", "APIs", "Apis", "SSO", "ſso", "REST", "rest", "webhook", "Webhooks", "hooks"]
    + ["3", "way", "a", "b", "c", "es", "s", "ſ", "x1", "IT", "it", "ıt", "İT", "_", "é", "1.1"]
)
SEPARATORS = st.sampled_from([" ", " ", "-", "--", ", ", "", "_", "\n", "’", "."])
TEXTS = st.lists(st.tuples(WORDS, SEPARATORS), max_size=30).map(
    lambda parts: "".join(w + s for w, s in parts)
)
TERM_TEXTS = st.lists(
    st.tuples(
        st.sampled_from(
            ["API", "APIs", "SSO", "REST API", "webhook", "3-way", "IT", "a b", "b", "b b", "s b"]
            + ["1.1", "a b c", "rest"]
        ),
        st.sampled_from(["acronym", "jargon", "rare", "spec"]),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=500, deadline=None)
@given(TEXTS, TERM_TEXTS)
def test_matches_equal_one_alternation(text: str, specs: list[tuple[str, str]]) -> None:
    terms = [term(t, kind) for t, kind in specs]
    assert found(text, terms) == reference_find_terms_in(text, terms)
