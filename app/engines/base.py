"""The engine protocol and what every engine is given: copy, title, features and evidence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol, get_args

from app.domain import Draft, Evidence, TitleProfile
from app.features import Feature
from app.scores import Span


@dataclass
class EngineContext:
    copy: str
    title: TitleProfile
    product: str | None
    industry: str | None
    features: list[Feature]
    evidence: list[Evidence]
    # Which features each evidence chunk was retrieved for (chunk id -> feature ids).
    feature_map: dict[str, list[str]] = field(default_factory=dict)
    # The copy's feature terms the title would not say (the residue measure's list).
    jargon: list[str] = field(default_factory=list)
    # The features as an LLM prompt shows them: that jargon taken out (engines/plain_features);
    # None: not computed, the prompt shows the features as they are.
    shown_features: list[Feature] | None = None


EngineName = Literal["auto", "grounded", "llm", "naive"]
ENGINE_CHOICES: tuple[str, ...] = get_args(EngineName)
ENGINE_NAMES: tuple[str, ...] = ENGINE_CHOICES[1:]  # what the default registry registers
FALLBACK = "grounded"


class Engine(Protocol):
    """What the pipeline needs of an engine; it asks what an engine is, never its name."""

    name: str
    uses_evidence: bool  # its drafts rest on the offering's notes (retrieval runs for it)
    guarded: bool  # its drafts must pass the guard (False: a baseline shown as written)
    revisable: bool  # it can rewrite a draft from the problems the guard names

    @property
    def model(self) -> str | None: ...

    def generate(self, context: EngineContext) -> Draft: ...

    def revise(self, context: EngineContext, draft: Draft, problems: list[Span]) -> Draft: ...


EngineFactory = Callable[[], Engine]


class EngineRegistry:
    """Engines register by name; real and test engines register the same way."""

    def __init__(self) -> None:
        self._factories: dict[str, EngineFactory] = {}

    def register(self, name: str, factory: EngineFactory) -> None:
        self._factories[name] = factory

    def names(self) -> list[str]:
        return list(self._factories)

    def create(self, name: str) -> Engine:
        from app.errors import InvalidInputError

        if name not in self._factories:
            raise InvalidInputError(
                f"unknown engine '{name}'; choose one of: auto, {', '.join(self._factories)}"
            )
        return self._factories[name]()


@dataclass
class Engines:
    """How the pipeline gets engines: by name, plus the auto choice and the fallback."""

    create: Callable[[str], Engine]
    auto: Callable[[], str]
    fallback: Callable[[], Engine]
