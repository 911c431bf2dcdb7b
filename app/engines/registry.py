"""The default engine registry and the `auto` choice: llm when configured and answering."""

from __future__ import annotations

from functools import cache

from app.config import Settings
from app.engines.base import ENGINE_NAMES, FALLBACK, Engine, EngineRegistry, Engines
from app.engines.grounded import GroundedEngine
from app.engines.probe import LLMProbe
from app.scoring.scorecard import Scorer


def default_registry(settings: Settings, scorer: Scorer) -> EngineRegistry:
    registry = EngineRegistry()
    grounded = GroundedEngine(scorer)  # stateless but for caches: one instance serves all
    registry.register("grounded", lambda: grounded)
    try:
        from app.engines.llm import LLMEngine, NaiveEngine, llm_client, rewrite_prompts
    except ImportError:  # pragma: no cover - the LLM engines ship with the base install
        return registry
    prompts = cache(lambda: rewrite_prompts(settings))  # loaded once, when an LLM engine is made
    registry.register("llm", lambda: LLMEngine(settings, llm_client(settings), prompts()))
    registry.register("naive", lambda: NaiveEngine(settings, llm_client(settings), prompts()))
    assert set(registry.names()) <= set(ENGINE_NAMES), registry.names()
    return registry


def build_engines(settings: Settings, scorer: Scorer, probe: LLMProbe | None = None) -> Engines:
    registry = default_registry(settings, scorer)
    probe = probe or LLMProbe(settings)

    def auto() -> str:
        return "llm" if "llm" in registry.names() and probe.reachable() else "grounded"

    def fallback() -> Engine:
        return registry.create(FALLBACK)

    return Engines(create=registry.create, auto=auto, fallback=fallback)
