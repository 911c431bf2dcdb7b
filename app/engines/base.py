"""The engine protocol and what every engine is given: copy, title, features and evidence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from app.domain import Draft, Evidence, TitleProfile
from app.features import Feature
from app.scoring.models import Span


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


class Engine(Protocol):
    name: str
    uses_evidence: bool

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
