"""Note segments: headings, bullets, pull quotes and attributions are told apart before prose
is split into sentences. Inputs are lines from the real-world sample notes (RW-001 to RW-018)."""

from __future__ import annotations

import pytest

from app.corpus.segments import Segment, segments, sentences
from app.text import balanced_quotes, split_prose


def kinds_and_texts(body: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in segments(body)]


# Headings on their own line


@pytest.mark.parametrize(
    ("body", "heading", "sentence"),
    [
        (
            "The challenge\n\nBy 2023 we were running fourteen Prometheus servers.",
            "The challenge",
            "By 2023 we were running fourteen Prometheus servers.",
        ),
        (
            "The challenge\nBy 2023 we were running fourteen Prometheus servers.",
            "The challenge",
            "By 2023 we were running fourteen Prometheus servers.",
        ),
        (
            "What changed\nThe two stores were merged into a single Chronolake DB cluster.",
            "What changed",
            "The two stores were merged into a single Chronolake DB cluster.",
        ),
        (
            "Background:\nUntil last year we sent everything to Datadog.",
            "Background",
            "Until last year we sent everything to Datadog.",
        ),
        (
            "The solution:\nWe kept Datadog for APM and moved metrics to Chronolake Cloud.",
            "The solution",
            "We kept Datadog for APM and moved metrics to Chronolake Cloud.",
        ),
        (
            "# Results\n\nWe cut our bill by sixty percent in the first quarter.",
            "Results",
            "We cut our bill by sixty percent in the first quarter.",
        ),
    ],
)
def test_heading_on_its_own_line_is_a_heading_not_part_of_the_next_sentence(
    body: str, heading: str, sentence: str
) -> None:
    assert kinds_and_texts(body) == [("heading", heading), ("prose", sentence)]


@pytest.mark.parametrize(
    ("body", "sentence"),
    [
        # RW-017: a sentence that opens with a lower-case term
        (
            "Results\np99 booking latency fell from 1.4 s to 210 ms.",
            "p99 booking latency fell from 1.4 s to 210 ms.",
        ),
        # RW-003: a sentence that opens with a number
        (
            "Results\n3.4M active series, up from the 600k we could afford before.",
            "3.4M active series, up from the 600k we could afford before.",
        ),
    ],
)
def test_heading_before_a_line_that_opens_without_a_capital_does_not_glue_to_it(
    body: str, sentence: str
) -> None:
    assert kinds_and_texts(body) == [("heading", "Results"), ("prose", sentence)]


def test_heading_before_a_pull_quote_line_does_not_glue_to_the_quote() -> None:
    # RW-011
    body = (
        "What we did\n"
        '"We didn\'t want another tool to babysit. We wanted Git to be the truth," says '
        "Sunita Rahman, Head of Digital.\n"
        "The team chose Launchwell's GitOps mode."
    )
    assert kinds_and_texts(body) == [
        ("heading", "What we did"),
        ("quote", "We didn't want another tool to babysit."),
        ("quote", "We wanted Git to be the truth."),
        ("prose", "The team chose Launchwell's GitOps mode."),
    ]


def test_nine_word_heading_with_a_date_range_before_bullets_is_no_sentence() -> None:
    # RW-010: nine words, no full stop, followed by the results it introduces
    body = (
        "Measured outcomes (April to June 2023 vs. Q4 2022)\n"
        "- Lead time from merge to production: median 7 working days → 1.5 days"
    )
    assert [s.text for s in sentences(body)] == [
        "Lead time from merge to production: median 7 working days → 1.5 days"
    ]


def test_sentences_leave_out_headings_and_attributions() -> None:
    body = (
        "Key results:\n"
        "- Tracking outages: nine in 2022, none in the first four months of 2023\n"
        "“I used to dread the Monday after a bank holiday. Now it's just a Monday.”\n"
        "— Carys Pemberton, COO"
    )
    assert sentences(body) == [
        Segment("Tracking outages: nine in 2022, none in the first four months of 2023", "bullet"),
        Segment("I used to dread the Monday after a bank holiday.", "quote"),
        Segment("Now it's just a Monday.", "quote"),
    ]


# Bullets


def test_bullet_results_without_full_stops_are_each_their_own_segment() -> None:
    # RW-001 and RW-003
    body = (
        "Results\n"
        "- Monitoring infrastructure cost down 60%, from about $41k to $16k a month\n"
        "- p99 dashboard query latency from 800 ms to 90 ms\n"
        "- Metrics spend down 72% year over year\n"
        "Mei says the next step is per-tenant SLOs."
    )
    assert kinds_and_texts(body) == [
        ("heading", "Results"),
        ("bullet", "Monitoring infrastructure cost down 60%, from about $41k to $16k a month"),
        ("bullet", "p99 dashboard query latency from 800 ms to 90 ms"),
        ("bullet", "Metrics spend down 72% year over year"),
        ("prose", "Mei says the next step is per-tenant SLOs."),
    ]


