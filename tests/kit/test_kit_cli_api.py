"""`primed kit` and `primed offerings` end to end, and the HTML kit in headless Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli_helpers import primed
from tests.conftest import CASE_NOTES
from tests.evals.test_render import require_chromium, run_chromium
from tests.leaks import leaked


@pytest.fixture
def ingested(capsys: pytest.CaptureFixture[str]) -> None:
    primed(capsys, "ingest", str(CASE_NOTES))


@pytest.mark.usefixtures("ingested")
def test_kit_writes_markdown_json_and_html_for_all_titles(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = primed(capsys, "kit", "--product", "LedgerFlow", "--out", str(tmp_path / "k"))
    assert code == 0, err
    assert "LedgerFlow: 9 titles" in out
    files = {p.name for p in (tmp_path / "k").iterdir()}
    assert files == {"kit.md", "kit.json", "kit.html"}
    kit = json.loads((tmp_path / "k" / "kit.json").read_text())
    assert len(kit["titles"]) == 9 and kit["offering"] == "LedgerFlow"
    md = (tmp_path / "k" / "kit.md").read_text()
    assert "## Conversation list" in md and "## CFO (Chief Financial Officer)" in md
    for name in ("kit.md", "kit.json", "kit.html"):
        assert leaked((tmp_path / "k" / name).read_text()) == []


@pytest.mark.usefixtures("ingested")
def test_kit_for_chosen_titles_in_one_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = primed(
        capsys, "kit", "-p", "ledgerflow", "-t", "CFO", "-t", "Finance Director", "-t", "COO",
        "-f", "json", "-o", str(tmp_path),
    )  # fmt: skip
    assert code == 0, err
    kit = json.loads((tmp_path / "kit.json").read_text())
    assert [t["title"] for t in kit["titles"]] == ["CFO", "COO"]
    assert not (tmp_path / "kit.md").exists()


@pytest.mark.usefixtures("ingested")
@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["-p", "Brightvault"], 4, "no case notes about 'Brightvault'"),
        (["-p", "LedgerFlow", "-t", "Chief Vibes Officer"], 2, "Chief Vibes Officer"),
        (["-p", "LedgerFlow", "-f", "pdf"], 2, "unknown --format pdf"),
        (["-p", "LedgerFlow", "-E", "bogus"], 2, "unknown --engine 'bogus'"),
    ],
)
def test_kit_refuses_bad_input_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    got, out, err = primed(capsys, "kit", *args, "-o", str(tmp_path / "k"))
    assert got == code and message in err and "Traceback" not in err + out
    assert not (tmp_path / "k" / "kit.json").exists()


def test_kit_on_an_empty_store_says_to_ingest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = primed(capsys, "kit", "-p", "LedgerFlow", "-o", str(tmp_path))
    assert code == 3 and "primed ingest" in err


@pytest.mark.usefixtures("ingested")
def test_offerings_lists_note_counts_per_title(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = primed(capsys, "offerings", "--format", "json")
    found = {o["name"]: o for o in json.loads(out)}
    assert code == 0 and "LedgerFlow" in found
    ledger = found["LedgerFlow"]
    assert ledger["by_title"]["cfo"] >= 5 and sum(ledger["by_industry"].values()) == ledger["notes"]


@pytest.mark.slow
@pytest.mark.usefixtures("ingested")
def test_kit_html_renders_in_headless_chromium_without_external_requests(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    require_chromium()
    code, _, err = primed(capsys, "kit", "-p", "LedgerFlow", "-f", "html", "-o", str(tmp_path))
    assert code == 0, err
    page = tmp_path / "kit.html"
    html = page.read_text()
    # Self-contained: nothing to fetch, nothing to run.
    assert "<script" not in html and not re.search(r"(?:src|href)=\"(?!#)", html)
    assert "url(" not in html and "@import" not in html
    dumped = run_chromium(tmp_path / "profile-dom", "--dump-dom", page.as_uri())
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = dumped.stdout
    assert dom.find('id="conversation-list"') < dom.find('class="title"')
    assert len(re.findall(r'<section class="title" id="title-', dom)) == 9
    assert len(re.findall(r"<tr data-title=", dom)) == 54
    shot = tmp_path / "shot.png"
    shooting = run_chromium(
        tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri()
    )
    assert shooting.returncode == 0, shooting.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 10_000
