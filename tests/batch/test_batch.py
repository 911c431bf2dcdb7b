"""`primed batch` on real files of every format, and resume after `kill -9`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.batch.files import write_docx, write_pdf
from tests.cli_helpers import primed
from tests.conftest import CASE_NOTES, SAMPLES, copy_samples

COPY = (
    "LedgerFlow offers real-time GL sync via REST API, multi-entity consolidation, automated "
    "3-way matching with OCR, SOC 2 Type II and a 99.95% uptime SLA."
)


def manifest(out: Path) -> list[dict[str, object]]:
    lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "sub1").mkdir(parents=True)
    (folder / "sub2").mkdir()
    (folder / "a.md").write_text(f"# LedgerFlow\n\n{COPY}\n")
    (folder / "a.txt").write_text(COPY)  # same stem as a.md in the same folder
    (folder / "page.html").write_text(f"<html><body><h1>LedgerFlow</h1><p>{COPY}</p></body></html>")
    write_pdf(folder / "sheet.pdf", COPY)
    write_docx(folder / "sheet.docx", ["LedgerFlow", COPY])
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<< garbage")
    (folder / "empty.md").write_text("")
    (folder / "huge.txt").write_text("LedgerFlow consolidation. " * 200_000)  # ~5 MB
    (folder / "sub1" / "dup.md").write_text(COPY)
    (folder / "sub2" / "dup.md").write_text(COPY)
    (folder / "données-é.md").write_text(COPY)
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n")
    return folder


def test_batch_writes_one_output_pair_per_input_and_title_and_records_failures(
    capsys: pytest.CaptureFixture[str], inputs: Path, tmp_path: Path
) -> None:
    primed(capsys, "ingest", str(CASE_NOTES))
    out = tmp_path / "out"
    code, stdout, _ = primed(
        capsys,
        "batch",
        str(inputs),
        "-t",
        "CFO",
        "-t",
        "VP of Sales",
        "--out",
        str(out),
        "-E",
        "grounded",
    )
    assert code == 1  # some inputs are bad: the batch goes on and says so
    good = [
        "a.md",
        "a.txt",
        "page.html",
        "sheet.pdf",
        "sheet.docx",
        "sub1/dup.md",
        "sub2/dup.md",
        "données-é.md",
    ]
    lines = manifest(out)
    ok = {(line["input"], line["title"]) for line in lines if line["status"] == "ok"}
    assert ok == {(name, title) for name in good for title in ("cfo", "vp-sales")}
    failed = {line["input"]: line["error"] for line in lines if line["status"] == "failed"}
    assert set(failed) == {"broken.pdf", "empty.md", "huge.txt", "logo.png"}
    assert "cannot read" in str(failed["broken.pdf"]) and "no text" in str(failed["empty.md"])
    assert "over the limit" in str(failed["huge.txt"]) and "unsupported" in str(failed["logo.png"])
    for name in (
        "a.md.cfo.md",
        "a.txt.cfo.json",
        "sub1/dup.cfo.md",
        "sub2/dup.vp-sales.json",
        "données-é.cfo.md",
    ):
        assert (out / name).is_file(), name
    rewrite = (
        json.loads((out / "sheet.pdf.cfo.json").read_text())
        if (out / "sheet.pdf.cfo.json").exists()
        else json.loads((out / "sheet.cfo.json").read_text())
    )
    assert rewrite["rewrite"]["claims"] and rewrite["sha256"]
    assert "summary.html" in stdout and (out / "summary.html").exists()
    assert "broken.pdf" in (out / "summary.md").read_text()
    assert not list(out.rglob(".*.tmp"))


def test_every_warning_is_in_the_units_markdown_and_counted_in_the_summary(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A reviewer reads the .md, not the JSON: what a seller must check is in both."""
    primed(capsys, "ingest", str(CASE_NOTES))
    folder = tmp_path / "in"
    folder.mkdir()
    for name in (
        "pipelineiq-attribution.html",
        "keystone-id-overview.md",
        "ledgerflow-platform.md",
    ):
        shutil.copy(SAMPLES / "datasheets" / name, folder / name)
    out = tmp_path / "out"
    code, stdout, _ = primed(capsys, "batch", str(folder), "-t", "CFO", "--out", str(out))
    assert code == 0
    rows = {line["input"]: line for line in manifest(out)}
    warned = 0
    summary = (out / "summary.md").read_text(encoding="utf-8")
    table = [line.split(" | ") for line in summary.splitlines() if line.startswith("| ")]
    column = table[0].index("warnings")
    counts = {cells[0].lstrip("| "): cells[column] for cells in table[1:]}  # header, rows
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert "<th>warnings</th>" in page
    for name, row in rows.items():
        stem = Path(name).stem
        warnings = json.loads((out / f"{stem}.cfo.json").read_text())["rewrite"]["warnings"]
        markdown = (out / f"{stem}.cfo.md").read_text(encoding="utf-8")
        assert row["warnings"] == len(warnings)
        assert counts[name] == str(len(warnings))
        assert f"<td>{len(warnings)}</td>" in page
        if warnings:
            warned += 1
            heading = "### Check before a seller uses this"
            assert markdown.index(heading) < markdown.index("### Claims")  # read before claims
            checks = markdown.split(heading, 1)[1].split("### Claims", 1)[0]
            assert all(f"- {' '.join(w.split())}" in checks for w in warnings)
        else:
            assert "### Check before" not in markdown
    assert warned, "no unit had a warning: the test would prove nothing"
    assert f"{warned} with warnings to check before use" in summary
    assert f"{warned} with warnings to check before use" in stdout


