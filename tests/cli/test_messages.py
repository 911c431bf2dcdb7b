"""Error and warning messages say exactly what is wrong, in one short line."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import get_settings
from tests.cli_helpers import primed
from tests.conftest import SAMPLES

SHEET = SAMPLES / "datasheets" / "ledgerflow-platform.md"
NOTE = """---
id: PS-900
customer: Acme Freight
industry: logistics
offering: LedgerFlow
titles: [CFO, Chief Vibes Officer]
date: 2025-03-14
consultant: Priya Raman
---
Month-end close went from 9 working days to 4 once consolidation was automated.
"""


def test_rewrite_of_a_folder_says_it_is_a_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = primed(capsys, "rewrite", str(tmp_path), "--title", "CFO")
    assert code == 2 and "is a folder" in err and "no such file" not in err


def test_missing_or_broken_evidence_file_is_named_plainly(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rewrite = tmp_path / "rewrite.md"
    rewrite.write_text("Close the books in days, not weeks.")
    missing = tmp_path / "missing.json"
    code, _, err = primed(
        capsys, "score", str(rewrite), "--source", str(SHEET), "--evidence", str(missing)
    )
    assert code == 2 and f"{missing}: no such file" in err and "Error" not in err
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "PS-1",\n')
    code, _, err = primed(
        capsys, "score", str(rewrite), "--source", str(SHEET), "--evidence", str(broken)
    )
    assert code == 2 and "not valid JSON" in err and "line 2" in err and "Error" not in err


def test_an_overlong_title_is_refused_in_a_short_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    title = "x" * 10_000
    rewrite = tmp_path / "rewrite.md"
    rewrite.write_text("Close the books in days, not weeks.")
    (tmp_path / "in").mkdir()
    for args in (
        ("search", "close", "--title", title),
        ("score", str(rewrite), "--source", str(SHEET), "--title", title),
        ("batch", str(tmp_path / "in"), "--title", title, "--out", str(tmp_path / "out")),
    ):
        code, _, err = primed(capsys, *args)
        assert code == 2 and "title" in err and len(err) < 300, (args[0], err[:300])


def test_a_yaml_error_names_the_line_it_is_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    note = tmp_path / "notes" / "bad.md"
    note.parent.mkdir()
    note.write_text(NOTE.replace("customer: Acme Freight", 'customer: "Acme Freight'))
    code, _, err = primed(capsys, "ingest", str(note.parent))
    assert code == 1 and f"{note}:line 3:" in err, err


def test_an_unknown_title_in_a_markdown_note_names_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    note = tmp_path / "notes" / "titles.md"
    note.parent.mkdir()
    note.write_text(NOTE)
    code, _, err = primed(capsys, "ingest", str(note.parent))
    assert code == 1 and f"{note}:line 6: titles: unknown title 'Chief Vibes Officer'" in err, err


def test_a_setting_that_is_not_json_is_one_line_naming_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRIMED_API_CORS_ORIGINS", "not json")
    get_settings.cache_clear()
    try:
        code, _, err = primed(capsys, "titles")
    finally:
        get_settings.cache_clear()
    assert code == 2 and "PRIMED_API_CORS_ORIGINS is not valid JSON" in err, err
    assert "Traceback" not in err and err.strip().count("\n") == 0
