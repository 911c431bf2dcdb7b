"""Word lists the engines use (corpora/wordlists.yaml), validated on load."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from app.yamlio import load_yaml_model


class WordLists(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    industry_nouns: dict[str, str] = Field(default_factory=dict)
    imperatives: frozenset[str] = Field(default_factory=frozenset)
    trailing_clauses: frozenset[str] = Field(default_factory=frozenset)

    @classmethod
    def load(cls, path: Path) -> WordLists:
        return load_yaml_model(path, cls)
