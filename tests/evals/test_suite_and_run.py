"""Eval suites: shipped suites are valid and broad; runs, comparisons and the CLI behave."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.errors import ResourceError
from app.evals.compare import compare
from app.evals.models import EvalReport
from app.evals.suite import load_notes, load_suites, validate_cases
from app.titles import TitleRegistry
from tests.cli_helpers import primed

SUITES = PROJECT_ROOT / "evals" / "suites"
NOTES = PROJECT_ROOT / "corpora" / "samples" / "case_notes"
KITS = PROJECT_ROOT / "evals" / "kits"


def test_shipped_suites_cover_every_title_and_five_offerings(titles: TitleRegistry) -> None:
    _, _, cases = load_suites(SUITES)
    validate_cases(cases, titles, load_notes(NOTES))
    assert len(cases) >= 30
    assert {titles.get(c.title).id for c in cases} == set(titles.ids)
    assert len({c.offering for c in cases}) >= 5


def test_suite_with_unknown_goal_or_note_is_rejected(titles: TitleRegistry, tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(
        "name: s\ncases:\n  - id: a\n    offering: X\n    product: X\n    title: CFO\n"
        "    copy: X does things.\n    goals: [world-peace]\n"
        "    reference: {text: Close faster, evidence: [PS-404]}\n"
    )
    _, _, cases = load_suites(tmp_path / "s.yaml")
    with pytest.raises(ResourceError) as caught:
        validate_cases(cases, titles, load_notes(NOTES))
    assert "world-peace" in str(caught.value) and "PS-404" in str(caught.value)


def test_eval_writes_three_reports_and_generic_cases_fail_as_built(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = primed(
        capsys, "eval", str(SUITES), "--engine", "reference", "--report", str(tmp_path / "r")
    )
    assert code == 0, out
    report = EvalReport.model_validate_json((tmp_path / "r" / "report.json").read_text())
    assert {p.name for p in (tmp_path / "r").iterdir()} == {
        "report.json",
        "report.md",
        "report.html",
    }
    summary = report.summaries[0]
    assert summary.as_expected == summary.cases >= 30
    generic = [r for r in report.results if r.expect_fail]
    assert generic and all(
        "content_kept" in (r.scorecard.failed if r.scorecard else []) for r in generic
    )


def test_regression_against_a_baseline_fails_the_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    primed(capsys, "eval", str(SUITES), "-E", "reference", "--report", str(tmp_path / "base"))
    # A baseline that was better than today: every content_kept mean was 0.2 higher.
    data = json.loads((tmp_path / "base" / "report.json").read_text())
    for measure in data["summaries"][0]["measures"]:
        if measure["name"] == "content_kept":
            measure["mean"] += 0.2
    (tmp_path / "better.json").write_text(json.dumps(data))
    code, _, err = primed(
        capsys,
        "eval",
        str(SUITES),
        "-E",
        "reference",
        "--report",
        str(tmp_path / "now"),
        "--baseline",
        str(tmp_path / "better.json"),
        "--fail-on-regression",
    )
    assert code == 1 and "regression" in err and "content_kept" in err
    report = json.loads((tmp_path / "now" / "report.json").read_text())
    assert report["comparison"]["regressions"]
    code, _, _ = primed(
        capsys,
        "eval",
        str(SUITES),
        "-E",
        "reference",
        "--report",
        str(tmp_path / "same"),
        "--baseline",
        str(tmp_path / "base" / "report.json"),
        "--fail-on-regression",
    )
    assert code == 0


def test_case_that_stops_meeting_expectations_is_a_regression(titles: TitleRegistry) -> None:
    from app.config import Settings
    from app.evals.run import reference_engine, run_suite
    from app.scoring.factory import build_scorer

    _, _, cases = load_suites(SUITES)
    notes = load_notes(NOTES)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    scorer = build_scorer(settings, titles, references=[c.copy_text for c in cases])
    base = run_suite("s", "", cases[:3], {"reference": reference_engine(notes)}, scorer)
    worse = base.model_copy(deep=True)
    worse.results[0].as_expected = False
    comparison = compare(worse, base, "base", 0.02)
    assert comparison.regressions == [
        f"reference/{cases[0].id}: met expectations, now fails nothing it was built to fail"
    ]
    assert compare(base, base, "base", 0.02).regressions == []
    assert base.results[0].as_expected and base.results[1].as_expected
    broken = base.model_copy(deep=True)
    broken.results[0].scorecard = None  # the case errored (an empty store, a dead server)
    broken.results[0].as_expected = False
    broken.results[0].error = "the store is empty"
    del broken.results[1]  # and one is missing from the run
    assert compare(broken, base, "base", 0.02).regressions == [
        f"reference/{cases[1].id}: met expectations, now missing from the run",
        f"reference/{cases[0].id}: met expectations, now errors (the store is empty)",
    ]


def test_unknown_engine_lists_the_available_ones(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = primed(capsys, "eval", str(SUITES), "-E", "gpt-9", "--report", str(tmp_path))
    assert code == 2 and "available: reference" in err


@pytest.mark.parametrize(
    ("suite", "args", "message"),
    [
        (SUITES, ["-E", "reference", "--fail-on-regression"], "needs --baseline"),
        (KITS, ["-E", "grounded", "--baseline", "old.json"], "not compared with a baseline"),
        (KITS, ["-E", "grounded", "--fail-on-regression"], "--fail-on-regression needs"),
        (KITS, ["-E", "nonsense"], "-E grounded"),
    ],
)
def test_options_an_eval_would_ignore_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suite: Path, args: list[str], message: str
) -> None:
    code, _, err = primed(capsys, "eval", str(suite), *args, "--report", str(tmp_path / "r"))
    assert code == 2 and message in err, err
    assert not (tmp_path / "r").exists()


def test_a_report_folder_that_cannot_be_written_is_refused_before_the_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    taken = tmp_path / "afile"
    taken.write_text("not a folder")
    for suite, engine in ((SUITES, "reference"), (KITS, "grounded")):
        code, out, err = primed(capsys, "eval", str(suite), "-E", engine, "--report", str(taken))
        assert code == 2 and "--report" in err and "cannot write there" in err, err
        assert "passed" not in out  # refused before any case ran


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: x\ncases: [\n", "line 3 is not valid YAML"),
        ("kind: kit\nid: k\ncases: [{}]\n", "bad.yaml"),
        ("id: s\ncases:\n  - id: a\n    title: CFO\n", "bad.yaml"),
    ],
)
def test_a_broken_suite_given_on_the_command_line_is_bad_input_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, message: str
) -> None:
    # It exited 3, the code for primed's own data files or store being unavailable.
    suite = tmp_path / "bad.yaml"
    suite.write_text(text)
    code, _, err = primed(capsys, "eval", str(suite), "-E", "grounded", "-r", str(tmp_path / "r"))
    assert code == 2 and message in err and "Traceback" not in err, err
