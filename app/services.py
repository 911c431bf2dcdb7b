"""The shared object graph (title profiles, store, retriever, scorer, pipeline), built on first use.

The CLI builds one per command, the HTTP API one per process; nothing is created at import.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from app.config import Settings, get_settings
from app.corpus.store import CaseNoteStore
from app.engines.probe import LLMProbe
from app.retrieve import Retriever
from app.titles import TitleRegistry

if TYPE_CHECKING:
    from app.pipeline import Pipeline
    from app.scoring.scorecard import Scorer


class Services:
    def __init__(self, settings: Settings | None = None, long_lived: bool = False) -> None:
        self.settings = settings or get_settings()
        self.long_lived = long_lived  # a server: keep memory flat (see MiniLMModel.embed)

    @cached_property
    def llm_probe(self) -> LLMProbe:
        return LLMProbe(self.settings)

    @cached_property
    def titles(self) -> TitleRegistry:
        return TitleRegistry.from_dir(self.settings.titles_dir)

    @cached_property
    def store(self) -> CaseNoteStore:
        return CaseNoteStore(self.settings, release_memory=self.long_lived)

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
            build_engines(self.settings, self.scorer, self.llm_probe),
            max_rounds=self.settings.llm_revise_rounds,
        )
