"""`primed serve` (the HTTP API under uvicorn) and `primed keys create` (an API key)."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.context import console, err_console

keys_app = typer.Typer(help="API keys for `primed serve`.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(keys_app, name="keys")


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Run the HTTP API (/v1, OpenAPI at /docs). Needs PRIMED_API_KEYS."""
    import uvicorn

    from app.api.main import create_app

    app = create_app()  # bad settings fail here, as one line, before the port is taken
    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(
            f"[yellow]listening on {host}: put TLS in front (a reverse proxy) so keys never "
            "travel in clear text[/]"
        )
    uvicorn.run(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=30)


@keys_app.command("create")
def create_key(
    label: Annotated[
        str, typer.Option(help="Who the key is for; keys sharing a label share batch jobs.")
    ],
    read_only: Annotated[
        bool, typer.Option("--read-only", help="Scores, search and reads only.")
    ] = False,
) -> None:
    """Make a new API key: prints the key (shown once) and the PRIMED_API_KEYS entry."""
    import re

    from app.api.security import hash_key, new_key
    from app.errors import InvalidInputError

    if not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", label):
        raise InvalidInputError("--label: use 1-64 letters, digits, '.', '_' or '-'")
    key = new_key()
    entry = f"{label}:{'ro' if read_only else 'rw'}:{hash_key(key)}"
    console.print(
        f"key:   {key}  (give it to the caller; it is stored nowhere)",
        highlight=False,
        soft_wrap=True,
    )
    console.print(
        f"entry: {entry}  (add to PRIMED_API_KEYS, comma-separated)",
        highlight=False,
        soft_wrap=True,
    )
