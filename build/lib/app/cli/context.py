"""What CLI commands share: settings, title profiles, store and retriever, built on first use."""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Annotated

import typer
from rich.console import Console

from app.config import Settings, get_settings
from app.corpus.store import CaseNoteStore
from app.retrieve import Retriever
from app.titles import TitleRegistry

console = Console()
err_console = Console(stderr=True, soft_wrap=True)


class OutputFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"


FormatOption = Annotated[
    OutputFormat, typer.Option("--format", help="Output format: text, md or json.")
]


class Context:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()

    @cached_property
    def titles(self) -> TitleRegistry:
        return TitleRegistry.from_dir(self.settings.titles_dir)

    @cached_property
    def store(self) -> CaseNoteStore:
        return CaseNoteStore(self.settings)

    @cached_property
    def retriever(self) -> Retriever:
        return Retriever(self.store, self.titles)
