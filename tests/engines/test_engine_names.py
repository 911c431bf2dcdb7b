"""Engine names come from one place, and the pipeline asks engines what they are."""

from __future__ import annotations

from typing import get_args

from app.api.schemas import RewriteIn
from app.config import Settings
from app.engines.base import ENGINE_CHOICES, ENGINE_NAMES, FALLBACK, EngineName
from app.engines.registry import default_registry
from app.scoring.factory import build_scorer
from app.titles import TitleRegistry


def test_the_registry_the_api_schema_and_the_choices_name_the_same_engines(
    titles: TitleRegistry,
) -> None:
    settings = Settings(llm_base_url="http://127.0.0.1:9/v1", _env_file=None)  # type: ignore[call-arg]
    registry = default_registry(settings, build_scorer(settings, titles))
    assert tuple(registry.names()) == ENGINE_NAMES and FALLBACK in ENGINE_NAMES
    assert get_args(EngineName) == ENGINE_CHOICES == ("auto", *ENGINE_NAMES)
    schema = RewriteIn.model_json_schema()
    assert tuple(schema["properties"]["engine"]["enum"]) == ENGINE_CHOICES


def test_every_engine_says_whether_it_is_guarded_and_can_revise(titles: TitleRegistry) -> None:
    settings = Settings(llm_base_url="http://127.0.0.1:9/v1", _env_file=None)  # type: ignore[call-arg]
    registry = default_registry(settings, build_scorer(settings, titles))
    found = {
        name: (engine.guarded, engine.revisable, engine.uses_evidence)
        for name in registry.names()
        for engine in [registry.create(name)]
    }
    assert found == {
        "grounded": (True, False, True),
        "llm": (True, True, True),
        "naive": (False, False, False),
    }
