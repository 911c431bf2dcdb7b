"""What a benchmark ran on, so figures from different days can be compared.

The development host changes from day to day: the same scoring code gave 389.9 lexical cards/s
for a new source on 2026-12-02 at 04:22 (host not recorded) and 1,112.6 at 05:55 (an Intel
Xeon), nothing else running either time. A target met or missed says little without the
machine's speed beside it. So each benchmark records the CPU, the steal time the hypervisor
took during the run, the load average at its start (other work on the cores), and a reference
workload: fixed pure-Python and regex work (no primed code, so it does not change when primed
does), timed the same way every time. Compare two results' figures only in proportion to their
reference times.
"""

from __future__ import annotations

import os
import platform
import re
import time
from pathlib import Path
from typing import Any

_TEXT = (
    "Month-end close took eleven days; after the rollout the controller's team closed in six, "
    "and reconciliation exceptions fell from about 400 to 90 a month [PS-014]. "
) * 8
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*")


def reference_ms(repeats: int = 5) -> float:
    """Best of `repeats` timings of a fixed workload like scoring's (regex scans, dict and set
    lookups, string work), in ms of this thread's CPU time: 90-105 ms on the Xeon of 2026-12-02."""
    best = float("inf")
    for _ in range(repeats):
        start = time.thread_time()
        counts: dict[str, int] = {}
        for _ in range(2000):
            for word in _WORD.findall(_TEXT):
                key = word.lower()
                counts[key] = counts.get(key, 0) + 1
            seen = {w for w in _TEXT.split() if len(w) > 4}
            _ = sorted(seen, key=len)
        best = min(best, time.thread_time() - start)
    return round(1000 * best, 1)


def cpu_model() -> str:
    """The CPU's model name (every benchmark that records the machine reads it here)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cpu_ticks() -> tuple[int, int] | None:
    """(steal, total) jiffies of all CPUs since boot, or None where /proc/stat is missing."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal; guest time is already in user and nice.
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


class Machine:
    """Describe the machine at the start of a benchmark; `facts()` at its end adds the share
    of CPU time the hypervisor stole meanwhile."""

    def __init__(self) -> None:
        self._start = _cpu_ticks()
        self._load = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else []
        self._reference = reference_ms()

    def facts(self) -> dict[str, Any]:
        steal: float | None = None
        end = _cpu_ticks()
        if self._start and end and end[1] > self._start[1]:
            steal = round(100 * (end[0] - self._start[0]) / (end[1] - self._start[1]), 1)
        return {
            "cpu": cpu_model(),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "reference_ms": self._reference,
            "steal_percent": steal,
            "load_average_at_start": self._load,  # other work on the cores slows wall times
        }


def describe(facts: dict[str, Any]) -> str:
    """One line for a results file's header."""
    steal = facts.get("steal_percent")
    return (
        f"{facts['cpu']}, {facts['cores']} cores, Python {facts['python']}; reference workload "
        f"{facts['reference_ms']} ms (lower is faster), CPU steal "
        f"{'unknown' if steal is None else f'{steal}%'} during the run, load average "
        f"{facts.get('load_average_at_start') or 'unknown'} at its start"
    )