def test_existing_batch_needs_resume(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.jsonl").write_text("")
    (tmp_path / "in").mkdir()
    code, _, err = primed(capsys, "batch", str(tmp_path / "in"), "-t", "CFO", "--out", str(out))
    assert code == 2 and "--resume" in err


def run_primed(args: list[str], env: dict[str, str], **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "app.cli.main", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        **kwargs,
    )


def thirty_sheets(tmp_path: Path, *titles: str) -> tuple[list[str], dict[str, str], list[str]]:
    """A store with the sample notes and 30 distinct datasheets: the batch's args, its
    environment (no LLM) and the sheet names, for a batch run in its own process."""
    env = {**os.environ, "PRIMED_DATA_DIR": str(tmp_path / "data")}
    env = {k: v for k, v in env.items() if not k.startswith(("PRIMED_LLM", "OPENAI_"))}
    assert run_primed(["ingest", str(CASE_NOTES)], env).wait(timeout=300) == 0
    folder = tmp_path / "in"
    folder.mkdir()
    names = [f"sheet-{i:02d}.md" for i in range(30)]
    for i, name in enumerate(names):
        (folder / name).write_text(f"{COPY} Edition {i}.")
    args = ["batch", str(folder), *(a for t in titles for a in ("-t", t))]
    return [*args, "--out", str(tmp_path / "out"), "-E", "grounded"], env, names


def wait_for_lines(batch: subprocess.Popen[bytes], out: Path, count: int) -> None:
    """Until the running batch has recorded `count` units (it must not finish first)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if (out / "manifest.jsonl").exists() and len(manifest(out)) >= count:
            return
        assert batch.poll() is None, "the batch finished before it could be stopped"
        time.sleep(0.02)
    raise AssertionError(f"fewer than {count} units in 300 s")


@pytest.mark.slow
def test_kill_9_then_resume_finishes_with_exactly_one_output_per_unit(tmp_path: Path) -> None:
    args, env, names = thirty_sheets(tmp_path, "CFO", "COO")
    out = tmp_path / "out"
    first = run_primed(args, env)
    wait_for_lines(first, out, 3)
    first.send_signal(signal.SIGKILL)
    first.wait()
    done_before = len(manifest(out))
    assert 3 <= done_before < 60

    resumed = run_primed([*args, "--resume"], env)
    assert resumed.wait(timeout=600) == 0, resumed.stderr.read() if resumed.stderr else ""
    units = {(name, title) for name in names for title in ("cfo", "coo")}
    ok = [(line["input"], line["title"]) for line in manifest(out) if line["status"] == "ok"]
    assert sorted(ok) == sorted(units), "every unit exactly once, nothing done twice"
    outputs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    expected = sorted(
        [f"{n[:-3]}.{t}.{ext}" for n in names for t in ("cfo", "coo") for ext in ("md", "json")]
        + ["manifest.jsonl", "summary.html", "summary.md"]
    )
    assert outputs == expected  # and no half-written temp files


@pytest.mark.slow
def test_ctrl_c_keeps_finished_units_and_says_how_to_resume(tmp_path: Path) -> None:
    args, env, _ = thirty_sheets(tmp_path, "CFO")
    out = tmp_path / "out"
    batch = run_primed(args, env)
    wait_for_lines(batch, out, 2)
    batch.send_signal(signal.SIGINT)
    assert batch.wait(timeout=120) == 130
    err = batch.stderr.read().decode() if batch.stderr else ""
    assert "interrupted" in err and "--resume" in err and "Traceback" not in err, err
    assert err.count("interrupted") == 1, err  # the resume hint, not a second generic line
    assert len(manifest(out)) >= 2


def test_resume_redoes_only_inputs_whose_content_changed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    primed(capsys, "ingest", str(CASE_NOTES))
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("one.md", "two.md"):
        (folder / name).write_text(COPY)
    out = tmp_path / "out"
    args = ["batch", str(folder), "-t", "CFO", "--out", str(out), "-E", "grounded"]
    assert primed(capsys, *args)[0] == 0
    assert primed(capsys, *args, "--resume")[0] == 0
    assert len(manifest(out)) == 2  # nothing done twice
    (folder / "two.md").write_text(COPY + " Now with faster month-end close.")
    code, stdout, _ = primed(capsys, *args, "--resume")
    assert code == 0 and "1 already done" in stdout
    lines = manifest(out)
    assert [line["input"] for line in lines] == ["one.md", "two.md", "two.md"]
    assert lines[1]["sha256"] != lines[2]["sha256"]
    assert (out / "two.cfo.md").is_file()
    (folder / "two.md").write_text("")  # the redo fails: its old rewrite must not stay
    code, _, err = primed(capsys, *args, "--resume")
    assert code == 1 and "two.md" in err
    assert not (out / "two.cfo.md").exists() and not (out / "two.cfo.json").exists()
    assert (out / "one.cfo.md").is_file()


def test_an_output_whose_manifest_line_a_crash_lost_is_recorded_from_its_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    primed(capsys, "ingest", str(CASE_NOTES))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.md").write_text(COPY)
    out = tmp_path / "out"
    args = ["batch", str(folder), "-t", "CFO", "--out", str(out), "-E", "grounded"]
    assert primed(capsys, *args)[0] == 0
    (written,) = manifest(out)
    (out / "manifest.jsonl").write_text("")  # the crash came after the files, before the line
    assert primed(capsys, *args, "--resume")[0] == 0
    (line,) = manifest(out)
    saved = json.loads((out / "one.cfo.json").read_text())["rewrite"]
    assert line["engine"] == written["engine"] == saved["engine"]
    assert line["passed"] == written["passed"] == saved["scorecard"]["passed"]
    assert line["failed_measures"] == written["failed_measures"]
    assert line["warnings"] == written["warnings"]


def test_names_that_could_clash_get_distinct_outputs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    primed(capsys, "ingest", str(CASE_NOTES))
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("x.md", "x.txt", "x.md.txt"):
        (folder / name).write_text(f"{COPY} ({name})")
    out = tmp_path / "out"
    assert (
        primed(capsys, "batch", str(folder), "-t", "CFO", "--out", str(out), "-E", "grounded")[0]
        == 0
    )
    outputs = [tuple(line["outputs"]) for line in manifest(out)]
    assert len(set(outputs)) == 3
    sources = {json.loads((out / o[1]).read_text())["input"] for o in outputs}
    assert sources == {"x.md", "x.txt", "x.md.txt"}


def test_failures_of_removed_inputs_no_longer_count_after_resume(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    primed(capsys, "ingest", str(CASE_NOTES))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.md").write_text(COPY)
    (folder / "bad.md").write_text("")
    out = tmp_path / "out"
    args = ["batch", str(folder), "-t", "CFO", "--out", str(out), "-E", "grounded"]
    assert primed(capsys, *args)[0] == 1
    (folder / "bad.md").unlink()
    code, stdout, err = primed(capsys, *args, "--resume")
    assert code == 0 and "0 failed" in stdout and "bad.md" not in err


@pytest.fixture
def few_notes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    copy_samples(tmp_path / "notes", 3)
    assert primed(capsys, "ingest", str(tmp_path / "notes"))[0] == 0


@pytest.fixture
def one_sheet(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "sheet.md").write_text(COPY)
    return folder


def assert_refused(err: str, out: Path) -> None:
    assert err.strip().count("\n") == 0 and "unexpected" not in err and "Traceback" not in err
    assert not (out / "manifest.jsonl").exists()  # refused before any unit ran


@pytest.mark.usefixtures("few_notes")
def test_an_unknown_engine_is_refused_before_any_unit_runs(
    capsys: pytest.CaptureFixture[str], one_sheet: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, _, err = primed(capsys, "batch", str(one_sheet), "-t", "CFO", "-o", str(out), "-E", "x")
    assert code == 2 and "unknown engine 'x'" in err
    assert_refused(err, out)


def test_an_empty_store_is_refused_before_any_unit_runs(
    capsys: pytest.CaptureFixture[str], one_sheet: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, _, err = primed(capsys, "batch", str(one_sheet), "-t", "CFO", "-o", str(out))
    assert code == 3 and "primed ingest" in err
    assert_refused(err, out)


@pytest.mark.usefixtures("few_notes")
def test_an_out_folder_that_cannot_be_written_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], one_sheet: Path, tmp_path: Path
) -> None:
    a_file = tmp_path / "taken.txt"
    a_file.write_text("not a folder")
    for out, says in ((a_file, "not a folder"), (a_file / "sub", "cannot write")):
        code, _, err = primed(capsys, "batch", str(one_sheet), "-t", "CFO", "-o", str(out))
        assert code == 2 and says in err, err
        assert_refused(err, out)


@pytest.mark.usefixtures("few_notes")
def test_an_out_folder_on_a_read_only_file_system_is_a_usage_error(
    one_sheet: Path, tmp_path: Path
) -> None:
    """A real read-only mount, in a user and mount namespace of its own."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-rm", "true"]).returncode:
        pytest.skip("needs unshare with user namespaces")
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    out = readonly / "out"
    command = " ".join(
        [
            f"mount -t tmpfs -o ro tmpfs {readonly} &&",
            *primed_args(),
            f"batch {one_sheet} -t CFO -o {out} -E grounded",
        ]
    )
    done = subprocess.run(["unshare", "-rm", "sh", "-c", command], capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert "cannot write" in done.stderr and "read-only file system" in done.stderr.lower()
    assert_refused(done.stderr, out)


def primed_args() -> list[str]:
    return [sys.executable, "-m", "app.cli.main"]


@pytest.mark.usefixtures("few_notes")
def test_an_out_folder_in_the_input_folder_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], one_sheet: Path
) -> None:
    for out in (one_sheet, one_sheet / "rewrites"):
        code, _, err = primed(capsys, "batch", str(one_sheet), "-t", "CFO", "-o", str(out))
        assert code == 2 and "inside the input folder" in err, err
        assert_refused(err, out)
    assert sorted(p.name for p in one_sheet.iterdir()) == ["sheet.md"]  # nothing written there


