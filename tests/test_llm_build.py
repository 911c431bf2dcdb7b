"""app.llm_build: CPU flags -> CMake args for llama.cpp, and the installed-build safety check."""

from __future__ import annotations

import subprocess
import sys

from app.llm_build import (
    build_problem,
    cmake_args,
    parse_cpu_flags,
    parse_system_info,
    unsafe_features,
    wheel_key,
)

# /proc/cpuinfo of an Intel Xeon (Sapphire Rapids) with AVX-512 and AMX, trimmed.
XEON_CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz
flags\t\t: fpu vme de pse tsc msr pae mce cx8 sse sse2 ssse3 fma cx16 sse4_1 sse4_2 pni \
movbe popcnt aes xsave avx f16c rdrand bmi1 avx2 bmi2 avx512f avx512dq avx512cd avx512bw \
avx512vl avx512_bf16 avx512vbmi avx512_vnni avx_vnni amx_bf16 amx_tile amx_int8
bugs\t\t: spectre_v1

processor\t: 1
flags\t\t: fpu sse sse2
"""
AVX2_FLAGS = frozenset("sse sse2 pni ssse3 sse4_1 sse4_2 avx avx2 fma f16c bmi2".split())
OLD_FLAGS = frozenset("sse sse2 pni ssse3 sse4_1 sse4_2 popcnt".split())

# llama_print_system_info() of pip's native build on that Xeon (llama.cpp 0.3.x form).
NATIVE_XEON_INFO = (
    "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX_VNNI = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | "
    "BMI2 = 1 | AVX512 = 1 | AVX512_VBMI = 1 | AVX512_VNNI = 1 | AVX512_BF16 = 1 | "
    "AMX_INT8 = 1 | LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 | "
)
SAFE_AVX2_INFO = (
    "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | "
    "LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 | "
)
# Older llama.cpp listed every feature, enabled or not.
OLD_STYLE_INFO = (
    "AVX = 1 | AVX_VNNI = 0 | AVX2 = 1 | AVX512 = 0 | AVX512_VBMI = 0 | AVX512_VNNI = 0 | "
    "FMA = 1 | NEON = 0 | F16C = 1 | SSE3 = 1 | SSSE3 = 1 | MATMUL_INT8 = 0 | LLAMAFILE = 1 | "
)


def options(args: list[str]) -> dict[str, str]:
    assert all(arg.startswith("-D") and "=" in arg for arg in args), args
    return dict(arg[2:].split("=", 1) for arg in args)


def test_cpu_flags_come_from_the_first_flags_line() -> None:
    flags = parse_cpu_flags(XEON_CPUINFO)
    assert {"avx2", "avx512f", "amx_int8", "fma", "f16c"} <= flags
    assert "spectre_v1" not in flags
    assert parse_cpu_flags("processor : 0\nFeatures : fp asimd\n") == frozenset()


def test_a_xeon_with_avx512_and_amx_gets_avx2_and_never_avx512_or_amx() -> None:
    got = options(cmake_args(parse_cpu_flags(XEON_CPUINFO)))
    assert got["GGML_NATIVE"] == "OFF"
    for on in ("GGML_SSE42", "GGML_AVX", "GGML_AVX2", "GGML_BMI2", "GGML_FMA", "GGML_F16C"):
        assert got[on] == "ON", on
    for off in (
        "GGML_AVX_VNNI",
        "GGML_AVX512",
        "GGML_AVX512_VBMI",
        "GGML_AVX512_VNNI",
        "GGML_AVX512_BF16",
        "GGML_AMX_TILE",
        "GGML_AMX_INT8",
        "GGML_AMX_BF16",
    ):
        assert got[off] == "OFF", off


def test_a_cpu_without_avx_gets_a_plain_build() -> None:
    got = options(cmake_args(OLD_FLAGS))
    assert got["GGML_NATIVE"] == "OFF" and got["GGML_SSE42"] == "ON"
    for off in ("GGML_AVX", "GGML_AVX2", "GGML_BMI2", "GGML_FMA", "GGML_F16C", "GGML_AVX512"):
        assert got[off] == "OFF", off


def test_avx2_fma_and_f16c_need_avx_too() -> None:
    got = options(cmake_args({"avx2", "fma", "f16c", "bmi2"}))
    assert (got["GGML_AVX"], got["GGML_AVX2"], got["GGML_FMA"], got["GGML_F16C"]) == (
        "OFF",
        "OFF",
        "OFF",
        "OFF",
    )
    assert got["GGML_BMI2"] == "ON"


def test_native_is_only_on_request() -> None:
    assert cmake_args(AVX2_FLAGS, native=True) == ["-DGGML_NATIVE=ON"]


def test_wheel_key_changes_with_flags_and_version_only() -> None:
    avx2 = cmake_args(AVX2_FLAGS)
    assert wheel_key("0.3.36", avx2) == wheel_key("0.3.36", list(avx2))
    assert wheel_key("0.3.36", avx2) != wheel_key("0.3.37", avx2)
    assert wheel_key("0.3.36", avx2) != wheel_key("0.3.36", cmake_args(OLD_FLAGS))
    assert len(wheel_key("0.3.36", avx2)) == 16


def test_system_info_both_forms() -> None:
    assert parse_system_info(SAFE_AVX2_INFO) == {
        "SSE3": True,
        "SSSE3": True,
        "AVX": True,
        "AVX2": True,
        "F16C": True,
        "FMA": True,
        "BMI2": True,
        "LLAMAFILE": True,
        "OPENMP": True,
        "REPACK": True,
    }
    old = parse_system_info(OLD_STYLE_INFO)
    assert old["AVX2"] and not old["AVX512"] and not old["NEON"]
    assert "SVE_CNT" not in parse_system_info("CPU : SVE = 1 | SVE_CNT = 16 | ")
    assert parse_system_info("") == {}


def test_the_native_xeon_build_is_unsafe_even_on_the_xeon_itself() -> None:
    xeon = parse_cpu_flags(XEON_CPUINFO)
    assert unsafe_features(parse_system_info(NATIVE_XEON_INFO), xeon) == [
        "AVX512",
        "AVX512_VBMI",
        "AVX512_VNNI",
        "AVX512_BF16",
        "AMX_INT8",
    ]
    problem = build_problem(NATIVE_XEON_INFO, xeon)
    assert problem == (
        "this llama.cpp build uses AVX512, AVX512_VBMI, AVX512_VNNI, AVX512_BF16, AMX_INT8 "
        "(crashes on the first completion): rebuild it with `make install-llm`"
    )


def test_a_build_using_instructions_this_cpu_lacks_is_unsafe() -> None:
    problem = build_problem(SAFE_AVX2_INFO, OLD_FLAGS)
    assert problem == (
        "this llama.cpp build uses AVX, AVX2, F16C, FMA, BMI2, which this CPU lacks: "
        "rebuild it with `make install-llm`"
    )


def test_safe_builds_pass() -> None:
    assert build_problem(SAFE_AVX2_INFO, AVX2_FLAGS) is None
    assert build_problem(SAFE_AVX2_INFO, parse_cpu_flags(XEON_CPUINFO)) is None
    assert build_problem(OLD_STYLE_INFO, AVX2_FLAGS) is None  # AVX512 = 0 is not a use
    assert build_problem("CPU : SSE3 = 1 | SSSE3 = 1 | ", OLD_FLAGS) is None
    assert build_problem(SAFE_AVX2_INFO, frozenset()) is None  # no /proc/cpuinfo: trust it


def test_the_makefile_entry_points() -> None:
    args = subprocess.run(
        [sys.executable, "-m", "app.llm_build", "cmake-args"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert args[0] == "-DGGML_NATIVE=OFF" and "-DGGML_AVX512=OFF" in args
    key = subprocess.run(
        [sys.executable, "-m", "app.llm_build", "wheel-key", "0.3.36"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert key == wheel_key("0.3.36", args)
    bad = subprocess.run(
        [sys.executable, "-m", "app.llm_build", "nonsense"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and bad.stderr.startswith("usage:")
