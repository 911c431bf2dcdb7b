"""`primed score` end to end: formats, evidence inputs, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import primed
from tests.conftest import CASE_NOTES

SOURCE = "LedgerFlow offers real-time GL sync via REST API and automated 3-way matching with OCR."
GOOD = (
    "Close the books in days, not weeks. Finance teams cut month-end close from 9 working days "
    "to 4 [PS-014]."
)


# One hit of `primed search --format json`.
SEARCH_HIT = {
    "note_id": "PS-014",
    "chunk_id": "PS-014#0",
    "score": 0.5,
    "text": "Month-end close went from 9 working days to 4.",
    "customer": "a logistics company",
    "publishable": False,
}


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    source = tmp_path / "source.md"
    source.write_text(SOURCE)
    rewrite = tmp_path / "rewrite.md"
    rewrite.write_text(GOOD)
    return source, rewrite


def test_score_json_with_case_notes_as_evidence_passes(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    source, rewrite = files
    code, out, _ = primed(
        capsys,
        "score",
        str(rewrite),
        "--source",
        str(source),
        "--title",
        "CFO",
        "--product",
        "LedgerFlow",
        "--evidence",
        str(CASE_NOTES),
        "--format",
        "json",
    )
    card = json.loads(out)
    assert code == 0, card["failed"]
    assert card["passed"] and card["measures"]["grounding"]["value"] == 0


def test_score_without_evidence_flags_the_numbers_and_exits_1(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    source, rewrite = files
    code, out, _ = primed(capsys, "score", str(rewrite), "--source", str(source), "--title", "CFO")
    assert code == 1
    assert "grounding" in out and "FAIL" in out


def test_score_accepts_search_json_as_evidence(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path], tmp_path: Path
) -> None:
    source, rewrite = files
    evidence = tmp_path / "evidence.json"
    evidence.write_text(json.dumps([{**SEARCH_HIT, "customer_name": "Ashcombe Freight"}]))
    code, out, _ = primed(
        capsys, "score", str(rewrite), "-s", str(source), "-e", str(evidence), "--format", "md"
    )
    assert "| grounding | 0 |" in out


def test_score_with_missing_file_or_bad_evidence_is_one_line(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path], tmp_path: Path
) -> None:
    source, rewrite = files
    code, _, err = primed(capsys, "score", str(tmp_path / "nope.md"), "--source", str(source))
    assert code == 2 and "no such file" in err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, err = primed(capsys, "score", str(rewrite), "-s", str(source), "-e", str(bad))
    assert code == 2 and "not a JSON evidence list" in err and "Traceback" not in err


def test_markdown_output_is_never_wrapped_at_the_console_width(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    source, rewrite = files
    _, out, _ = primed(capsys, "score", str(rewrite), "-s", str(source), "--format", "md")
    rows = [line for line in out.splitlines() if line.startswith("|")]
    assert len(rows) >= 12 and max(len(row) for row in rows) > 80  # wider than a terminal
    assert all(row.endswith("|") for row in rows), out  # no row broken across lines


def test_score_guesses_the_product_as_rewrite_does(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path], tmp_path: Path
) -> None:
    # Without a product, "LedgerFlow" in the rewrite counted as a feature term kept from the
    # source, so `primed score` failed copy that `primed rewrite` passed.
    source, _ = files
    rewrite = tmp_path / "named.md"
    rewrite.write_text(
        "Close the books in days, not weeks. With LedgerFlow, finance teams cut month-end close "
        "from 9 working days to 4 [PS-014]."
    )
    common = ["score", str(rewrite), "-s", str(source), "-t", "CFO", "-e", str(CASE_NOTES)]
    _, given, _ = primed(capsys, *common, "--product", "LedgerFlow", "--format", "json")
    code, guessed, err = primed(capsys, *common, "--format", "json")
    assert json.loads(guessed) == json.loads(given) and code == 0, guessed
    assert "product: LedgerFlow (guessed from the source" in err


def test_score_accepts_search_json_of_a_whole_datasheet_as_evidence(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path], tmp_path: Path
) -> None:
    # `primed search --file` answers per feature; the same note may come back for several.
    source, rewrite = files
    hit = SEARCH_HIT
    per_feature = [
        {"feature": {"id": "F1", "statement": "Consolidation"}, "evidence": [hit]},
        {"feature": {"id": "F2", "statement": "Matching"}, "evidence": [hit]},
    ]
    evidence = tmp_path / "search.json"
    evidence.write_text(json.dumps(per_feature))
    common = ["score", str(rewrite), "-s", str(source), "--product", "LedgerFlow"]
    code, out, err = primed(capsys, *common, "-e", str(evidence), "--format", "md")
    assert "| grounding | 0 |" in out, (out, err)


def test_search_json_with_a_hit_without_a_note_id_is_refused_not_dropped(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path], tmp_path: Path
) -> None:
    source, rewrite = files
    nameless = {k: v for k, v in SEARCH_HIT.items() if k != "note_id"}
    per_feature = [
        {"feature": {"id": "F1", "statement": "Consolidation"}, "evidence": [SEARCH_HIT]},
        {"feature": {"id": "F2", "statement": "Matching"}, "evidence": [SEARCH_HIT, nameless]},
    ]
    evidence = tmp_path / "search.json"
    evidence.write_text(json.dumps(per_feature))
    code, _, err = primed(capsys, "score", str(rewrite), "-s", str(source), "-e", str(evidence))
    assert code == 2 and "feature 2, hit 2 has no note_id" in err, err
    per_feature[1]["evidence"] = SEARCH_HIT  # one hit, not a list of them: not dropped either
    evidence.write_text(json.dumps(per_feature))
    code, _, err = primed(capsys, "score", str(rewrite), "-s", str(source), "-e", str(evidence))
    assert code == 2 and "feature 2 is not {feature, evidence: [hits]}" in err, err


def test_score_never_creates_a_store_to_guess_the_product(
    capsys: pytest.CaptureFixture[str],
    files: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PRIMED_DATA_DIR", str(tmp_path / "nowhere"))
    source, rewrite = files
    code, _, err = primed(capsys, "score", str(rewrite), "-s", str(source))
    assert "product: LedgerFlow (guessed" in err and code in (0, 1)
    assert not (tmp_path / "nowhere").exists()
