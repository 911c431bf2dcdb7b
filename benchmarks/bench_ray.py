"""Local threads vs a Ray cluster on this machine: `primed batch` over N distinct sample
datasheets x 1 title (grounded engine), once with `--workers W` in-process and once with
`--workers W --ray-address` on a local Ray head (127.0.0.1, W CPUs, no dashboard, no usage
stats) started for the run. Both runs use a fresh embedded store holding the sample notes;
their rewrite files must be byte-identical. Needs `make install-ray`.

Run: `.venv/bin/python benchmarks/bench_ray.py [--count 100] [--workers 2]`;
results go to benchmarks/results/ray.{json,md}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import Machine, describe  # noqa: E402

from app.config import PROJECT_ROOT  # noqa: E402
from app.documents import read_document  # noqa: E402
from tests.servers import start_ray_head, stop_ray_head  # noqa: E402

RESULTS = Path(__file__).parent / "results"
SHEETS = PROJECT_ROOT / "corpora" / "samples" / "datasheets"
NOTES = PROJECT_ROOT / "corpora" / "samples" / "case_notes"
SUMMARIES = {"manifest.jsonl", "summary.md", "summary.html"}


def primed(env: dict[str, str], *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args], env=env, capture_output=True, text=True
    )
    return time.perf_counter() - start, done


def rewrites(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and p.name not in SUMMARIES
    }


def run(
    name: str, seconds: float, done: subprocess.CompletedProcess[str], out: Path
) -> dict[str, object]:
    lines = [json.loads(x) for x in (out / "manifest.jsonl").read_text().splitlines()]
    ok = sum(1 for line in lines if line["status"] == "ok")
    unit_seconds = sorted(float(line["seconds"]) for line in lines)
    return {
        "mode": name,
        "exit_code": done.returncode,
        "units_ok": ok,
        "wall_seconds": round(seconds, 1),
        "units_per_second": round(ok / seconds, 2),
        "unit_seconds_median": unit_seconds[len(unit_seconds) // 2],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--title", default="CFO")
    args = parser.parse_args()
    sources = [read_document(p, 50_000) for p in sorted(SHEETS.iterdir())]
    machine = Machine()
    load_before = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("PRIMED_", "OPENAI_"))}
        env = {**clean, "PRIMED_DATA_DIR": str(root / "data"), "RAY_USAGE_STATS_ENABLED": "0"}
        _, ingested = primed(env, "ingest", str(NOTES))
        assert ingested.returncode == 0, ingested.stderr
        folder = root / "in"
        folder.mkdir()
        for i in range(args.count):
            # Distinct files: each is a sample datasheet with its own edition line.
            text = sources[i % len(sources)] + f"\n\nEdition {i}.\n"
            (folder / f"sheet-{i:05d}.md").write_text(text, encoding="utf-8")
        batch = ["batch", str(folder), "-t", args.title, "-E", "grounded", "-w", str(args.workers)]
        seconds, done = primed(env, *batch, "-o", str(root / "local"))
        runs = [run("local threads", seconds, done, root / "local")]
        started = time.perf_counter()
        head = start_ray_head(cpus=args.workers)
        head_seconds = time.perf_counter() - started
        try:
            ray_args = [*batch, "-o", str(root / "ray"), "--ray-address", head.address]
            seconds, done = primed(env, *ray_args)
            runs.append(run("ray actors", seconds, done, root / "ray"))
        finally:
            stop_ray_head(head)
        identical = rewrites(root / "local") == rewrites(root / "ray")
    results = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "inputs": args.count,
        "title": args.title,
        "workers": args.workers,
        "ray_head_start_seconds": round(head_seconds, 1),
        "load_average_before": load_before,
        "outputs_identical": identical,
        "runs": runs,
        "machine": machine.facts(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ray.json").write_text(json.dumps(results, indent=2) + "\n")
    md = report(results)
    (RESULTS / "ray.md").write_text(md)
    print(md)


def report(results: dict[str, Any]) -> str:
    runs = results["runs"]
    table = [
        "| mode | wall s | units/s | median s per unit | exit | load average after (1/5/15 min) |",
        "|---|---|---|---|---|---|",
        *(
            f"| {r['mode']} | {r['wall_seconds']} | {r['units_per_second']} | "
            f"{r['unit_seconds_median']} | {r['exit_code']} | {r['load_average_after']} |"
            for r in runs
        ),
    ]
    ratio = runs[0]["wall_seconds"] / runs[1]["wall_seconds"]
    md = [
        "# Batch: local threads vs Ray (same machine)",
        "",
        f"{results['inputs']} distinct datasheets x {results['title']}, grounded, "
        f"--workers {results['workers']}. Machine: {describe(results['machine'])}. The Ray "
        "run includes connecting and starting one actor per worker (each loads the "
        f"embedder); the head itself started in {results['ray_head_start_seconds']} s, not "
        f"counted. Rewrite files identical: {results['outputs_identical']}.",
        "",
        *table,
        "",
        f"Ray / local speed: {ratio:.2f}x. Load average before: "
        f"{results['load_average_before']}. On one machine Ray adds a process per actor (one "
        "embedder each) and sends inputs and outputs between processes, but its actors do "
        "not share a GIL as the local threads do; its point is a cluster, where each node "
        "adds its cores.",
        "",
        "```json",
        json.dumps(results, indent=2),
        "```",
    ]
    return "\n".join(md) + "\n"


if __name__ == "__main__":
    main()
