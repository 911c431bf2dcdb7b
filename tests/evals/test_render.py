"""Report rendering: Markdown PR comment, self-contained HTML, and the HTML in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.evals.models import (
    CaseResult,
    Comparison,
    Delta,
    EngineSummary,
    EvalReport,
    MeasureSummary,
)
from app.evals.render import render_html, render_markdown
from app.scores import Measure, ScoreCard, Span

CHROMIUM = "/usr/bin/chromium"
SOURCE = "Our platform supports SAML <script>alert('x')</script> and SCIM provisioning."
REWRITE = "Cut onboarding from weeks to hours: SAML and SSO for every new hire."


def span(text: str, needle: str, kind: str, message: str = "") -> Span:
    start = text.index(needle)
    return Span(start=start, end=start + len(needle), text=needle, kind=kind, message=message)


def card(lexicon_spans: list[Span], residue_spans: list[Span], lexicon: float) -> ScoreCard:
    measures = {
        "lexicon": Measure(
            name="lexicon",
            value=lexicon,
            threshold=0.1,
            direction="max",
            passed=lexicon <= 0.1,
            reason=f"{len(lexicon_spans)} feature terms per 10 words",
            spans=lexicon_spans,
        ),
        "outcome": Measure(
            name="outcome",
            value=0.7,
            threshold=0.6,
            direction="min",
            passed=True,
            reason="names a business outcome",
            spans=residue_spans,
        ),
    }
    failed = [n for n, m in measures.items() if not m.passed]
    return ScoreCard(measures=measures, passed=not failed, failed=failed, words=12)


def result(engine: str, case_id: str, **kw: object) -> CaseResult:
    base: dict[str, object] = {
        "case_id": case_id,
        "engine": engine,
        "title": "cio",
        "offering": "identity platform",
        "source": SOURCE,
        "rewrite": REWRITE,
        "source_terms": [
            span(SOURCE, "SAML", "feature", "feature term"),
            span(SOURCE, "SCIM", "feature"),
        ],
        "as_expected": True,
    }
    base.update(kw)
    return CaseResult.model_validate(base)


def summary(engine: str, lexicon_mean: float | None, errors: int = 0) -> EngineSummary:
    return EngineSummary(
        engine=engine,
        cases=2,
        passed=2 - errors,
        as_expected=2 - errors,
        errors=errors,
        measures=[
            MeasureSummary(
                name="lexicon", mean=lexicon_mean, pass_rate=0.9, threshold=0.1, direction="max"
            ),
            MeasureSummary(
                name="outcome", mean=0.72, pass_rate=1.0, threshold=0.6, direction="min"
            ),
        ],
    )


@pytest.fixture
def report() -> EvalReport:
    saml = span(REWRITE, "SAML", "lexicon-banned", "feature jargon <acronym>")
    overlapping = [
        span(REWRITE, "SAML and", "residue", "residue"),
        span(REWRITE, "and SSO", "lexicon-warn"),
    ]
    results = [
        result("baseline", "sso-01", scorecard=card([saml], [], 0.08)),
        result("baseline", "generic-02", scorecard=card([], [], 0.0)),
        result(
            "primed",
            "sso-01",
            scorecard=card(overlapping[1:], overlapping[:1], 0.25),
            as_expected=False,
        ),
        result(
            "primed",
            "generic-02",
            rewrite="",
            error="TimeoutError: <engine> took 30s",
            as_expected=False,
        ),
    ]
    comparison = Comparison(
        baseline="main@abc123",
        tolerance=0.02,
        deltas=[
            Delta(
                engine="primed",
                measure="lexicon",
                baseline=0.05,
                current=0.2,
                delta=0.15,
                regression=True,
            ),
            Delta(
                engine="primed",
                measure="outcome",
                baseline=0.8,
                current=0.72,
                delta=-0.08,
                regression=False,
            ),
            Delta(
                engine="primed",
                measure="lexicon",
                case_id="sso-01",
                baseline=0.0,
                current=0.25,
                delta=0.25,
                regression=True,
            ),
        ],
        regressions=["primed: lexicon mean 0.05 -> 0.20 (+0.15)"],
    )
    return EvalReport(
        suite="golden-v1",
        description="Golden cases <b>for</b> CIOs",
        created="2025-01-02T03:04:05Z",
        engines=["baseline", "primed"],
        summaries=[summary("baseline", 0.08), summary("primed", 0.2, errors=1)],
        results=results,
        comparison=comparison,
    )


def marks(html: str) -> list[tuple[str, str]]:
    """(class, inner text) of every <mark> in the page."""
    return re.findall(r'<mark class="([^"]*)" title="[^"]*">(.*?)</mark>', html)


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section [^>]*id="{section_id}">(.*?)</section>', html, re.S)
    assert match, section_id
    return match.group(1)


def test_markdown_has_verdict_summary_table_and_measure_cells(report: EvalReport) -> None:
    md = render_markdown(report)
    assert md.splitlines()[0].startswith("## Eval **golden-v1**: ❌ FAIL")
    assert (
        "| engine | cases | passed | as expected | errors | lexicon (≤ 0.10) | outcome (≥ 0.60) |"
        in md
    )
    assert "| baseline | 2 | 2 | 2 | 0 | 0.08 (90%) | 0.72 (100%) |" in md
    assert "| primed | 2 | 1 | 1 | 1 | 0.20 (90%) | 0.72 (100%) |" in md


def test_markdown_lists_regressions_and_engine_level_deltas_with_arrows(report: EvalReport) -> None:
    md = render_markdown(report)
    assert "### Regressions vs **main@abc123**" in md
    assert "- primed: lexicon mean 0.05 -&gt; 0.20 (+0.15)" in md
    assert "| primed | lexicon | 0.05 | 0.20 | ▲ +0.15 ⚠️ |" in md
    assert "| primed | outcome | 0.80 | 0.72 | ▼ -0.08 |" in md
    assert "sso-01 | lexicon | 0.00" not in md  # case-level deltas stay out of the comment


def test_markdown_says_none_when_nothing_regressed(report: EvalReport) -> None:
    assert report.comparison is not None
    report.comparison.regressions = []
    assert "\nnone\n" in render_markdown(report)


def test_markdown_collapses_failed_cases_with_measures_spans_and_errors(report: EvalReport) -> None:
    md = render_markdown(report)
    details = md[md.index("<details>") : md.index("</details>")]
    assert "Failed cases: 2 (2 unexpected)" in details
    assert "| sso-01 | primed | lexicon | “and SSO” (lexicon-warn) |" in details
    assert "| generic-02 | primed | error: TimeoutError: &lt;engine&gt; took 30s |" in details
    assert "<engine>" not in md


def test_markdown_stays_small_for_a_hundred_failing_cases(report: EvalReport) -> None:
    failing = report.results[2]
    report.results = [
        failing.model_copy(update={"case_id": f"case-{i:03d}-" + "x" * 60}) for i in range(100)
    ] * 2
    assert len(render_markdown(report).encode()) < 60_000


def test_html_is_self_contained_and_escapes_script_in_copy(report: EvalReport) -> None:
    page = render_html(report)
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<b>for</b>" not in page and "&lt;b&gt;for&lt;/b&gt;" in page
    assert not re.search(r"""(src|href)=|@import|url\(|https?://(?!www\.w3\.org/2000/svg)""", page)


def test_html_highlights_wrap_exactly_the_offending_text(report: EvalReport) -> None:
    page = render_html(report)
    baseline = section(page, "case-baseline-sso-01")
    source_html, rewrite_html = baseline.split("<h4>Rewrite</h4>")
    assert marks(source_html) == [("kind-feature", "SAML"), ("kind-feature", "SCIM")]
    assert marks(rewrite_html) == [("kind-lexicon-banned", "SAML")]
    assert 'title="feature jargon &lt;acronym&gt;"' in rewrite_html


def test_html_merges_overlapping_spans_into_one_mark_keeping_the_first_kind(
    report: EvalReport,
) -> None:
    rewrite_html = section(render_html(report), "case-primed-sso-01").split("<h4>Rewrite</h4>")[1]
    assert marks(rewrite_html) == [("kind-residue", "SAML and SSO")]


def test_html_mark_tags_are_properly_nested_and_balanced(report: EvalReport) -> None:
    report.results[0].scorecard.measures["outcome"].spans = [  # type: ignore[union-attr]
        span(REWRITE, "onboarding from", "residue"),
        span(REWRITE, "from weeks", "lexicon-warn"),
        span(REWRITE, "weeks to hours", "residue"),
        Span(start=5, end=999, text="out of range", kind="residue"),
    ]

    class Checker(HTMLParser):
        depth = 0
        deepest = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
            if tag == "mark":
                self.depth += 1
                self.deepest = max(self.deepest, self.depth)

        def handle_endtag(self, tag: str) -> None:
            if tag == "mark":
                self.depth -= 1
                assert self.depth >= 0

    checker = Checker()
    page = render_html(report)
    checker.feed(page)
    assert checker.depth == 0 and checker.deepest == 1
    rewrite_html = section(page, "case-baseline-sso-01").split("<h4>Rewrite</h4>")[1]
    assert ("kind-residue", "onboarding from weeks to hours") in marks(rewrite_html)


def test_html_has_one_svg_bar_chart_per_measure_with_threshold(report: EvalReport) -> None:
    page = render_html(report)
    charts = re.findall(r'<figure class="chart" data-measure="(\w+)">(.*?)</figure>', page, re.S)
    assert [name for name, _ in charts] == ["lexicon", "outcome"]
    for _, chart in charts:
        assert chart.count("<svg") == 1
        assert chart.count('<rect class="bar') == 2
        assert 'class="threshold"' in chart


def test_html_flags_unexpected_cases_and_shows_errors_instead_of_scorecards(
    report: EvalReport,
) -> None:
    page = render_html(report)
    assert '<section class="case" id="case-baseline-sso-01">' in page
    assert '<section class="case unexpected" id="case-primed-sso-01">' in page
    errored = section(page, "case-primed-generic-02")
    assert "TimeoutError: &lt;engine&gt; took 30s" in errored
    assert "<th>measure</th>" not in errored
    assert "<td>lexicon</td>" in section(page, "case-baseline-generic-02")


def run_chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]
    return subprocess.run(
        [CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, check=False
    )


def require_chromium() -> None:
    """`make test` installs Chromium; without it skip, except under CI=true, where it fails."""
    if shutil.which(CHROMIUM):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} missing: CI must run `make test` (it installs chromium)")
    pytest.skip(f"needs {CHROMIUM}: `make test` installs it (apt-get install chromium)")


@pytest.mark.slow
def test_report_html_renders_cases_and_charts_in_headless_chromium(
    report: EvalReport, tmp_path: Path
) -> None:
    require_chromium()
    page = tmp_path / "report.html"
    page.write_text(render_html(report), encoding="utf-8")
    url = page.resolve().as_uri()

    dumped = run_chromium(tmp_path / "profile-dom", "--dump-dom", url)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = dumped.stdout
    assert len(re.findall(r'<section class="case[^"]*" id="case-', dom)) == 4
    assert 'id="case-primed-generic-02"' in dom
    assert len(re.findall(r'<figure class="chart" data-measure="', dom)) == 2
    assert len(re.findall(r"<svg\b", dom)) == 2
    assert len(re.findall(r'<rect class="bar', dom)) == 4
    assert "<script" not in dom

    shot = tmp_path / "shot.png"
    shooting = run_chromium(
        tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,2000", url
    )
    assert shooting.returncode == 0, shooting.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
