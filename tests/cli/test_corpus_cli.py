"""The `primed` CLI end to end in-process: output, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import primed
from tests.conftest import CASE_NOTES, SAMPLES, copy_samples
from tests.leaks import leaked


def test_ingest_then_reingest_reports_what_changed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    notes = copy_samples(tmp_path / "notes", 5)
    code, out, _ = primed(capsys, "ingest", str(tmp_path / "notes"))
    assert code == 0 and "5 added" in out
    code, out, _ = primed(capsys, "ingest", str(tmp_path / "notes"), "--format", "json")
    summary = json.loads(out)
    assert code == 0 and summary["unchanged"] == 5 and summary["chunks_written"] == 0
    assert len(notes) == 5


def test_ingest_with_bad_files_ingests_the_rest_and_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "notes"
    copy_samples(folder, 3)
    (folder / "broken.md").write_text("---\nid: PS-X\n---\nbody\n")
    code, out, err = primed(capsys, "ingest", str(folder))
    assert code == 1
    assert "3 added" in out and "errors: 1" in out
    assert "broken.md" in err and "customer: required field is missing" in err
    assert "Traceback" not in err


def test_search_prints_json_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    primed(capsys, "ingest", str(CASE_NOTES))
    code, out, _ = primed(
        capsys,
        "search",
        "automated invoice matching",
        "--title",
        "CFO",
        "-k",
        "2",
        "--format",
        "json",
    )
    evidence = json.loads(out)
    assert code == 0 and len(evidence) == 2 and evidence[0]["note_id"].startswith("PS-")


def test_search_file_shows_evidence_per_feature(capsys: pytest.CaptureFixture[str]) -> None:
    primed(capsys, "ingest", str(CASE_NOTES))
    sheet = SAMPLES / "datasheets" / "keystone-id-governance.html"
    code, out, _ = primed(
        capsys, "search", "--file", str(sheet), "--title", "CISO", "--format", "json"
    )
    found = json.loads(out)
    assert code == 0 and len(found) >= 5
    assert all(item["evidence"] for item in found)


def test_search_before_ingest_says_how_to_ingest(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = primed(capsys, "search", "close", "--title", "CFO")
    assert code == 3 and "primed ingest" in err and "Traceback" not in err


def test_unknown_title_is_one_line_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = primed(capsys, "search", "close", "--title", "CFOO")
    assert code == 2
    assert err.strip().count("\n") == 0 and "did you mean CFO" in err


def test_search_needs_exactly_one_of_text_or_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = primed(capsys, "search", "--title", "CFO")
    assert code == 2 and "either search TEXT or --file" in err


def test_notes_delete_removes_and_then_reports_not_found(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    copy_samples(tmp_path / "notes", 2)
    primed(capsys, "ingest", str(tmp_path / "notes"))
    note_id = sorted(CASE_NOTES.glob("*.md"))[0].stem.upper()
    code, out, _ = primed(capsys, "notes", "delete", note_id)
    assert code == 0 and f"deleted {note_id}" in out
    code, _, err = primed(capsys, "notes", "delete", note_id)
    assert code == 4 and "no case note" in err


def test_titles_lists_every_profile(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = primed(capsys, "titles", "--format", "json")
    names = {p["name"] for p in json.loads(out)}
    assert code == 0 and {"CFO", "CISO", "VP Sales", "VP Engineering"} <= names


def test_bad_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = primed(capsys, "search", "x", "--title", "CFO", "-k", "0")
    assert code == 2 and "Traceback" not in err


def test_search_never_names_a_confidential_customer_unless_asked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    primed(capsys, "ingest", str(CASE_NOTES))
    query = ("search", "month-end close consolidation", "--title", "CFO", "-k", "6")
    sheet = str(SAMPLES / "datasheets" / "ledgerflow-platform.md")
    for args in (
        (*query, "--format", "json"),
        (*query, "--format", "md"),
        (*query, "--format", "text"),
        ("search", "--file", sheet, "--title", "CFO", "--format", "json"),
        ("search", "--file", sheet, "--title", "CFO", "--format", "text"),
    ):
        code, out, _ = primed(capsys, *args)
        assert code == 0 and out.strip(), args
        assert leaked(out) == [], args
        assert "customer_name" not in out, args
    hits = json.loads(primed(capsys, *query, "--format", "json")[1])
    assert any(not hit["publishable"] for hit in hits)
    code, out, _ = primed(capsys, *query, "--format", "json", "--show-customer-names")
    assert code == 0 and leaked(out)  # internal use only: the real names, when asked


def test_ingest_of_a_missing_path_or_a_folder_without_notes_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = primed(capsys, "ingest", str(tmp_path / "nosuch"))
    assert code == 2 and "no such file or folder" in err, err
    (tmp_path / "empty").mkdir()
    code, _, err = primed(capsys, "ingest", str(tmp_path / "empty"))
    assert code == 2 and "no case notes" in err, err
