"""Kit eval suites through `primed eval`: the sample suite passes, and each measure fails when
the kit is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT, Settings
from app.corpus.store import CaseNoteStore
from app.kit.build import KitBuilder
from app.kit.evals import KitCase, measure
from app.kit.models import Source
from app.kit.notes import offering_notes
from app.scoring.factory import build_scorer
from app.titles import TitleRegistry
from tests.cli_helpers import primed
from tests.conftest import CASE_NOTES

SUITE = PROJECT_ROOT / "evals" / "kits" / "sample-offerings.yaml"


def test_the_sample_kit_suite_passes_through_primed_eval(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    primed(capsys, "ingest", str(CASE_NOTES))
    code, out, err = primed(capsys, "eval", str(SUITE), "-E", "grounded", "-r", str(tmp_path))
    assert code == 0, out + err
    report = json.loads((tmp_path / "report.json").read_text())
    assert len(report["results"]) == 6 and all(r["passed"] for r in report["results"])
    names = {m["name"] for m in report["results"][0]["measures"]}
    assert names == {"structure", "citations", "questions", "residue", "confidential", "expect"}
    assert "| ledgerflow | LedgerFlow |" in (tmp_path / "report.md").read_text()


def test_a_kit_suite_expecting_a_supported_goal_as_a_gap_fails(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    primed(capsys, "ingest", str(CASE_NOTES))
    suite = tmp_path / "wrong.yaml"
    suite.write_text(
        "kind: kit\nname: wrong\ncases:\n  - id: ledgerflow\n    product: LedgerFlow\n"
        "    expect: {gaps: [cfo/faster-close]}\n"
    )
    code, out, _ = primed(capsys, "eval", str(suite), "-E", "grounded", "-r", str(tmp_path / "r"))
    assert code == 1 and "0/1 cases passed" in out
    assert "cfo/faster-close is not a gap" in (tmp_path / "r" / "report.md").read_text()


def test_a_folder_of_kit_suites_runs_them_all_as_one_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    primed(capsys, "ingest", str(CASE_NOTES))
    folder = tmp_path / "kits"
    folder.mkdir()
    (folder / "a.yaml").write_text(SUITE.read_text())
    (folder / "b.yaml").write_text(
        "kind: kit\nname: more\ncases:\n  - id: ledgerflow-cfo\n    product: LedgerFlow\n"
        "    titles: [CFO]\n"
    )
    code, out, err = primed(
        capsys, "eval", str(folder), "-E", "grounded", "-r", str(tmp_path / "r")
    )
    assert code == 0, out + err
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["suite"] == "kits" and len(report["results"]) == 7
    assert "kits: 7/7 cases passed" in out


def test_a_folder_mixing_kit_and_rewrite_suites_is_refused_by_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "kit.yaml").write_text(SUITE.read_text())
    rewrite = PROJECT_ROOT / "evals" / "suites" / "real-world.yaml"
    (tmp_path / "rewrite.yaml").write_text(rewrite.read_text())
    code, out, err = primed(capsys, "eval", str(tmp_path), "-E", "grounded", "-r", str(tmp_path))
    assert code != 0 and "Traceback" not in out + err
    assert "kit suites (kit.yaml) and rewrite suites (rewrite.yaml)" in out + err


def test_citations_and_confidential_measures_fail_on_a_tampered_kit(
    sample_store: CaseNoteStore, titles: TitleRegistry
) -> None:
    scorer = build_scorer(Settings(_env_file=None), titles)  # type: ignore[call-arg]
    notes = offering_notes(sample_store, "LedgerFlow")
    profiles = [titles.get("CFO")]
    kit = KitBuilder(scorer).build("LedgerFlow", notes, profiles)
    case = KitCase(id="tampered", product="LedgerFlow")
    assert measure(case, kit, notes, profiles, scorer).passed

    cfo = kit.titles[0]
    goal = cfo.goals[0]
    story = goal.stories[0]
    secret = next(n.customer_name for n in notes if not n.publishable)
    wrong = story.result.model_copy(
        update={
            "text": f"{secret} cut costs [PS-101].",
            "sources": [Source(note_id="PS-101", sentences=["Not a LedgerFlow note."])],
        }
    )
    tampered_goal = goal.model_copy(
        update={"stories": [story.model_copy(update={"result": wrong})]}
    )
    tampered = kit.model_copy(
        update={"titles": [cfo.model_copy(update={"goals": [tampered_goal, *cfo.goals[1:]]})]}
    )
    result = measure(case, tampered, notes, profiles, scorer)
    failed = {m.name for m in result.measures if not m.passed}
    assert {"citations", "confidential"} <= failed
