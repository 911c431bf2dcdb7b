"""`primed rewrite` end to end: formats, stdin, one-line errors and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.cli_helpers import primed
from tests.conftest import CASE_NOTES, SAMPLES

COPY = (
    "LedgerFlow offers real-time GL sync via REST API, multi-entity consolidation, automated "
    "3-way matching with OCR, SOC 2 Type II and a 99.95% uptime SLA."
)


@pytest.fixture
def ingested(capsys: pytest.CaptureFixture[str]) -> None:
    primed(capsys, "ingest", str(CASE_NOTES))


@pytest.mark.usefixtures("ingested")
def test_rewrite_a_datasheet_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    sheet = SAMPLES / "datasheets" / "ledgerflow-platform.md"
    code, out, _ = primed(
        capsys, "rewrite", str(sheet), "--title", "Finance Director", "--format", "json"
    )
    result = json.loads(out)
    assert code == 0 and result["title"] == "CFO" and result["engine"] == "grounded"
    assert result["claims"] and result["scorecard"]["measures"]["grounding"]["passed"]


@pytest.mark.usefixtures("ingested")
def test_rewrite_reads_stdin_and_prints_markdown(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(COPY.encode())))
    code, out, _ = primed(capsys, "rewrite", "-", "--title", "CFO")
    assert code == 0 and out.startswith("## ") and "### Claims" in out and "[PS-" in out


@pytest.mark.usefixtures("ingested")
def test_rewrite_errors_are_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("  \n")
    code, _, err = primed(capsys, "rewrite", str(empty), "--title", "CFO")
    assert code == 2 and "no text found" in err
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02LedgerFlow")
    code, _, err = primed(capsys, "rewrite", str(binary), "--title", "CFO")
    assert code == 2 and "binary" in err
    utf16 = tmp_path / "utf16.txt"  # text, with a byte-order mark: read, not called binary
    utf16.write_bytes("LedgerFlow".encode("utf-16"))
    code, _, err = primed(capsys, "rewrite", str(utf16), "--title", "CFO")
    assert code == 2 and "only 1 word of copy" in err, err
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 LedgerFlow".encode("latin-1"))
    code, _, err = primed(capsys, "rewrite", str(latin), "--title", "CFO")
    assert code == 2 and "not UTF-8" in err
    code, _, err = primed(
        capsys, "rewrite", str(SAMPLES / "datasheets" / "ledgerflow-platform.md"), "--title", "CFOO"
    )
    assert code == 2 and "did you mean" in err
    assert "Traceback" not in err


def test_rewrite_before_ingest_says_how_to_ingest(capsys: pytest.CaptureFixture[str]) -> None:
    sheet = SAMPLES / "datasheets" / "ledgerflow-platform.md"
    code, _, err = primed(capsys, "rewrite", str(sheet), "--title", "CFO")
    assert code == 3 and "primed ingest" in err


@pytest.mark.usefixtures("ingested")
def test_overlong_option_is_a_one_line_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    sheet = SAMPLES / "datasheets" / "ledgerflow-platform.md"
    code, _, err = primed(capsys, "rewrite", str(sheet), "--title", "CFO", "--product", "x" * 300)
    assert code == 2 and "product" in err and err.strip().count("\n") == 0


def test_a_corrupt_docx_or_pdf_is_named_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    docx = tmp_path / "corrupt.docx"
    docx.write_bytes(b"PK\x03\x04" + b"garbage " * 40)
    pdf = tmp_path / "corrupt.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<")  # 16 bytes, no document in it
    not_pdf = tmp_path / "notes.pdf"
    not_pdf.write_text("plain words in a file that claims to be a PDF document")
    for path, kind in ((docx, "DOCX"), (pdf, "PDF"), (not_pdf, "PDF")):
        code, _, err = primed(capsys, "rewrite", str(path), "--title", "CFO")
        assert code == 2, err
        assert f"cannot read {path}: not a valid {kind} file" in err
        assert err.strip().count("\n") == 0


@pytest.mark.usefixtures("ingested")
def test_a_product_unknown_to_the_store_is_a_warning_naming_the_known_offerings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    sheet = SAMPLES / "datasheets" / "ledgerflow-platform.md"
    code, _, err = primed(
        capsys, "rewrite", str(sheet), "--title", "CFO", "--product", "NoSuchProduct"
    )
    assert code == 0 and "warning:" in err and "NoSuchProduct" in err
    assert "LedgerFlow" in err  # the offerings the store does have notes about


@pytest.mark.usefixtures("ingested")
def test_copy_too_short_to_rewrite_names_its_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    headings = tmp_path / "headings.md"
    headings.write_text("# LedgerFlow\n\n## Features\n")
    code, _, err = primed(capsys, "rewrite", str(headings), "--title", "CFO")
    assert code == 2 and err.startswith(f"error: {headings}: only 4 words of copy"), err


def test_oversized_copy_on_stdin_is_refused_like_a_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRIMED_MAX_COPY_CHARS", "1000")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO((COPY * 20).encode())))
    code, _, err = primed(capsys, "rewrite", "-", "--title", "CFO")
    assert code == 2 and "standard input: 3,020 characters" in err, err
    assert "PRIMED_MAX_COPY_CHARS" in err