def test_bullet_result_is_not_glued_to_a_run_in_heading_on_the_next_line() -> None:
    body = "- Time to fix bugs reduced by 5x\nBackground: There were many challenges."
    assert kinds_and_texts(body) == [
        ("bullet", "Time to fix bugs reduced by 5x"),
        ("heading", "Background"),
        ("prose", "There were many challenges."),
    ]


def test_numbered_objectives_are_bullets_under_their_heading() -> None:
    # RW-010
    body = (
        "Objectives:\n"
        "1. Automate deployments for the 14 digital-channel services\n"
        "2. Integrate with ServiceNow so every deployment still raises a change record"
    )
    assert kinds_and_texts(body) == [
        ("heading", "Objectives"),
        ("bullet", "Automate deployments for the 14 digital-channel services"),
        ("bullet", "Integrate with ServiceNow so every deployment still raises a change record"),
    ]


@pytest.mark.parametrize(
    "item",
    [
        "Lead time: 7 days → 1.5 days",
        # RW-008
        "Deployment frequency: 2 per month to ~40 per day",
        # RW-015
        "MTTR for P1 incidents: 3 h 10 min → 48 min over the first full year",
    ],
)
def test_label_and_value_bullet_stays_one_bullet(item: str) -> None:
    assert kinds_and_texts(f"Results\n- {item}") == [("heading", "Results"), ("bullet", item)]


# Run-in labels


def test_run_in_label_splits_off_its_sentence() -> None:
    assert kinds_and_texts("Background: There were many challenges in the old setup.") == [
        ("heading", "Background"),
        ("prose", "There were many challenges in the old setup."),
    ]


def test_run_in_label_before_vendor_boilerplate_splits_off() -> None:
    # RW-007
    body = "About Chronolake: Chronolake is trusted by over 2,000 companies."
    assert kinds_and_texts(body) == [
        ("heading", "About Chronolake"),
        ("prose", "Chronolake is trusted by over 2,000 companies."),
    ]


def test_lower_case_text_after_a_colon_is_no_run_in_label() -> None:
    # RW-002
    body = "Open items: the Frankfurt site still double-writes to InfluxDB."
    assert kinds_and_texts(body) == [("prose", body)]


# Pull quotes and attributions


def test_pull_quote_with_says_name_and_title_keeps_only_the_quoted_words() -> None:
    # RW-001
    body = (
        '"We were paying people to babysit a metrics system instead of building the shop," '
        "says Jackson Lee, Head of Platform."
    )
    assert kinds_and_texts(body) == [
        ("quote", "We were paying people to babysit a metrics system instead of building the shop.")
    ]


def test_curly_pull_quote_with_says_name_keeps_only_the_quoted_words() -> None:
    # RW-009
    body = (
        "“The canary caught a bad tax-rounding change on a Saturday morning and rolled it back "
        "before anyone on my team had finished their coffee,” says Lina Moreau, head of digital "
        "engineering."
    )
    assert kinds_and_texts(body) == [
        (
            "quote",
            "The canary caught a bad tax-rounding change on a Saturday morning and rolled it back "
            "before anyone on my team had finished their coffee.",
        )
    ]


def test_quote_introduced_by_a_summary_keeps_only_the_quotation() -> None:
    # RW-010
    body = (
        "The operations lead, Ruth Castellanos, summarised it at the final steering meeting: "
        "\"We cut our deploy time from two days to twenty minutes, and I haven't signed an "
        'overtime sheet since May."'
    )
    assert kinds_and_texts(body) == [
        (
            "quote",
            "We cut our deploy time from two days to twenty minutes, and I haven't signed an "
            "overtime sheet since May.",
        )
    ]


def test_two_sentence_quote_introduced_by_a_summary_is_quotes_without_marks() -> None:
    # RW-014, with the quotation running over two sentences
    body = (
        "Jonas's summary to the board: \"We're shipping twice as often. We're breaking a tenth "
        'as much."'
    )
    assert kinds_and_texts(body) == [
        ("quote", "We're shipping twice as often."),
        ("quote", "We're breaking a tenth as much."),
    ]


def test_two_part_quote_around_says_name_keeps_both_parts_without_the_attribution() -> None:
    # RW-001
    body = (
        "“We sleep at night now,” says Priya Nair, SRE lead. “Last Black Friday I actually "
        "went to bed.”"
    )
    assert kinds_and_texts(body) == [
        ("quote", "We sleep at night now."),
        ("quote", "Last Black Friday I actually went to bed."),
    ]


def test_quote_that_opens_on_one_line_and_closes_on_the_next_keeps_only_quoted_words() -> None:
    # RW-006
    body = (
        "“The team is happier. That sounds soft, but on a nine-person team\n"
        "it matters more than anything on a slide,” says Gareth. “I'd rather have that than a "
        "percentage.”"
    )
    assert kinds_and_texts(body) == [
        ("quote", "The team is happier."),
        (
            "quote",
            "That sounds soft, but on a nine-person team it matters more than anything on a slide.",
        ),
        ("quote", "I'd rather have that than a percentage."),
    ]


