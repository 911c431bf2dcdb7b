"""API load benchmark: grounded rewrites over HTTP at N concurrent clients for D seconds.

Starts `primed serve` as its own process on 127.0.0.1 (fresh data dir, the sample case notes
ingested through the API), then drives it from this process with asyncio + httpx: each
client posts 150-word cuts of the sample datasheets for rotating titles, back to back.
Reports requests/s, p50/p95/p99 latency and errors (any non-200 or transport error).
Results: benchmarks/results/api.{json,md}. Both processes share this machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import Machine, describe  # noqa: E402

from app.api.security import hash_key  # noqa: E402
from app.config import PROJECT_ROOT  # noqa: E402
from app.documents import read_document  # noqa: E402
from tests.api.live import running  # noqa: E402

RESULTS = Path(__file__).parent / "results"
SHEETS = PROJECT_ROOT / "corpora" / "samples" / "datasheets"
NOTES = PROJECT_ROOT / "corpora" / "samples" / "case_notes"
TITLES = ["CFO", "CISO", "VP Sales", "CHRO", "COO", "CTO"]
KEY = "pk_benchmark-key-not-secret-0000000000000000"


def copies(words: int = 150) -> list[str]:
    texts = [read_document(p, 50_000) for p in sorted(SHEETS.iterdir())]
    return [" ".join(t.split()[:words]) for t in texts]


async def client(
    http: httpx.AsyncClient, number: int, until: float, texts: list[str], out: dict[str, list]
) -> None:
    i = number
    while time.monotonic() < until:
        body = {
            "copy": texts[i % len(texts)],
            "title": TITLES[i % len(TITLES)],
            "engine": "grounded",
        }
        i += 7
        start = time.perf_counter()
        try:
            response = await http.post("/v1/rewrites", json=body)
            elapsed = (time.perf_counter() - start) * 1000
            if response.status_code == 200:
                out["ok"].append(elapsed)
            else:
                out["errors"].append(f"{response.status_code}: {response.text[:200]}")
        except httpx.HTTPError as exc:
            out["errors"].append(f"{type(exc).__name__}: {exc}")


async def load(url: str, clients: int, seconds: float, texts: list[str]) -> dict[str, object]:
    out: dict[str, list] = {"ok": [], "errors": []}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {KEY}"}, timeout=300, limits=limits
    ) as http:
        started = time.monotonic()
        until = started + seconds
        await asyncio.gather(*(client(http, n, until, texts, out) for n in range(clients)))
        wall = time.monotonic() - started
    times = np.array(out["ok"] or [0.0])
    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": len(out["ok"]) + len(out["errors"]),
        "ok": len(out["ok"]),
        "errors": len(out["errors"]),
        "error_samples": sorted(set(out["errors"]))[:5],
        "rps": round(len(out["ok"]) / wall, 2),
        "p50_ms": round(float(np.percentile(times, 50)), 1),
        "p95_ms": round(float(np.percentile(times, 95)), 1),
        "p99_ms": round(float(np.percentile(times, 99)), 1),
    }


def peak_rss_mib(pid: int) -> int:
    """The server's peak resident memory so far (Linux /proc), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=2, help="PRIMED_API_CONCURRENCY")
    args = parser.parse_args()
    machine = Machine()
    texts = copies()
    folder = Path(tempfile.mkdtemp(prefix="primed-bench-api-"))
    env = {
        "PRIMED_DATA_DIR": str(folder / "data"),
        "PRIMED_API_KEYS": f"bench:rw:{hash_key(KEY)}",
        "PRIMED_API_RATE_PER_MINUTE": "1000000",
        "PRIMED_API_RATE_BURST": "100000",
        "PRIMED_API_CONCURRENCY": str(args.concurrency),
    }
    runs = []
    with running(env, folder / "server.log") as (server, url):
        files = [("files", (p.name, p.read_bytes())) for p in sorted(NOTES.iterdir())]
        auth = {"Authorization": f"Bearer {KEY}"}
        httpx.post(
            f"{url}/v1/case-notes", headers=auth, files=files, timeout=600
        ).raise_for_status()
        asyncio.run(load(url, 2, 10, texts))  # warm caches
        for clients in args.clients:
            result = asyncio.run(load(url, clients, args.seconds, texts))
            result["server_peak_rss_mib"] = peak_rss_mib(server.pid)
            print(json.dumps(result))
            runs.append(result)
    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine.facts(),
        "concurrency": args.concurrency,
        "target": "0 errors",
        "runs": runs,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "api.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = [
        "# API load: grounded rewrites over HTTP",
        "",
        f"{report['when']}; server `primed serve` with PRIMED_API_CONCURRENCY={args.concurrency}; "
        "load generator (asyncio + httpx) in a second process on the same 2 cores; "
        "150-word datasheet cuts, 6 titles.",
        "",
        f"Machine: {describe(report['machine'])}.",
        "",
        "| clients | seconds | requests | errors | req/s | p50 ms | p95 ms | p99 ms "
        "| server peak RSS MiB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r['clients']} | {r['seconds']} | {r['requests']} | {r['errors']} | {r['rps']} "
            f"| {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['server_peak_rss_mib']} |"
        )
    (RESULTS / "api.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
