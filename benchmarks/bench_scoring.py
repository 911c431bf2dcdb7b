"""Scoring benchmark: ScoreCards per second on one core for ~150-word rewrites.

Figures: the lexical card (every measure except content kept, which needs an embedding per
call) for new rewrites of known sources, of new sources, and of new sources each scored for
three titles (a batch of 1,000 x 3); and the full card with MiniLM.
Every timed rewrite is distinct, so no per-text cache answers twice. Run with
`.venv/bin/python benchmarks/bench_scoring.py`; results go to benchmarks/results/scoring.{json,md}.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time
from pathlib import Path

from machine import Machine, describe

from app.config import PROJECT_ROOT, Settings
from app.evals.run import note_evidence
from app.evals.suite import load_notes, load_suites
from app.scoring.factory import build_scorer
from app.scoring.scorecard import ScoreInput
from app.scoring.words import words
from app.text import split_sentences

RESULTS = Path(__file__).parent / "results"


def inputs(count: int, vary_source: bool) -> list[ScoreInput]:
    """`count` distinct ~150-word rewrites (suite references, sentences rotated and mixed, so
    no per-text cache can answer twice); sources repeat unless `vary_source`."""
    _, _, suite_cases = load_suites(PROJECT_ROOT / "evals" / "suites")
    cases = [c for c in suite_cases if c.reference]  # the real-world suite has none
    notes = load_notes(PROJECT_ROOT / "corpora" / "samples" / "case_notes")
    sentences = [split_sentences(c.reference.text) for c in cases if c.reference]
    built = []
    for i in range(count):
        case = cases[i % len(cases)]
        assert case.reference is not None
        own = sentences[i % len(cases)]
        shift = (i // len(cases)) % len(own)
        text_parts = own[shift:] + own[:shift]
        rng = random.Random(i)
        pool = [x for group in sentences for x in group]
        while len(words(" ".join(text_parts))) < 150:
            text_parts.append(rng.choice(pool))
        text = " ".join(" ".join(text_parts).split()[:150])
        source = case.copy_text
        if vary_source:
            parts = split_sentences(source)
            k = (i // len(cases)) % max(1, len(parts))
            source = " ".join(parts[k:] + parts[:k]) + f" Edition {i}."
        evidence = [note_evidence(notes[n]) for n in case.reference.evidence]
        built.append(
            ScoreInput(
                source=source,
                rewrite=text,
                title=case.title,
                product=case.product,
                evidence=evidence,
                goals=case.goals,
            )
        )
    assert len({b.rewrite for b in built}) > 0.9 * count, "rewrites must be distinct"
    return built


def three_titles(data: list[ScoreInput]) -> list[ScoreInput]:
    """Each new source scored for three titles, as a batch of 1,000 x 3 does: three distinct
    rewrites (with their titles and goals) against one source, consecutively, so the source's
    own work (its terms, bands, numbers) is done once and read twice from the caches."""
    grouped = []
    for k in range(0, len(data) - 2, 3):
        head = data[k]
        for item in data[k : k + 3]:
            grouped.append(
                item.model_copy(
                    update={
                        "source": head.source,
                        "product": head.product,
                        "evidence": head.evidence,
                    }
                )
            )
    return grouped


def rate(scorer_embed: bool, warm: list[ScoreInput], data: list[ScoreInput]) -> dict[str, float]:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    scorer = build_scorer(settings, embed=scorer_embed)
    for item in warm:  # warm the per-word caches (wordfreq, syllables), as a server would be
        scorer.score(item)
    count = 0
    start = time.perf_counter()
    for item in data:  # every rewrite is new to the scorer
        scorer.score(item)
        count += 1
    elapsed = time.perf_counter() - start
    return {
        "cards": count,
        "seconds": round(elapsed, 2),
        "cards_per_s": round(count / elapsed, 1),
        "ms_per_card": round(1000 * elapsed / count, 3),
    }


def per_measure(warm: list[ScoreInput], data: list[ScoreInput]) -> dict[str, float]:
    """CPU ms per card of each measure (lexical card, every rewrite and source new): where the
    time goes, for whoever makes it faster next."""
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    scorer = build_scorer(settings, embed=False)
    for item in warm:
        scorer.score(item)
    spent: dict[str, float] = {m.name: 0.0 for m in scorer.metrics}
    for item in data:
        ctx = scorer.context(item)
        for measure in scorer.metrics:
            start = time.thread_time()
            measure.compute(item, ctx)
            spent[measure.name] += time.thread_time() - start
    ranked = sorted(spent.items(), key=lambda kv: -kv[1])
    return {name: round(1000 * total / len(data), 3) for name, total in ranked}


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    machine = Machine()
    warm = inputs(300, vary_source=True)
    same_sources = inputs(6000, vary_source=False)[300:]
    # Editions 300-17399 in three runs of 5,700 (the machine is noisy: the median counts),
    # then 17400-20399 for three titles: sources no earlier run has seen, so no cache holds them.
    fresh = inputs(20_400, vary_source=True)
    new_sources = fresh[300:6000]
    runs = [rate(False, warm, fresh[k : k + 5700]) for k in (300, 6000, 11_700)]
    median = sorted(runs, key=lambda r: r["cards_per_s"])[1]
    results = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "pinned_to_one_core": True,
        "rewrite_words": 150,
        "lexical_same_sources": rate(False, warm, same_sources),
        "lexical_new_sources": median,
        "lexical_new_sources_runs": [r["cards_per_s"] for r in runs],
        "lexical_new_sources_3_titles": rate(False, warm, three_titles(fresh[17_400:])),
        "with_embedder": rate(True, warm[:20], same_sources[:150]),
        "ms_per_measure_new_sources": per_measure(warm, new_sources[:1000]),
    }
    results["machine"] = machine.facts()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scoring.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        f"# Scoring benchmark ({results['when']}, pinned to 1 core)",
        "",
        f"Machine: {describe(results['machine'])}.",
        "",
        "| card | cards/s | ms per card |",
        "|---|---|---|",
        f"| lexical, new rewrite of a known source (guard, evals) "
        f"| {results['lexical_same_sources']['cards_per_s']} "
        f"| {results['lexical_same_sources']['ms_per_card']} |",
        f"| lexical, new rewrite of a new source (batch; median of 3 runs: "
        f"{' / '.join(str(r) for r in results['lexical_new_sources_runs'])}) "
        f"| {results['lexical_new_sources']['cards_per_s']} "
        f"| {results['lexical_new_sources']['ms_per_card']} |",
        f"| lexical, a new source scored for 3 titles (batch 1,000 x 3) "
        f"| {results['lexical_new_sources_3_titles']['cards_per_s']} "
        f"| {results['lexical_new_sources_3_titles']['ms_per_card']} |",
        f"| full (with MiniLM content kept) | {results['with_embedder']['cards_per_s']} "
        f"| {results['with_embedder']['ms_per_card']} |",
    ]
    lines += [
        "",
        "CPU ms per card by measure (lexical card, new sources, 1,000 cards):",
        "",
        "| measure | ms per card |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in results["ms_per_measure_new_sources"].items()),
    ]
    (RESULTS / "scoring.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
