"""Store benchmark: ingest chunks/s, and query p50/p95 with a title filter at 10k and 100k chunks.

Run with `make bench` (or `.venv/bin/python benchmarks/bench_store.py [--sizes 10000 100000]`).
Results go to benchmarks/results/store.json and store.md. Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from machine import Machine, describe

from app.config import PROJECT_ROOT, Settings
from app.corpus.chunking import chunk_note
from app.corpus.embedder import load_minilm, minilm_function
from app.corpus.loaders import load_paths
from app.corpus.store import CaseNoteStore, chunk_metadata
from app.domain import CaseNote
from app.retrieve import Retriever
from app.titles import TitleRegistry

RESULTS = Path(__file__).parent / "results"
NOTES = PROJECT_ROOT / "corpora" / "samples" / "case_notes"
QUERIES = [
    "automated invoice matching",
    "faster month-end close",
    "phishing-resistant MFA",
    "SLO burn-rate alerts",
    "forecast accuracy from CRM data",
    "predictive maintenance alerts",
    "internal talent marketplace",
    "access reviews for auditors",
    "call transcription coaching",
    "multi-entity consolidation",
    "leavers lose access the same day",
    "fewer unplanned line stops",
]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def synthetic_notes(base: list[CaseNote], count: int, seed: int = 7) -> list[CaseNote]:
    """Recombine sentences of the sample notes into `count` distinct, realistic-length notes."""
    rng = random.Random(seed)
    sentences = [s for note in base for s in note.body.split(". ") if s]
    notes = []
    for i in range(count):
        template = base[i % len(base)]
        body = ". ".join(rng.sample(sentences, rng.randint(8, 22))) + "."
        notes.append(template.model_copy(update={"id": f"SYN-{i:06d}", "body": body}))
    return notes


def bench_ingest(titles: TitleRegistry, base: list[CaseNote], notes: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        store = CaseNoteStore(Settings(data_dir=Path(tmp), _env_file=None))  # type: ignore[call-arg]
        batch = [(n, "synthetic") for n in synthetic_notes(base, notes)]
        load_minilm()  # model load is a one-off cost, not ingest throughput
        start = time.perf_counter()
        stats = store.ingest(batch, titles)
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        again = store.ingest(batch, titles)
        recheck = time.perf_counter() - start
        # The embedder alone on the very chunks ingest wrote, as the store's function calls it:
        # how close ingest runs to the model's own speed.
        texts = [c.text for note, _ in batch for c in chunk_note(note, store.settings.chunk_words)]
        function = minilm_function()
        start = time.perf_counter()
        function(texts)
        embed_seconds = time.perf_counter() - start
    words = sorted(len(t.split()) for t in texts)
    chunks_per_s = stats.chunks_written / seconds
    embed_per_s = len(texts) / embed_seconds
    return {
        "notes": notes,
        "chunks": stats.chunks_written,
        "seconds": round(seconds, 2),
        "chunks_per_s": round(chunks_per_s, 1),
        "reingest_unchanged_seconds": round(recheck, 2),
        "reingest_chunks_written": again.chunks_written,
        "embed_texts": len(texts),
        "embed_seconds": round(embed_seconds, 2),
        "embed_texts_per_s": round(embed_per_s, 1),
        "ingest_to_embedder": round(chunks_per_s / embed_per_s, 3),
        "chunk_words_p10_p50_p90_max": [
            words[len(words) // 10],
            words[len(words) // 2],
            words[len(words) * 9 // 10],
            words[-1],
        ],
    }


def bench_query(
    titles: TitleRegistry, base: list[CaseNote], size: int, queries: int
) -> dict[str, float]:
    """Fill a store with `size` chunks (real sample embeddings plus noise, so the index sees
    realistic neighbourhoods without spending an hour embedding), then time filtered queries."""
    rng = np.random.default_rng(11)
    chunks = [(note, c) for note in base for c in chunk_note(note)]
    vectors = load_minilm().embed([c.text for _, c in chunks])
    title_ids = titles.ids
    with tempfile.TemporaryDirectory() as tmp:
        store = CaseNoteStore(Settings(data_dir=Path(tmp), _env_file=None))  # type: ignore[call-arg]
        collection = store.collection
        step = 5000
        start = time.perf_counter()
        for offset in range(0, size, step):
            n = min(step, size - offset)
            picks = rng.integers(0, len(chunks), n)
            noisy = vectors[picks] + rng.normal(0, 0.04, (n, vectors.shape[1])).astype(np.float32)
            noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
            ids, docs, metas = [], [], []
            for j, pick in enumerate(picks):
                note, chunk = chunks[int(pick)]
                ids.append(f"SYN-{offset + j:07d}#0")
                docs.append(chunk.text)
                chosen = sorted(rng.choice(title_ids, size=2, replace=False).tolist())
                meta = chunk_metadata(note, chunk, chosen, "synthetic")
                meta["note_id"] = f"SYN-{offset + j:07d}"
                metas.append(meta)
            collection.add(ids=ids, documents=docs, metadatas=metas, embeddings=noisy.tolist())
        fill_seconds = time.perf_counter() - start

        raw: list[float] = []
        full: list[float] = []
        retriever = Retriever(store, titles)
        # Separate loops: a slow pre-filtered query evicts what the next retrieve would reuse.
        for i in range(queries):
            text, title = QUERIES[i % len(QUERIES)], title_ids[i % len(title_ids)]
            t0 = time.perf_counter()
            retriever.retrieve(text, title, k=4)
            full.append((time.perf_counter() - t0) * 1000)
        for i in range(queries):
            text, title = QUERIES[i % len(QUERIES)], title_ids[i % len(title_ids)]
            t0 = time.perf_counter()
            store.query(text, {f"title_{title}": True}, 20)
            raw.append((time.perf_counter() - t0) * 1000)
    return {
        "chunks": size,
        "fill_seconds": round(fill_seconds, 1),
        "queries": queries,
        "filtered_query_p50_ms": round(statistics.median(raw), 2),
        "filtered_query_p95_ms": round(percentile(raw, 95), 2),
        "retrieve_k4_p50_ms": round(statistics.median(full), 2),
        "retrieve_k4_p95_ms": round(percentile(full, 95), 2),
    }


def ingest_row(r: dict[str, Any]) -> str:
    spread = "/".join(str(w) for w in r["chunk_words_p10_p50_p90_max"])
    return (
        f"| {r['notes']} | {r['chunks']} | {r['seconds']} | {r['chunks_per_s']} "
        f"| {r['embed_texts_per_s']} | {r['ingest_to_embedder']} | {spread} "
        f"| {r['reingest_unchanged_seconds']} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--ingest-notes", type=int, default=1500)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument(
        "--no-query", action="store_true", help="Ingest only; keep the last query results"
    )
    args = parser.parse_args()
    previous = RESULTS / "store.json"
    last = json.loads(previous.read_text()) if args.no_query and previous.exists() else {}
    kept = last.get("query", [])

    machine = Machine()
    titles = TitleRegistry.from_dir(PROJECT_ROOT / "corpora" / "titles")
    base = [note for note, _ in load_paths([NOTES]).notes]
    results = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "ingest": bench_ingest(titles, base, args.ingest_notes) if args.ingest_notes else None,
        "query": kept
        if args.no_query
        else [bench_query(titles, base, size, args.queries) for size in args.sizes],
        "query_when": last.get("query_when", last.get("when")) if args.no_query else None,
    }
    results["machine"] = machine.facts()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "store.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        f"# Store benchmark ({results['when']})",
        "",
        f"Machine: {describe(results['machine'])}.",
        "",
        "| ingest notes | chunks | seconds | chunks/s | embedder alone, same chunks (texts/s) "
        "| ingest / embedder | chunk words p10/p50/p90/max | re-ingest unchanged (s) |",
        "|---|---|---|---|---|---|---|---|",
        ingest_row(results["ingest"]) if results["ingest"] else "| (not run) | | | | | | | |",
        "",
        f"Query rows kept from the run of {last.get('query_when', last.get('when'))} (--no-query)."
        if args.no_query
        else "",
        "",
        "| chunks | filtered query p50 ms | p95 ms | retrieve(k=4) p50 ms | p95 ms |",
        "|---|---|---|---|---|",
    ]
    for q in results["query"]:
        lines.append(
            f"| {q['chunks']:,} | {q['filtered_query_p50_ms']} | {q['filtered_query_p95_ms']} "
            f"| {q['retrieve_k4_p50_ms']} | {q['retrieve_k4_p95_ms']} |"
        )
    (RESULTS / "store.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