def test_multi_sentence_quote_with_attribution_line_is_quotes_then_attribution() -> None:
    # RW-017
    body = (
        "“Patients don't care about p99. They care that the booking page doesn't spin. "
        "It doesn't any more.”\n"
        "— Naveen Rao, CTO"
    )
    assert kinds_and_texts(body) == [
        ("quote", "Patients don't care about p99."),
        ("quote", "They care that the booking page doesn't spin."),
        ("quote", "It doesn't any more."),
        ("attribution", "Naveen Rao, CTO"),
    ]


@pytest.mark.parametrize(
    ("line", "who"),
    [
        ("— Jackson Lee, Head of Platform", "Jackson Lee, Head of Platform"),
        ("— Oluwaseun Adeyemi, VP Engineering", "Oluwaseun Adeyemi, VP Engineering"),
        (
            "– Farah Qureshi, Director of Site Reliability",
            "Farah Qureshi, Director of Site Reliability",
        ),
        ("-- Carys Pemberton, COO", "Carys Pemberton, COO"),
    ],
)
def test_dash_line_with_a_name_and_title_is_an_attribution(line: str, who: str) -> None:
    assert kinds_and_texts(line) == [("attribution", who)]


def test_blockquote_lines_are_one_quote_and_the_paragraph_after_is_prose() -> None:
    body = (
        "> We cut our deploy time from two days\n"
        "> to twenty minutes. Nobody misses the runbook.\n"
        "\n"
        "Internal audit reviewed the automated change records in June."
    )
    assert kinds_and_texts(body) == [
        ("quote", "We cut our deploy time from two days to twenty minutes."),
        ("quote", "Nobody misses the runbook."),
        ("prose", "Internal audit reviewed the automated change records in June."),
    ]


def test_blockquote_with_says_name_keeps_only_the_quoted_words() -> None:
    body = "> “We cut our bill by sixty percent,” says Jackson Lee."
    assert kinds_and_texts(body) == [("quote", "We cut our bill by sixty percent.")]


def test_attribution_inside_a_blockquote_is_still_an_attribution() -> None:
    body = (
        "> “We had graphs in four places and trusted none of them.”\n"
        "> — Gareth Lindqvist, infrastructure lead"
    )
    assert kinds_and_texts(body) == [
        ("quote", "We had graphs in four places and trusted none of them."),
        ("attribution", "Gareth Lindqvist, infrastructure lead"),
    ]


# Prose


def test_hard_wrapped_prose_lines_join_into_one_sentence() -> None:
    # RW-002, wrapped as a PDF export wraps it
    body = (
        "Storage for the same 400 days of history went from roughly nine terabytes to just\n"
        "under two, and a full node restore now takes about forty minutes instead of a\n"
        "working day."
    )
    assert kinds_and_texts(body) == [
        (
            "prose",
            "Storage for the same 400 days of history went from roughly nine terabytes to just "
            "under two, and a full node restore now takes about forty minutes instead of a "
            "working day.",
        )
    ]


def test_windows_line_endings_read_like_unix_ones() -> None:
    assert segments("Outcome\r\nStorage fell by 80%.\r\n") == [
        Segment("Outcome", "heading"),
        Segment("Storage fell by 80%.", "prose"),
    ]


# split_prose and balanced_quotes


def test_split_prose_joins_lines_and_keeps_abbreviations_inside_sentences() -> None:
    text = "It cost approx. $40k to run\nthe old stack, e.g. Thanos. Then it fell to $16k."
    assert split_prose(text) == [
        "It cost approx. $40k to run the old stack, e.g. Thanos.",
        "Then it fell to $16k.",
    ]


def test_split_prose_keeps_a_closing_quote_with_its_sentence() -> None:
    text = '"It worked, mostly." But every Black Friday our ingestion rate tripled.'
    assert split_prose(text) == [
        '"It worked, mostly."',
        "But every Black Friday our ingestion rate tripled.",
    ]


def test_split_prose_splits_before_a_sentence_that_opens_with_a_curly_quote() -> None:
    text = "“We sleep at night now,” says Priya Nair. “Last Black Friday I actually went to bed.”"
    assert split_prose(text) == [
        "“We sleep at night now,” says Priya Nair.",
        "“Last Black Friday I actually went to bed.”",
    ]


def test_split_prose_splits_after_a_curly_closing_quote() -> None:
    text = "“We spent a year blaming the network.” The trace showed an N+1 query."
    assert split_prose(text) == [
        "“We spent a year blaming the network.”",
        "The trace showed an N+1 query.",
    ]


@pytest.mark.parametrize(
    ("text", "balanced"),
    [
        ('"We were paying people to babysit a metrics system," says Jackson Lee.', True),
        ("“We sleep at night now,” says Priya Nair. “Last Black Friday I went to bed.”", True),
        ("Customer “where is my parcel” calls down 18%", True),
        ('"We were paying people to babysit a metrics system, says Jackson Lee.', False),
        ("“The team is happier. That sounds soft, but on a nine-person team", False),
        ("it matters more than anything on a slide,” says Gareth.", False),
        ("”Backwards quotes“ around a phrase", False),
    ],
)
def test_balanced_quotes_pairs_straight_quotes_and_opens_curly_before_closing(
    text: str, balanced: bool
) -> None:
    assert balanced_quotes(text) is balanced
