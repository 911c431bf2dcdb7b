"""`primed batch --ray-address` on a real local Ray head (127.0.0.1, 2 CPUs, no dashboard, no
usage stats): the same files as a local run, resume after kill -9 of the driver, and the one
line a user without Ray gets."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.batch.files import write_docx, write_pdf
from tests.batch.test_batch import COPY, manifest
from tests.cli_helpers import primed
from tests.conftest import CASE_NOTES, SAMPLES
from tests.servers import RayHead

pytestmark = [pytest.mark.server, pytest.mark.slow]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A clean PRIMED_ environment whose embedded store holds the sample notes."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PRIMED_", "OPENAI_"))}
    env = {**clean, "PRIMED_DATA_DIR": str(tmp_path / "data"), "RAY_USAGE_STATS_ENABLED": "0"}
    done = subprocess.run(cli("ingest", str(CASE_NOTES)), env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return env


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "app.cli.main", *args]


def files(out: Path) -> dict[str, bytes]:
    """Every rewrite file under `out` (manifest and summaries hold timings, not rewrites)."""
    skip = {"manifest.jsonl", "summary.md", "summary.html"}
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in skip
    }


def units(out: Path) -> list[tuple[object, ...]]:
    keys = ("input", "sha256", "title", "status", "engine", "outputs", "error", "passed")
    return sorted(tuple(str(line.get(k)) for k in keys) for line in manifest(out))


def test_a_batch_on_ray_writes_the_same_files_and_units_as_a_local_batch(
    ray_head: RayHead, env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for sheet in sorted((SAMPLES / "datasheets").iterdir())[:4]:
        (folder / sheet.name).write_bytes(sheet.read_bytes())
    (folder / "a.md").write_text(f"# LedgerFlow\n\n{COPY}\n")
    (folder / "a.txt").write_text(COPY)  # same stem as a.md
    write_pdf(folder / "sheet.pdf", COPY)
    write_docx(folder / "sub" / "sheet.docx", ["LedgerFlow", COPY])
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<< garbage")
    (folder / "empty.md").write_text("")
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n")
    args = ["batch", str(folder), "-t", "CFO", "-t", "COO", "-E", "grounded", "-w", "2"]

    actors_before = len(ray_head.actor_logs("UnitWorker"))
    local = subprocess.run(cli(*args, "-o", str(tmp_path / "local")), env=env, text=True)
    on_ray = subprocess.run(
        cli(*args, "-o", str(tmp_path / "ray"), "--ray-address", ray_head.address),
        env=env,
        capture_output=True,
        text=True,
    )

    assert (local.returncode, on_ray.returncode) == (1, 1), on_ray.stderr  # 3 bad inputs
    assert "on the Ray cluster at" in on_ray.stderr and "Traceback" not in on_ray.stderr
    actors = len(ray_head.actor_logs("UnitWorker")) - actors_before
    assert actors == 2  # the units ran in two Ray actors, not in the driver
    local_files, ray_files = files(tmp_path / "local"), files(tmp_path / "ray")
    assert len(local_files) == 8 * 2 * 2  # 8 good inputs x 2 titles x (.md, .json)
    assert ray_files == local_files  # byte for byte
    assert units(tmp_path / "ray") == units(tmp_path / "local")
    failed = {line["input"] for line in manifest(tmp_path / "ray") if line["status"] != "ok"}
    assert failed == {"broken.pdf", "empty.md", "logo.png"}


def test_kill_9_of_the_driver_then_resume_on_ray_finishes_every_unit_exactly_once(
    ray_head: RayHead, env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    names = [f"sheet-{i:02d}.md" for i in range(24)]
    for i, name in enumerate(names):
        (folder / name).write_text(f"{COPY} Edition {i}.")
    out = tmp_path / "out"
    args = [
        *("batch", str(folder), "-t", "CFO", "-t", "COO", "-o", str(out), "-E", "grounded"),
        *("-w", "2", "--ray-address", ray_head.address),
    ]
    first = subprocess.Popen(cli(*args), env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not ((out / "manifest.jsonl").exists() and len(manifest(out)) >= 3):
        assert time.monotonic() < deadline, "no unit finished within 300 s"
        assert first.poll() is None, "the batch finished before it could be killed"
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    done_before = len(manifest(out))
    assert 3 <= done_before < 48

    resumed = subprocess.run(cli(*args, "--resume"), env=env, capture_output=True, text=True)

    assert resumed.returncode == 0, resumed.stderr
    expected = {(name, title) for name in names for title in ("cfo", "coo")}
    ok = [(line["input"], line["title"]) for line in manifest(out) if line["status"] == "ok"]
    assert sorted(ok) == sorted(expected), "every unit exactly once, nothing done twice"
    assert f"{done_before} already done" in resumed.stdout.replace("\n", " ")
    outputs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert outputs == sorted(
        [f"{n[:-3]}.{t}.{ext}" for n, t in expected for ext in ("md", "json")]
        + ["manifest.jsonl", "summary.html", "summary.md"]
    )  # and no half-written temp files


def test_ray_address_without_ray_installed_is_one_line_naming_the_extra(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    (tmp_path / "in").mkdir()
    out = tmp_path / "out"
    args = ["batch", str(tmp_path / "in"), "-t", "CFO", "-o", str(out), "--ray-address", "auto"]

    code, _, err = primed(capsys, *args)

    assert code == 2 and err.strip().count("\n") == 0 and "Traceback" not in err
    assert "pip install 'primed[ray]'" in err and "make install-ray" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("address", "code", "says"),
    [
        ("http://head:8265", 2, "must be auto, HOST:PORT or ray://HOST:PORT"),
        ("127.0.0.1:1", 3, "cannot reach the Ray cluster at 127.0.0.1:1"),
    ],
)
def test_a_ray_address_that_is_malformed_or_unreachable_is_one_line_before_any_unit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, address: str, code: int, says: str
) -> None:
    assert primed(capsys, "ingest", str(CASE_NOTES))[0] == 0
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "sheet.md").write_text(COPY)
    out = tmp_path / "out"

    result = primed(
        capsys, "batch", str(folder), "-t", "CFO", "-o", str(out), "--ray-address", address
    )

    assert result[0] == code and says in result[2], result[2]
    assert "Traceback" not in result[2] and not (out / "manifest.jsonl").exists()


def test_ray_actors_embed_on_one_thread_unless_the_driver_sets_embed_threads(
    tmp_path: Path,
) -> None:
    from app.batch_ray import worker_fields
    from app.config import Settings

    default = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    chosen = Settings(data_dir=tmp_path, embed_threads=3, _env_file=None)  # type: ignore[call-arg]
    assert worker_fields(default)["embed_threads"] == 1  # an actor holds one CPU
    assert worker_fields(chosen)["embed_threads"] == 3
