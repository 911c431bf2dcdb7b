"""Case-note loaders: every format loads, every kind of malformed input is reported precisely."""

from __future__ import annotations

import json
from pathlib import Path

from app.corpus.loaders import load_paths

GOOD_FRONT = """---
id: PS-900
customer: Acme Freight
customer_description: a regional freight company
industry: Logistics
offering: LedgerFlow
titles: [CFO, COO]
date: 2025-03-14
consultant: Dana Ortiz
publishable: true
---
Month-end close went from 9 days to 4 after consolidation was automated.
"""

RECORD = {
    "id": "PS-901",
    "customer": "Beta Retail",
    "industry": "retail",
    "offering": "LedgerFlow",
    "titles": ["CFO"],
    "date": "2025-01-02",
    "consultant": "Sam Lee",
    "body": "Invoice exceptions fell 60% once matching was automated.",
}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_markdown_note_loads_with_all_fields(tmp_path: Path) -> None:
    result = load_paths([write(tmp_path / "n.md", GOOD_FRONT)])
    assert result.errors == []
    note, where = result.notes[0]
    assert note.id == "PS-900" and note.industry == "logistics"
    assert note.titles == ["CFO", "COO"] and note.publishable is True
    assert note.body.startswith("Month-end close") and where.endswith("n.md")


def test_publishable_defaults_to_false_and_customer_is_described(tmp_path: Path) -> None:
    text = GOOD_FRONT.replace("publishable: true\n", "")
    note, _ = load_paths([write(tmp_path / "n.md", text)]).notes[0]
    assert note.publishable is False
    assert note.describe_customer() == "a regional freight company"


def test_jsonl_and_csv_notes_load(tmp_path: Path) -> None:
    second = {**RECORD, "id": "PS-902", "publishable": True}
    write(tmp_path / "a.jsonl", json.dumps(RECORD) + "\n\n" + json.dumps(second) + "\n")
    write(
        tmp_path / "b.csv",
        "id,customer,industry,offering,titles,date,consultant,publishable,body\n"
        'PS-903,Gamma Health,healthcare,Keystone ID,"CISO, CIO",2024-05-06,Ana Ruiz,false,'
        '"Access reviews now take 2 days, down from 3 weeks."\n',
    )
    result = load_paths([tmp_path])
    assert result.errors == []
    ids = sorted(n.id for n, _ in result.notes)
    assert ids == ["PS-901", "PS-902", "PS-903"]
    csv_note = next(n for n, _ in result.notes if n.id == "PS-903")
    assert csv_note.titles == ["CISO", "CIO"] and csv_note.publishable is False


def test_missing_front_matter_names_file_and_line(tmp_path: Path) -> None:
    result = load_paths([write(tmp_path / "plain.md", "Just a body.\n")])
    assert result.notes == []
    assert "plain.md:line 1" in str(result.errors[0])
    assert "front matter" in str(result.errors[0])


def test_unclosed_front_matter_is_reported(tmp_path: Path) -> None:
    result = load_paths([write(tmp_path / "open.md", "---\nid: X\n")])
    assert "not closed" in str(result.errors[0])


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    broken = GOOD_FRONT.replace("consultant: Dana Ortiz", "consultant: [Dana")
    error = str(load_paths([write(tmp_path / "bad.md", broken)]).errors[0])
    assert "bad.md:line" in error and "not valid YAML" in error


def test_missing_field_names_field_and_line(tmp_path: Path) -> None:
    missing = GOOD_FRONT.replace("offering: LedgerFlow\n", "")
    error = str(load_paths([write(tmp_path / "m.md", missing)]).errors[0])
    assert "offering: required field is missing" in error


def test_bad_field_value_names_the_field_line(tmp_path: Path) -> None:
    bad_date = GOOD_FRONT.replace("date: 2025-03-14", "date: last spring")
    error = str(load_paths([write(tmp_path / "d.md", bad_date)]).errors[0])
    assert "d.md:line 8" in error and "date:" in error


