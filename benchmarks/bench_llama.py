"""llama.cpp speed: prompt and generation tokens/s of a GGUF model (SmolLM2-135M by default)
through llama_cpp.Llama, for the portable build `make install-llm` makes (app/llm_build.py)
against a native build (GGML_NATIVE=ON, pip's default), with --threads 1 and 2.

Run on demand (not part of pytest): `.venv/bin/python benchmarks/bench_llama.py`. The native
wheel is compiled once (~7 min on 2 cores) into .cache/llama-wheels/<key>/ and unpacked into
.cache/llama-bench/; the venv keeps the portable build. On a CPU with AVX-512/AMX the native
build may die with SIGSEGV: that is recorded, not fatal. Each measurement runs in its own
process, configurations interleaved round by round so background load hits them alike; the
table shows medians. Results: benchmarks/results/llama.{json,md}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from machine import cpu_model

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results"
CACHE = ROOT / ".cache"
PROMPT_TOKENS = 512
GENERATED_TOKENS = 128


def worker(model: str, threads: int, prompt_file: str) -> None:
    """One measurement with whichever llama_cpp this interpreter imports; JSON on stdout."""
    import llama_cpp

    llm = llama_cpp.Llama(
        model_path=model,
        n_ctx=PROMPT_TOKENS + GENERATED_TOKENS + 64,
        n_threads=threads,
        n_threads_batch=threads,
        n_batch=PROMPT_TOKENS,
        verbose=False,
    )
    text = Path(prompt_file).read_text(encoding="utf-8")
    tokens = llm.tokenize(text.encode(), add_bos=True)
    while len(tokens) < PROMPT_TOKENS:
        tokens += tokens[1:]
    tokens = tokens[:PROMPT_TOKENS]
    llm.eval(tokens[:8])  # warm-up: first-use allocations out of the timings
    llm.reset()
    start, cpu = time.perf_counter(), time.process_time()
    llm.eval(tokens)
    prompt_seconds = time.perf_counter() - start
    prompt_cpu = time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(GENERATED_TOKENS):  # greedy sampling + one-token decode, as a server does
        llm.eval([llm.sample(temp=0.0)])
    generation_seconds = time.perf_counter() - start
    generation_cpu = time.process_time() - cpu
    info = llama_cpp.llama_print_system_info()
    json.dump(
        {
            "prompt_tokens_per_s": PROMPT_TOKENS / prompt_seconds,
            "generation_tokens_per_s": GENERATED_TOKENS / generation_seconds,
            # per CPU-second of this process (all its threads): less sensitive to other load
            "prompt_tokens_per_cpu_s": PROMPT_TOKENS / prompt_cpu,
            "generation_tokens_per_cpu_s": GENERATED_TOKENS / generation_cpu,
            "system_info": info.decode() if isinstance(info, bytes) else str(info),
            "llama_cpp": str(Path(llama_cpp.__file__).parent),
        },
        sys.stdout,
    )


def llama_version() -> str:
    for line in (ROOT / "requirements-llm.lock").read_text().splitlines():
        if line.startswith("llama_cpp_python=="):
            return line.split("==", 1)[1].strip()
    raise SystemExit("requirements-llm.lock pins no llama_cpp_python")


def native_build() -> tuple[Path, list[str]]:
    """The native wheel unpacked into a directory (built once, like `make install-llm` does)."""
    from app.llm_build import cmake_args, read_cpu_flags, wheel_key

    version = llama_version()
    args = cmake_args(read_cpu_flags(), native=True)
    key = wheel_key(version, args)
    wheels = CACHE / "llama-wheels" / key
    if not list(wheels.glob("llama_cpp_python-*.whl")):
        partial = wheels.with_name(key + ".partial")
        print(f"compiling native llama-cpp-python {version} into {wheels} (~7 min on 2 cores)")
        subprocess.run(["rm", "-rf", str(partial)], check=True)
        pip = [sys.executable, "-m", "pip", "--quiet", "--disable-pip-version-check"]
        subprocess.run(
            [*pip, "wheel", "--no-deps", "--no-cache-dir", "--no-binary", "llama-cpp-python"]
            + ["-w", str(partial), f"llama-cpp-python=={version}"],
            env={**os.environ, "CMAKE_ARGS": " ".join(args)},
            check=True,
        )
        partial.rename(wheels)
    target = CACHE / "llama-bench" / key
    if not (target / "llama_cpp").is_dir():
        wheel = next(wheels.glob("llama_cpp_python-*.whl"))
        subprocess.run(
            [sys.executable, "-m", "pip", "--quiet", "--disable-pip-version-check", "install"]
            + ["--no-deps", "--target", str(target), str(wheel)],
            check=True,
        )
    return target, args


def measure(
    model: Path, threads: int, prompt_file: Path, path: Path | None
) -> dict[str, object] | str:
    """One worker run; its JSON, or a one-line reason it failed (e.g. the signal it died of)."""
    env = {**os.environ}
    if path is not None:  # the native build shadows the venv's portable one
        env["PYTHONPATH"] = str(path)
    done = subprocess.run(
        [sys.executable, __file__, "--worker", str(model), str(threads), str(prompt_file)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    if done.returncode < 0:
        return f"died with {signal.Signals(-done.returncode).name}"
    if done.returncode != 0:
        return f"exit {done.returncode}: {(done.stderr.strip().splitlines() or [''])[-1]}"
    result: dict[str, object] = json.loads(done.stdout)
    return result


MEASURES = (
    "prompt_tokens_per_s",
    "generation_tokens_per_s",
    "prompt_tokens_per_cpu_s",
    "generation_tokens_per_cpu_s",
)


def median(results: list[dict[str, object]], key: str) -> float | None:
    values = [float(str(r[key])) for r in results]
    return round(statistics.median(values), 1) if values else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="GGUF file (default: SmolLM2-135M)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-native", action="store_true", help="only the portable build")
    parser.add_argument("--render", action="store_true", help="only rewrite llama.md from .json")
    options = parser.parse_args()
    if options.render:
        report = json.loads((RESULTS / "llama.json").read_text())
        (RESULTS / "llama.md").write_text(markdown(report))
        print(markdown(report))
        return

    from app.cli.llm import default_model
    from app.llm_build import build_problem, cmake_args, read_cpu_flags

    model = (options.model or default_model()).resolve()
    flags = read_cpu_flags()
    builds: dict[str, tuple[Path | None, list[str]]] = {"portable": (None, cmake_args(flags))}
    if not options.no_native:
        builds["native"] = native_build()
    prompt_file = CACHE / "llama-bench" / "prompt.txt"
    prompt_file.parent.mkdir(parents=True, exist_ok=True)
    sheets = sorted((ROOT / "corpora" / "samples" / "datasheets").glob("*.md"))
    prompt_file.write_text("\n\n".join(p.read_text(encoding="utf-8") for p in sheets))

    runs: dict[tuple[str, int], list[dict[str, object] | str]] = {
        (name, threads): [] for name in builds for threads in options.threads
    }
    loads = []
    for round_ in range(options.rounds):
        for (name, threads), results in runs.items():
            results.append(measure(model, threads, prompt_file, builds[name][0]))
            loads.append(os.getloadavg()[0])
            print(f"round {round_ + 1}/{options.rounds} {name} threads={threads}: {results[-1]}")

    rows = []
    for (name, threads), results in runs.items():
        good = [r for r in results if isinstance(r, dict)]
        failures = sorted({r for r in results if isinstance(r, str)})
        info = str(good[0]["system_info"]).strip() if good else ""
        rows.append(
            {
                "build": name,
                "cmake_args": " ".join(builds[name][1]),
                "threads": threads,
                "runs": len(good),
                "failures": failures,
                **{key: median(good, key) for key in MEASURES},
                "system_info": info,
                "safe_here": build_problem(info, flags) is None if good else False,
            }
        )
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "avx2": "avx2" in flags,
        "avx512f": "avx512f" in flags,
        "amx": any(f.startswith("amx") for f in flags),
        "load_avg_1min": {"min": round(min(loads), 1), "max": round(max(loads), 1)},
        "python": platform.python_version(),
        "llama_cpp_python": llama_version(),
        "model": model.name,
        "prompt_tokens": PROMPT_TOKENS,
        "generated_tokens": GENERATED_TOKENS,
        "rounds": options.rounds,
        "rows": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "llama.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / "llama.md").write_text(markdown(report))
    print(markdown(report))


def ratios(rows: list[dict[str, object]]) -> list[str]:
    """Portable vs native at 1 thread, and 2 threads vs 1 for each build (wall-clock)."""
    by = {(str(r["build"]), int(str(r["threads"]))): r for r in rows}

    def ratio(a: tuple[str, int], b: tuple[str, int], key: str) -> str:
        x, y = by.get(a, {}).get(key), by.get(b, {}).get(key)
        return f"x{float(str(x)) / float(str(y)):.2f}" if x and y else "n/a"

    lines = []
    for threads in sorted({t for _, t in by}):
        if ("portable", threads) in by and ("native", threads) in by:
            pair = (("portable", threads), ("native", threads))
            lines.append(
                f"- portable / native at {threads} thread(s): prompt "
                f"{ratio(*pair, 'prompt_tokens_per_s')}, generation "
                f"{ratio(*pair, 'generation_tokens_per_s')}"
            )
    for build in sorted({b for b, _ in by}):
        if (build, 1) in by and (build, 2) in by:
            pair = ((build, 2), (build, 1))
            lines.append(
                f"- {build}, 2 threads / 1 thread: prompt {ratio(*pair, 'prompt_tokens_per_s')}, "
                f"generation {ratio(*pair, 'generation_tokens_per_s')}"
            )
    return lines


def markdown(report: dict[str, object]) -> str:
    rows = report["rows"]
    assert isinstance(rows, list)
    cpu = (
        f"{report['cpu']}, {report['cores']} cores (AVX2: {report['avx2']}, "
        f"AVX-512: {report['avx512f']}, AMX: {report['amx']})"
    )
    lines = [
        "# llama.cpp build and threads: tokens/s",
        "",
        f"- CPU: {cpu}",
        f"- Model: {report['model']}; llama-cpp-python {report['llama_cpp_python']}; "
        f"Python {report['python']}",
        f"- Prompt: {report['prompt_tokens']} tokens in one batch; generation: "
        f"{report['generated_tokens']} tokens, greedy, one at a time; median of "
        f"{report['rounds']} runs, each in a fresh process, configurations interleaved",
        f"- 1-min load average during the runs (2 cores shared with other work): "
        f"{report['load_avg_1min']}",
        "- tok/s is wall-clock; tok/CPU-s divides by the CPU time of the process (all its"
        " threads), which other load on the cores disturbs less",
        f"- Date: {report['date']}",
        "",
        "| build | threads | prompt tok/s | generation tok/s | prompt tok/CPU-s "
        "| generation tok/CPU-s | runs | safe on this CPU |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        failed = f" ({', '.join(row['failures'])})" if row["failures"] else ""
        lines.append(
            f"| {row['build']} | {row['threads']} | {row['prompt_tokens_per_s']} | "
            f"{row['generation_tokens_per_s']} | {row['prompt_tokens_per_cpu_s']} | "
            f"{row['generation_tokens_per_cpu_s']} | {row['runs']}{failed} | "
            f"{'yes' if row['safe_here'] else 'no'} |"
        )
    lines += ["", *ratios(rows), "", "Builds:", ""]
    seen = set()
    for row in rows:
        if row["build"] not in seen:
            seen.add(row["build"])
            lines.append(f'- {row["build"]}: `CMAKE_ARGS="{row["cmake_args"]}"`')
            lines.append(f"  - system info: `{row['system_info']}`")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.path.insert(0, str(ROOT))
        main()
