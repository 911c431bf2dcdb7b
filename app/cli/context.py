"""What CLI commands share: settings, title profiles, store and retriever, built on first use."""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from app.config import Settings, get_settings
from app.corpus.store import CaseNoteStore
from app.retrieve import Retriever
from app.titles import TitleRegistry

if TYPE_CHECKING:
    from app.pipeline import Pipeline
    from app.scoring.scorecard import Scorer

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

    @cached_property
    def scorer(self) -> Scorer:
        from app.scoring.factory import build_scorer

        return build_scorer(self.settings, self.titles)

    @cached_property
    def pipeline(self) -> Pipeline:
        from app.engines.registry import build_engines
        from app.pipeline import Pipeline

        return Pipeline(
            self.settings,
            self.retriever,
            self.scorer,
            build_engines(self.settings, self.scorer),
            max_rounds=self.settings.llm_revise_rounds,
        )