def test_unknown_field_is_an_error(tmp_path: Path) -> None:
    extra = GOOD_FRONT.replace("publishable: true", "publishable: true\nsecret_sauce: yes")
    error = str(load_paths([write(tmp_path / "x.md", extra)]).errors[0])
    assert "secret_sauce: unknown field" in error


def test_empty_body_is_an_error(tmp_path: Path) -> None:
    empty = GOOD_FRONT.split("---\nMonth")[0] + "---\n\n  \n"
    error = str(load_paths([write(tmp_path / "e.md", empty)]).errors[0])
    assert "body" in error and "empty" in error


def test_bad_jsonl_lines_are_reported_and_good_lines_load(tmp_path: Path) -> None:
    lines = [
        json.dumps(RECORD),
        "{not json",
        json.dumps([1, 2]),
        json.dumps({**RECORD, "id": "PS-905", "titles": []}),
    ]
    result = load_paths([write(tmp_path / "mix.jsonl", "\n".join(lines))])
    assert [n.id for n, _ in result.notes] == ["PS-901"]
    errors = [str(e) for e in result.errors]
    assert "mix.jsonl:line 2: not valid JSON" in errors[0]
    assert "mix.jsonl:line 3" in errors[1] and "JSON object" in errors[1]
    assert "mix.jsonl:line 4" in errors[2] and "titles" in errors[2]


def test_csv_row_with_extra_cells_and_missing_field_are_reported(tmp_path: Path) -> None:
    text = (
        "id,customer,industry,offering,titles,date,consultant,body\n"
        "PS-1,A,retail,LedgerFlow,CFO,2025-01-01,Kim,Body one.,EXTRA\n"
        "PS-2,B,retail,,CFO,2025-01-01,Kim,Body two.\n"
    )
    result = load_paths([write(tmp_path / "n.csv", text)])
    errors = [str(e) for e in result.errors]
    assert "n.csv:row 1: more cells than header columns" in errors[0]
    assert "n.csv:row 2" in errors[1] and "offering" in errors[1]


def test_non_utf8_and_unsupported_files_are_errors(tmp_path: Path) -> None:
    (tmp_path / "latin.md").write_bytes(b"---\nid: \xff\n---\nbody")
    result = load_paths([tmp_path / "latin.md", write(tmp_path / "notes.txt", "hello")])
    errors = [str(e) for e in result.errors]
    assert "not UTF-8" in errors[0]
    assert "unsupported file type '.txt'" in errors[1]


def test_folder_skips_other_files_and_reports_missing_paths(tmp_path: Path) -> None:
    write(tmp_path / "good.md", GOOD_FRONT)
    write(tmp_path / "image.png", "x")
    result = load_paths([tmp_path, tmp_path / "nope"])
    assert len(result.notes) == 1
    assert any(s.endswith("image.png") for s in result.skipped_files)
    assert "no such file or folder" in str(result.errors[0])


def test_duplicate_ids_keep_the_first_and_report_the_second(tmp_path: Path) -> None:
    write(tmp_path / "a.md", GOOD_FRONT)
    write(tmp_path / "b.md", GOOD_FRONT)
    result = load_paths([tmp_path])
    assert len(result.notes) == 1
    assert "duplicate id 'PS-900'" in str(result.errors[0])


def test_notes_saved_as_unicode_text_by_windows_tools_load(tmp_path: Path) -> None:
    # Excel's "Unicode Text" and PowerShell's `>` write UTF-16 with a byte-order mark.
    (tmp_path / "a.md").write_bytes(GOOD_FRONT.encode("utf-16"))
    (tmp_path / "b.csv").write_bytes(
        (
            "id,customer,industry,offering,titles,date,consultant,publishable,body\n"
            'PS-903,Gamma Health,healthcare,Keystone ID,CISO,2024-05-06,Ana Ruiz,false,"Access '
            'reviews now take 2 days, down from 3 weeks."\n'
        ).encode("utf-32")
    )
    result = load_paths([tmp_path])
    assert result.errors == []
    assert sorted(n.id for n, _ in result.notes) == ["PS-900", "PS-903"]
