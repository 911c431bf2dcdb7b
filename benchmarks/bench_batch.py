"""Batch benchmark: N sample datasheets x 1 title with the grounded engine (wall time and peak
memory of the `primed batch` process). Needs the samples ingested (`make demo`).

Run: `.venv/bin/python benchmarks/bench_batch.py [--count 1000] [--workers 2]`;
results go to benchmarks/results/batch.{json,md}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app.config import PROJECT_ROOT
from app.documents import read_document

RESULTS = Path(__file__).parent / "results"
SHEETS = PROJECT_ROOT / "corpora" / "samples" / "datasheets"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--title", default="CFO")
    args = parser.parse_args()
    sources = [read_document(p, 50_000) for p in sorted(SHEETS.iterdir())]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for i in range(args.count):
            # Distinct files: each is a sample datasheet with its own edition line.
            text = sources[i % len(sources)] + f"\n\nEdition {i}.\n"
            (folder / f"sheet-{i:05d}.md").write_text(text, encoding="utf-8")
        out = Path(tmp) / "out"
        command = [
            sys.executable,
            "-m",
            "app.cli.main",
            "batch",
            str(folder),
            "--title",
            args.title,
            "--out",
            str(out),
            "--engine",
            "grounded",
            "--workers",
            str(args.workers),
        ]
        start = time.perf_counter()
        finished = subprocess.run(command, capture_output=True, text=True)
        wall = time.perf_counter() - start
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        lines = [json.loads(x) for x in (out / "manifest.jsonl").read_text().splitlines()]
        ok = sum(1 for line in lines if line["status"] == "ok")
        errors = sorted({f"{x['input']}: {x['error']}" for x in lines if x["status"] != "ok"})
    results = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, py{platform.python_version()}",
        "inputs": args.count,
        "title": args.title,
        "workers": args.workers,
        "exit_code": finished.returncode,
        "units_ok": ok,
        "wall_seconds": round(wall, 1),
        "units_per_second": round(ok / wall, 2),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "errors": errors[:10],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "batch.json").write_text(json.dumps(results, indent=2) + "\n")
    md = ["# Batch benchmark", "", "```json", json.dumps(results, indent=2), "```"]
    (RESULTS / "batch.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
