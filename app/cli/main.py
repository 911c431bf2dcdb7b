"""Entry point: assembles the command groups and turns errors into one line and an exit code.

Exit codes: 0 ok; 1 some inputs failed (the rest were processed); 2 bad input or usage;
3 store, model or data files unavailable; 4 not found; 130 interrupted.
"""

from __future__ import annotations

import re
import sys
from typing import Annotated

import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError
from rich.markup import escape

from app import __version__
from app.cli import batch, corpus, kit, llm, rewrite, scoring, serve, titles
from app.cli.context import err_console
from app.config import get_settings
from app.errors import PrimedError
from app.yamlio import describe_validation_error

app = typer.Typer(
    name="primed",
    help="Rewrite feature-heavy product copy into what an executive title wants, grounded in "
    "professional-services case notes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
corpus.register(app)
titles.register(app)
scoring.register(app)
rewrite.register(app)
llm.register(app)
batch.register(app)
kit.register(app)
serve.register(app)


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"primed {__version__}")
        raise typer.Exit()


def run(argv: list[str] | None = None) -> None:
    try:
        code = app(args=argv, standalone_mode=False)
    except PrimedError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        sys.exit(exc.exit_code)
    except ValidationError as exc:  # a bad option value that reached a model
        err_console.print(
            f"[bold red]error:[/] {escape(describe_validation_error(exc))}", highlight=False
        )
        sys.exit(2)
    except typer.Abort:
        err_console.print("interrupted")
        sys.exit(130)
    except typer.TyperException as exc:  # typer's (vendored click) usage and parameter errors
        err_console.print(f"[bold red]error:[/] {escape(exc.format_message())}", highlight=False)
        sys.exit(2 if exc.exit_code in (1, 2) else exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except SettingsError as exc:  # an environment variable or .env value that is no JSON
        field = re.search(r'field "(\w+)"', str(exc))
        name = f"PRIMED_{field.group(1).upper()}" if field else "a setting"
        err_console.print(
            f"[bold red]error:[/] {name} is not valid JSON (a list setting takes JSON, e.g. "
            "'[\"https://app.example.com\"]')",
            highlight=False,
        )
        sys.exit(2)
    except Exception as exc:  # last resort: one line, not a traceback, unless debugging
        if _debugging():
            raise
        err_console.print(
            f"[bold red]error:[/] unexpected {type(exc).__name__}: {escape(str(exc))} "
            "(set PRIMED_DEBUG=1 for details)",
            highlight=False,
        )
        sys.exit(1)
    if code == 130:  # typer turns Ctrl-C inside a command into Exit(130)
        err_console.print("interrupted")
    sys.exit(code if isinstance(code, int) else 0)


def _debugging() -> bool:
    try:
        return get_settings().debug
    except Exception:  # the settings themselves are what failed
        return False


if __name__ == "__main__":
    run()