@pytest.mark.usefixtures("few_notes")
def test_an_llm_batch_without_an_llm_warns_once_before_it_runs_grounded(
    capsys: pytest.CaptureFixture[str],
    one_sheet: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("PRIMED_LLM_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "out"
    code, _, err = primed(capsys, "batch", str(one_sheet), "-t", "CFO", "-o", str(out), "-E", "llm")
    assert code == 0 and err.count("llm engine unavailable") == 1, err
    assert [line["engine"] for line in manifest(out)] == ["grounded"]


@pytest.mark.usefixtures("few_notes")
def test_a_missing_or_empty_input_folder_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, _, err = primed(capsys, "batch", str(tmp_path / "nosuch"), "-t", "CFO", "-o", str(out))
    assert code == 2 and "no such folder" in err, err
    (tmp_path / "empty").mkdir()
    code, _, err = primed(capsys, "batch", str(tmp_path / "empty"), "-t", "CFO", "-o", str(out))
    assert code == 2 and "no files to rewrite" in err, err
    assert not out.exists()


@pytest.mark.usefixtures("few_notes")
def test_an_out_folder_above_the_input_folder_rewrites_every_input(
    capsys: pytest.CaptureFixture[str], one_sheet: Path
) -> None:
    out = one_sheet.parent  # `primed batch datasheets/ --out .`
    code, stdout, _ = primed(capsys, "batch", str(one_sheet), "-t", "CFO", "-o", str(out))
    assert code == 0 and "1 written" in stdout, stdout
    assert (out / "sheet.cfo.md").is_file()


@pytest.mark.usefixtures("few_notes")
def test_batch_removes_only_its_own_leftover_temp_files(
    capsys: pytest.CaptureFixture[str], one_sheet: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    (out / "drafts").mkdir(parents=True)
    users = [out / ".notes.tmp", out / "drafts" / ".draft.tmp", out / ".a.md.0123.tmp"]
    for path in users:
        path.write_text("mine")
    leftover = out / ".sheet.cfo.md.0123456789abcdef.tmp"  # a crash between write and rename
    leftover.write_text("half")
    code, _, _ = primed(capsys, "batch", str(one_sheet), "-t", "CFO", "-o", str(out))
    assert code == 0
    assert all(path.read_text() == "mine" for path in users)
    assert not leftover.exists()


@pytest.mark.usefixtures("few_notes")
@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_outputs_and_manifest_share_one_mode_that_follows_the_umask(
    capsys: pytest.CaptureFixture[str], one_sheet: Path, tmp_path: Path, umask: int
) -> None:
    out = tmp_path / "out"
    previous = os.umask(umask)
    try:
        code, _, err = primed(
            capsys, "batch", str(one_sheet), "-t", "CFO", "-o", str(out), "-E", "grounded"
        )
    finally:
        os.umask(previous)
    assert code == 0, err
    modes = {p.relative_to(out).as_posix(): p.stat().st_mode & 0o777 for p in out.rglob("*")}
    assert set(modes) == {
        "manifest.jsonl",
        "summary.md",
        "summary.html",
        "sheet.cfo.md",
        "sheet.cfo.json",
    }
    assert set(modes.values()) == {0o666 & ~umask}, modes


def test_a_file_without_a_suffix_is_read_as_text_as_rewrite_and_the_api_read_it(
    tmp_path: Path,
) -> None:
    from app.batch import plan

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "DATASHEET").write_text("LedgerFlow closes the books in days.", encoding="utf-8")
    (folder / "logo.png").write_bytes(b"\x89PNG")
    planned = plan(folder, tmp_path / "out", ["cfo"], resume=False)
    assert [(item.relative, item.title) for item in planned.items] == [("DATASHEET", "cfo")]
    assert [name for name, _ in planned.unsupported] == ["logo.png"]
