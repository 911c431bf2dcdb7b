"""Sentence splitting on real-note formatting: the cases pysbd (a rule-based segmenter) got right
where ours did not, and the ones ours already gets right that pysbd breaks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.text import (
    _INITIAL,
    _SENTENCE_END,
    _ends_in_initial,
    _sentence_ends,
    split_prose,
    split_sentences,
)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (  # company suffixes end trademark lines
            "Datadog is a trademark of Datadog, Inc. SignalPath is a trademark of SignalPath Inc.",
            [
                "Datadog is a trademark of Datadog, Inc.",
                "SignalPath is a trademark of SignalPath Inc.",
            ],
        ),
        (
            "LaunchDarkly is a trademark of Catamorphic Co. All other names are trademarks.",
            ["LaunchDarkly is a trademark of Catamorphic Co.", "All other names are trademarks."],
        ),
        (  # a sentence may open with a lower-case product name or with ©
            "SignalPath gave both sides the same picture. "
            "eBPF auto-instrumentation covered the MES.",
            [
                "SignalPath gave both sides the same picture.",
                "eBPF auto-instrumentation covered the MES.",
            ],
        ),
        (
            "Prometheus is a trademark of The Linux Foundation. © 2025 Chronolake, Inc.",
            ["Prometheus is a trademark of The Linux Foundation.", "© 2025 Chronolake, Inc."],
        ),
        (
            "Trusted by over 2,000 companies. **Start your free trial**: 30 days.",
            ["Trusted by over 2,000 companies.", "**Start your free trial**: 30 days."],
        ),
        (  # initials and "St." do not end a sentence; neither does "p." before a page number
            "Consultant: H. Sandvik. St. Aldric ran the review (see p. 4) in 2025.",
            ["Consultant: H. Sandvik.", "St. Aldric ran the review (see p. 4) in 2025."],
        ),
        (  # a word merely ending in "p" or "vs" is no abbreviation
            "One identity for every app. No passwords to phish. Our devs. They ship.",
            ["One identity for every app.", "No passwords to phish.", "Our devs.", "They ship."],
        ),
        (  # each sentence of a quotation is its own (app/corpus/segments.py relies on it)
            '"That\'s a big if. The western substations are older," says Tobias. We wait.',
            ["\"That's a big if.", 'The western substations are older," says Tobias.', "We wait."],
        ),
        (  # kept as before (pysbd splits these)
            "SDKs for Java, Go, .NET and Python. "
            "It costs approx. $2,600 vs. $900 in the U.S. today.",
            [
                "SDKs for Java, Go, .NET and Python.",
                "It costs approx. $2,600 vs. $900 in the U.S. today.",
            ],
        ),
        (
            "Upgraded to v2.3 with 3.5x faster queries, e.g. No. 4. Then it shipped.",
            ["Upgraded to v2.3 with 3.5x faster queries, e.g. No. 4.", "Then it shipped."],
        ),
    ],
)
def test_split_prose_on_real_note_sentences(text: str, sentences: list[str]) -> None:
    assert split_prose(text) == sentences


def test_spec_table_rows_with_dot_leaders_are_one_sentence_each() -> None:
    text = "SPECIFICATIONS\nUptime SLA ............ 99.99%\nRegions ....... US, EU, UK\n"
    assert split_sentences(text) == [
        "SPECIFICATIONS",
        "Uptime SLA ............ 99.99%",
        "Regions ....... US, EU, UK",
    ]


def test_bold_headings_and_bullets_stay_whole() -> None:
    text = (
        "**Close the books in days, not weeks.**\n\nIn the pilot:\n- Storage fell\n- Load time fell"
    )
    assert split_sentences(text) == [
        "**Close the books in days, not weeks.**",
        "In the pilot:",
        "Storage fell",
        "Load time fell",
    ]


_ATOMS = st.sampled_from(
    [".", "!", "?", " ", '"', "”", ")", "]", "A", "a", "iOS", "eBPF", "©", "**", "(", "H.", "e.g."]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_ATOMS, max_size=25).map("".join))
def test_sentence_ends_and_initials_are_what_the_plain_patterns_find(text: str) -> None:
    prose = " ".join(text.split())  # as _split_prose sees it: no newline
    assert [m.span() for m in _sentence_ends(prose)] == [
        m.span() for m in _SENTENCE_END.finditer(prose)
    ]
    assert _ends_in_initial(prose) is (_INITIAL.search(prose) is not None)
