"""What CLI commands share: settings, title profiles, store and retriever, built on first use."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from app.services import Services

console = Console(soft_wrap=True)  # md and json go to files and pipes: never wrapped
err_console = Console(stderr=True, soft_wrap=True)


class OutputFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"


FormatOption = Annotated[
    OutputFormat, typer.Option("--format", help="Output format: text, md or json.")
]


class Context(Services):
    """A command's services (see app.services)."""
