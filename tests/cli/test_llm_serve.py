"""`primed llm serve` as a user runs it: a real llama.cpp server (SmolLM2-135M) in a child
process, ready only after a completion, one line when that server dies, clean stops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.servers import (
    child_pids,
    free_port,
    primed_command,
    require_llama,
    start_llama,
    stop,
)

pytestmark = [pytest.mark.server, pytest.mark.slow]


@pytest.fixture(autouse=True)
def llama_installed() -> None:
    require_llama()


def server_child(process: subprocess.Popen[bytes]) -> int:
    """The pid of the llama.cpp server that `primed llm serve` started."""
    children = child_pids(process.pid)
    assert len(children) == 1, children
    return children[0]


def is_gone(pid: int) -> bool:
    """No such process, or only its zombie (exited, not yet reaped by whoever adopted it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def error_lines(log: Path) -> list[str]:
    """primed's own error lines (the server's log shares the file)."""
    lines = log.read_text(errors="replace").splitlines()
    return [line for line in lines if line.startswith("error:")]


def llama_server_pid(process: subprocess.Popen[bytes]) -> int | None:
    """The llama.cpp server child once it runs llama_cpp.server (not the build probe)."""
    for pid in child_pids(process.pid):
        try:
            if b"llama_cpp.server" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        except OSError:
            continue
    return None


def test_serve_is_ready_only_after_a_completion_and_stops_cleanly_on_ctrl_c(
    tmp_path: Path,
) -> None:
    log = tmp_path / "serve.log"
    process, url = start_llama(log)
    try:
        child = server_child(process)
        assert "serving " in log.read_text() and f"export PRIMED_LLM_BASE_URL={url} " in (
            log.read_text()
        )
        answer = httpx.post(
            f"{url}/chat/completions",
            json={"messages": [{"role": "user", "content": "Say hi."}], "max_tokens": 4},
            timeout=60,
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["choices"][0]["message"]["content"] is not None
        assert answer.json()["usage"]["completion_tokens"] >= 1
        process.send_signal(signal.SIGINT)  # Ctrl-C: forwarded to the server, which stops
        assert process.wait(timeout=30) == 0
    finally:
        stop(process)
    assert is_gone(child)
    assert log.read_text().rstrip().endswith("llama.cpp server stopped")
    assert "Traceback" not in log.read_text() and not error_lines(log)


def test_sigterm_stops_primed_and_its_server(tmp_path: Path) -> None:
    process, _ = start_llama(tmp_path / "serve.log")
    child = server_child(process)
    process.terminate()
    assert process.wait(timeout=30) == 0
    assert is_gone(child)


def test_killing_primed_outright_takes_its_server_down_too(tmp_path: Path) -> None:
    process, _ = start_llama(tmp_path / "serve.log")
    child = server_child(process)
    os.kill(process.pid, signal.SIGKILL)  # no handler runs: the kernel's parent-death signal
    process.wait()
    deadline = time.monotonic() + 30
    while not is_gone(child):
        assert time.monotonic() < deadline, "llama.cpp server outlived primed"
        time.sleep(0.1)


def test_a_server_killed_by_sigsegv_is_one_line_naming_the_signal(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    process, url = start_llama(log)
    try:
        os.kill(server_child(process), signal.SIGSEGV)
        code = process.wait(timeout=30)
    finally:
        stop(process)
    assert code == 3
    errors = error_lines(log)
    assert len(errors) == 1, errors
    assert "llama.cpp server died with SIGSEGV while serving" in errors[0]
    assert "make install-llm" in errors[0]
    assert "Traceback" not in log.read_text()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/models", timeout=5)


def test_a_server_that_dies_before_its_first_completion_is_one_line(tmp_path: Path) -> None:
    """SIGSEGV as soon as the server process exists: never reported ready, one line, exit 3."""
    log = tmp_path / "serve.log"
    port = free_port()
    process = subprocess.Popen(
        primed_command("llm", "serve", "--port", str(port)),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while (pid := llama_server_pid(process)) is None:
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.02)
        os.kill(pid, signal.SIGSEGV)
        code = process.wait(timeout=30)
    finally:
        stop(process)
    assert code == 3
    errors = error_lines(log)
    assert len(errors) == 1, errors
    assert "llama.cpp server died with SIGSEGV" in errors[0]
    assert "this build does not run on this CPU; rebuild it with `make install-llm`" in errors[0]
    assert "serving " not in log.read_text()


def test_a_model_file_llama_cpp_cannot_load_is_one_line_and_exit_3(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\0" * 64)
    done = subprocess.run(
        primed_command("llm", "serve", "--model", str(broken), "--port", str(free_port())),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 3
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: llama.cpp server exited with code 1 while loading the model (its log is above)"
    ]


def test_a_missing_model_file_is_exit_3() -> None:
    done = subprocess.run(
        primed_command("llm", "serve", "--model", "nowhere.gguf"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3 and done.stderr.strip() == "error: nowhere.gguf: no such model file"


def test_the_installed_build_passes_the_instruction_set_check() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app.llm_build", "check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    info = subprocess.run(
        [sys.executable, "-m", "app.llm_build", "system-info"], capture_output=True, text=True
    )
    assert "AVX512 = 1" not in info.stdout and "AMX" not in info.stdout
