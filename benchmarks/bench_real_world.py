"""Trust on the real-world sample set: every datasheet x each title its manifest names, through
the grounded engine, on a fresh embedded store with the tidy and real-world notes.

Writes benchmarks/results/real_world.{json,md}: citations of other offerings' notes (target 0),
evidence statuses, datasheets without notes that still get body copy, rewrites of offerings
with measured notes that carry a checkable cited claim, malformed sentences (target 0), time.
Run: .venv/bin/python benchmarks/bench_real_world.py
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from machine import Machine, describe

from app.config import PROJECT_ROOT, Settings
from app.corpus.ingest import ingest_paths
from app.corpus.loaders import load_paths
from app.documents import read_document
from app.pipeline import RewriteRequest
from app.services import Services

ROOT = PROJECT_ROOT / "corpora" / "samples" / "real-world"
NOTES = [PROJECT_ROOT / "corpora" / "samples" / "case_notes", ROOT / "case_notes"]
RESULTS = PROJECT_ROOT / "benchmarks" / "results"


def main() -> None:
    machine = Machine()
    manifest: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yaml").read_text())
    notes = {n.id: n for n, _ in load_paths(NOTES).notes}
    measured = {n["offering"] for n in manifest["notes"] if n["measured"]}
    with tempfile.TemporaryDirectory() as folder:
        services = Services(Settings(data_dir=Path(folder), _env_file=None))  # type: ignore[call-arg]
        ingest_paths(NOTES, services.store, services.titles)
        rows: list[dict[str, Any]] = []
        for sheet in manifest["datasheets"]:
            copy = read_document(ROOT / "datasheets" / sheet["file"], 20_000)
            for title in sheet["titles"]:
                started = time.perf_counter()
                result = services.pipeline.rewrite(
                    RewriteRequest(copy_text=copy, title=title, engine="grounded")
                )
                cited = [i for c in result.claims for i in c.evidence_ids]
                rows.append(
                    {
                        "file": sheet["file"],
                        "title": title,
                        "offering": sheet["offering"],
                        "has_notes": sheet["has_notes"],
                        "resolved": result.product,
                        "status": result.evidence_status,
                        "other_offering_citations": sum(
                            notes[i].offering != sheet["offering"] for i in cited
                        ),
                        "body": bool(result.claims),
                        "checkable": any(c.evidence_ids and c.supports for c in result.claims),
                        "malformed": not result.scorecard.measures["wellformed"].passed,
                        "seconds": round(time.perf_counter() - started, 3),
                    }
                )
                print(f"{sheet['file']} [{title}] {result.evidence_status}", flush=True)
    without = [r for r in rows if not r["has_notes"]]
    with_measured = [r for r in rows if r["has_notes"] and r["offering"] in measured]
    summary = {
        "rewrites": len(rows),
        "other_offering_citations": sum(r["other_offering_citations"] for r in rows),
        "statuses": {
            s: sum(r["status"] == s for r in rows) for s in sorted({r["status"] for r in rows})
        },
        "no_notes_with_body": f"{sum(r['body'] for r in without)}/{len(without)}",
        "measured_offerings_checkable": f"{sum(r['checkable'] for r in with_measured)}"
        f"/{len(with_measured)}",
        "malformed": sum(r["malformed"] for r in rows),
        "median_seconds": statistics.median(r["seconds"] for r in rows),
    }
    facts = machine.facts()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "real_world.json").write_text(
        json.dumps({"summary": summary, "machine": facts, "rows": rows}, indent=2)
    )
    lines = ["# Real-world set, grounded engine", "", f"Machine: {describe(facts)}.", ""]
    lines += ["| measure | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in summary.items()]
    (RESULTS / "real_world.md").write_text("\n".join(lines) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
