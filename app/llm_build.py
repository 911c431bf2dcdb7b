"""How llama.cpp is compiled for `primed llm serve`, and whether an installed build is safe here.

One place for the instruction-set policy, used by the Makefile (`make install-llm` runs
`python -m app.llm_build cmake-args` and `wheel-key`) and by `primed llm serve` (which checks the
installed build's `llama_print_system_info()` against this CPU before starting the server).

The policy: never GGML_NATIVE (pip's default; on CPUs with AVX-512/AMX the native build dies
with SIGSEGV on the first completion), never AVX-512 or AMX, and each of SSE4.2/AVX/AVX2/BMI2/
FMA/F16C only when /proc/cpuinfo shows it (a CPU without AVX2 gets a plain build, not SIGILL).
Standard library only: the Makefile runs it before llama-cpp-python exists.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import platform
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")

# CMake option -> the /proc/cpuinfo flag it needs. With GGML_NATIVE=OFF ggml turns these ON by
# default, so each is set explicitly from the CPU's flags. AVX2/FMA/F16C also need AVX.
OPTIONAL_OPTIONS: dict[str, str] = {
    "GGML_SSE42": "sse4_2",
    "GGML_AVX": "avx",
    "GGML_AVX2": "avx2",
    "GGML_BMI2": "bmi2",
    "GGML_FMA": "fma",
    "GGML_F16C": "f16c",
}
NEEDS_AVX = frozenset({"GGML_AVX2", "GGML_FMA", "GGML_F16C"})

# Always off: AVX-512 and AMX (the instruction sets of the crashing native builds), AVX-VNNI.
FORBIDDEN_OPTIONS = (
    "GGML_AVX_VNNI",
    "GGML_AVX512",
    "GGML_AVX512_VBMI",
    "GGML_AVX512_VNNI",
    "GGML_AVX512_BF16",
    "GGML_AMX_TILE",
    "GGML_AMX_INT8",
    "GGML_AMX_BF16",
)

# llama_print_system_info() feature -> the /proc/cpuinfo flag the CPU needs to run it.
FEATURE_FLAGS: dict[str, str] = {
    "SSE3": "pni",
    "SSSE3": "ssse3",
    "AVX": "avx",
    "AVX_VNNI": "avx_vnni",
    "AVX2": "avx2",
    "F16C": "f16c",
    "FMA": "fma",
    "BMI2": "bmi2",
    "AVX512": "avx512f",
    "AVX512_VBMI": "avx512vbmi",
    "AVX512_VNNI": "avx512_vnni",
    "AVX512_BF16": "avx512_bf16",
    "AMX_INT8": "amx_int8",
}
UNSAFE_PREFIXES = ("AVX512", "AMX")

REBUILD = "rebuild it with `make install-llm`"


def parse_cpu_flags(cpuinfo: str) -> frozenset[str]:
    """The instruction-set flags of the first CPU in a /proc/cpuinfo text (x86: `flags : ...`)."""
    for line in cpuinfo.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def read_cpu_flags(path: Path = CPUINFO) -> frozenset[str]:
    try:
        return parse_cpu_flags(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return frozenset()


def cmake_args(cpu_flags: Iterable[str], native: bool = False) -> list[str]:
    """CMAKE_ARGS for llama-cpp-python: portable to this CPU's instruction set, or GGML_NATIVE."""
    if native:  # only for benchmarks: what pip builds by default
        return ["-DGGML_NATIVE=ON"]
    flags = frozenset(cpu_flags)
    args = ["-DGGML_NATIVE=OFF"]
    for option, flag in OPTIONAL_OPTIONS.items():
        enabled = flag in flags and (option not in NEEDS_AVX or "avx" in flags)
        args.append(f"-D{option}={'ON' if enabled else 'OFF'}")
    args.extend(f"-D{option}=OFF" for option in FORBIDDEN_OPTIONS)
    return args


def wheel_key(version: str, args: Iterable[str]) -> str:
    """A directory name for the built wheel: changes with the version, the flags, the Python."""
    python = f"cp{sys.version_info.major}{sys.version_info.minor}"
    identity = json.dumps([version, list(args), python, platform.machine()])
    return hashlib.sha256(identity.encode()).hexdigest()[:16]


def parse_system_info(text: str) -> dict[str, bool]:
    """`llama_print_system_info()` -> {feature: enabled}.

    Reads both forms: `CPU : SSE3 = 1 | AVX2 = 1 | ...` (only enabled features, llama.cpp since
    the backend registry) and `AVX = 1 | AVX512 = 0 | ...` (older builds list every feature).
    Non-boolean values (`SVE_CNT = 16`) are skipped.
    """
    features: dict[str, bool] = {}
    for part in text.split("|"):
        name, sep, value = part.rpartition("=")
        words = name.replace(":", " ").split()
        if sep and words and value.strip() in ("0", "1"):
            features[words[-1].upper()] = value.strip() == "1"
    return features


def unsafe_features(features: Mapping[str, bool], cpu_flags: Iterable[str]) -> list[str]:
    """Enabled features that must not run here: AVX-512/AMX anywhere, or missing on this CPU."""
    flags = frozenset(cpu_flags)
    bad = []
    for name, enabled in features.items():
        if not enabled:
            continue
        if name.startswith(UNSAFE_PREFIXES):
            bad.append(name)
        elif name in FEATURE_FLAGS and flags and FEATURE_FLAGS[name] not in flags:
            bad.append(name)
    return bad


def build_problem(system_info: str, cpu_flags: Iterable[str]) -> str | None:
    """One line saying why this llama.cpp build must not run on this CPU, or None when it may."""
    flags = frozenset(cpu_flags)
    bad = unsafe_features(parse_system_info(system_info), flags)
    if not bad:
        return None
    forbidden = [name for name in bad if name.startswith(UNSAFE_PREFIXES)]
    missing = [name for name in bad if name not in forbidden]
    reasons = []
    if forbidden:
        reasons.append(f"uses {', '.join(forbidden)} (crashes on the first completion)")
    if missing:
        reasons.append(f"uses {', '.join(missing)}, which this CPU lacks")
    return f"this llama.cpp build {' and '.join(reasons)}: {REBUILD}"


def installed_system_info() -> str:
    """The installed llama-cpp-python's `llama_print_system_info()` (imports llama_cpp)."""
    llama_cpp = importlib.import_module("llama_cpp")
    raw = llama_cpp.llama_print_system_info()
    return raw.decode() if isinstance(raw, bytes) else str(raw)


USAGE = """usage: python -m app.llm_build COMMAND
  cmake-args [--native]  CMAKE_ARGS for llama-cpp-python on this CPU
  wheel-key VERSION      wheel cache directory name for VERSION and those flags
  system-info            the installed build's llama_print_system_info()
  check                  exit 1 with one line if the installed build is unsafe on this CPU"""


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("", [])
    out = sys.stdout
    if command == "cmake-args" and rest in ([], ["--native"]):
        out.write(" ".join(cmake_args(read_cpu_flags(), native=bool(rest))) + "\n")
    elif command == "wheel-key" and len(rest) == 1:
        out.write(wheel_key(rest[0], cmake_args(read_cpu_flags())) + "\n")
    elif command == "system-info" and not rest:
        out.write(installed_system_info().strip() + "\n")
    elif command == "check" and not rest:
        problem = build_problem(installed_system_info(), read_cpu_flags())
        if problem:
            sys.stderr.write(problem + "\n")
            return 1
    else:
        sys.stderr.write(USAGE + "\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
