"""Batch benchmark: `primed batch` over N distinct datasheets with the grounded engine, wall time
and peak memory of the batch process.

Runs, each a fresh `primed batch` process on a fresh output folder:
- `--runs` runs (default 3) of N datasheets x 1 title: the issue's target, reported as the median
  and every run (the machine is shared and noisy);
- one run of N x 3 titles (`--titles-run`): what reuse across titles buys;
- one run of N x 1 where every line of every datasheet is made unique (`--unique-lines`): the
  default inputs are the sample datasheets with an edition line each, so their feature lines
  repeat and the embedding cache answers them after the first copy; this run shows the cost
  when nothing repeats;
- a cProfile of `--profile` units in this process (one worker), top functions by own time.

Needs the samples ingested (`make demo`). Run: `.venv/bin/python benchmarks/bench_batch.py
[--count 1000] [--runs 3] [--workers 2]`; results go to benchmarks/results/batch.{json,md}.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import pstats
import resource
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from machine import Machine, describe

from app.config import PROJECT_ROOT
from app.documents import read_document

RESULTS = Path(__file__).parent / "results"
SHEETS = PROJECT_ROOT / "corpora" / "samples" / "datasheets"


def tag(i: int) -> str:
    """A distinct three-letter word per datasheet (no digits: numbers mean something here)."""
    letters = string.ascii_lowercase
    return letters[i // 676 % 26] + letters[i // 26 % 26] + letters[i % 26]


def unique_lines(text: str, i: int) -> str:
    """Every non-heading line ends with this datasheet's own word, so no line repeats."""
    word = tag(i)
    out = []
    for line in text.splitlines():
        stripped = line.rstrip()
        if not stripped or stripped.startswith("#"):
            out.append(line)
        elif stripped.endswith("|"):
            out.append(stripped[:-1].rstrip() + f" in region {word} |")
        else:
            out.append(f"{stripped} (region {word})")
    return "\n".join(out)


def write_inputs(folder: Path, count: int, unique: bool) -> None:
    sources = [read_document(p, 50_000) for p in sorted(SHEETS.iterdir())]
    folder.mkdir(parents=True)
    for i in range(count):
        text = sources[i % len(sources)]
        text = unique_lines(text, i) if unique else text + f"\n\nEdition {i}.\n"
        (folder / f"sheet-{i:05d}.md").write_text(text, encoding="utf-8")


def run(folder: Path, out: Path, titles: str, workers: int) -> dict[str, Any]:
    command = [
        sys.executable, "-m", "app.cli.main", "batch", str(folder),
        "--out", str(out), "--engine", "grounded", "--workers", str(workers),
    ]  # fmt: skip
    for title in titles.split(","):
        command += ["--title", title]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    finished = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if not (out / "manifest.jsonl").exists():
        raise SystemExit(f"primed batch wrote no manifest:\n{finished.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [json.loads(x) for x in (out / "manifest.jsonl").read_text().splitlines()]
    ok = sum(1 for line in lines if line["status"] == "ok")
    errors = sorted({f"{x['input']}: {x['error']}" for x in lines if x["status"] != "ok"})
    return {
        "titles": titles,
        "exit_code": finished.returncode,
        "units_ok": ok,
        "wall_seconds": round(wall, 1),
        "units_per_second": round(ok / wall, 2),
        "cpu_seconds": round(
            after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1
        ),
        # ru_maxrss of children is the largest child so far: runs only grow it, so it is an
        # upper bound for each run after the first.
        "peak_rss_mib": round(after.ru_maxrss / 1024, 1),
        "errors": errors[:10],
    }


def profile(folder: Path, count: int, title: str) -> str:
    """Own-time top functions of `count` units rewritten in this process, one worker."""
    from app.pipeline import RewriteRequest
    from app.services import Services

    pipeline = Services().pipeline
    paths = sorted(folder.iterdir())[:count]
    texts = [read_document(p, 50_000) for p in paths]
    pipeline.rewrite(RewriteRequest(copy=texts[0], title=title, engine="grounded"))  # load
    profiler = cProfile.Profile()
    profiler.enable()
    for text in texts:
        pipeline.rewrite(RewriteRequest(copy=text, title=title, engine="grounded"))
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.strip_dirs().sort_stats("tottime").print_stats(15)
    return stream.getvalue().strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="runs of count x 1 title")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--title", default="CFO")
    parser.add_argument("--titles-run", default="CFO,CIO,COO", help="'' to skip")
    parser.add_argument("--unique-lines", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--profile", type=int, default=100, help="units to profile, 0 to skip")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "inputs": args.count,
        "workers": args.workers,
    }
    profiled = ""
    machine = Machine()

    def save() -> None:  # after every run: a long benchmark that dies keeps what it measured
        results["machine"] = machine.facts()
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "batch.json").write_text(json.dumps(results, indent=2) + "\n")
        md = ["# Batch benchmark", "", f"Machine: {describe(results['machine'])}.", ""]
        md += ["```json", json.dumps(results, indent=2), "```"]
        if profiled:
            kind = "unique-line" if args.unique_lines else "sample"
            md += [
                "",
                f"## Profile: {args.profile} {kind} units, one worker, in process (cProfile)",
                "",
                "Embedding runs on the model's own thread pool, which cProfile does not see: the"
                " time this thread waits for it shows as `acquire` of `_thread.lock`.",
                "",
                "```",
                profiled,
                "```",
            ]
        (RESULTS / "batch.md").write_text("\n".join(md) + "\n")

    with tempfile.TemporaryDirectory() as tmp:
        repeated, unique = Path(tmp) / "in", Path(tmp) / "unique"
        write_inputs(repeated, args.count, unique=False)
        runs: list[dict[str, Any]] = []
        results["one_title_runs"] = runs
        for n in range(args.runs):
            runs.append(run(repeated, Path(tmp) / f"out-{n}", args.title, args.workers))
            results["one_title_median_seconds"] = statistics.median(r["wall_seconds"] for r in runs)
            save()
        if args.titles_run:
            results["three_titles"] = run(
                repeated, Path(tmp) / "out-t", args.titles_run, args.workers
            )
            save()
        if args.unique_lines:
            write_inputs(unique, args.count, unique=True)
            results["unique_lines"] = run(unique, Path(tmp) / "out-u", args.title, args.workers)
            save()
        if args.profile:
            folder = unique if args.unique_lines else repeated
            profiled = profile(folder, args.profile, args.title)
    save()
    print((RESULTS / "batch.md").read_text())


if __name__ == "__main__":
    main()
