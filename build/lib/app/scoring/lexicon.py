"""Vale-style lexicons (corpora/lexicons/*.yaml): `existence` flags words, `substitution` swaps.

Tokens are literal words or phrases (case-insensitive when `ignorecase`), matched on word
boundaries with any run of spaces or hyphens between the words of a phrase.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.errors import ResourceError
from app.scoring.models import Span
from app.yamlio import load_yaml_model

Level = Literal["error", "warning", "suggestion"]


class LexiconRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    extends: Literal["existence", "substitution"]
    message: str = Field(min_length=1)
    level: Level = "warning"
    ignorecase: bool = True
    tokens: list[str] = Field(default_factory=list)
    swap: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _has_entries(self) -> LexiconRule:
        if self.extends == "existence" and not self.tokens:
            raise ValueError("an existence rule needs a non-empty `tokens` list")
        if self.extends == "substitution" and not self.swap:
            raise ValueError("a substitution rule needs a non-empty `swap` map")
        return self


def phrase_pattern(phrase: str) -> str:
    words = [re.escape(w) for w in re.split(r"[\s-]+", phrase.strip()) if w]
    return r"[\s-]+".join(words)


class Lexicon:
    """One loaded rule file, compiled to a single regular expression."""

    def __init__(self, name: str, rule: LexiconRule) -> None:
        self.name = name
        self.rule = rule
        entries = rule.tokens if rule.extends == "existence" else list(rule.swap)
        self.entries = sorted({e.strip() for e in entries if e.strip()}, key=len, reverse=True)
        self._swap = {k.lower(): v for k, v in rule.swap.items()}
        flags = re.IGNORECASE if rule.ignorecase else 0
        alternation = "|".join(phrase_pattern(e) for e in self.entries)
        self.pattern = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", flags)

    @cached_property
    def lowered(self) -> set[str]:
        return {e.lower() for e in self.entries}

    def find(self, text: str) -> list[Span]:
        spans = []
        for match in self.pattern.finditer(text):
            found = match.group(0)
            suggestion = self._lookup_swap(found)
            if self.rule.extends == "substitution":
                message = _format(self.rule.message, found, suggestion or "")
            else:
                message = _format(self.rule.message, found)
            spans.append(
                Span(
                    start=match.start(),
                    end=match.end(),
                    text=found,
                    kind=f"lexicon-{self.rule.level}",
                    message=f"{self.name}: {message}",
                    suggestion=suggestion,
                )
            )
        return spans

    def _lookup_swap(self, found: str) -> str | None:
        if not self._swap:
            return None
        normalized = re.sub(r"[\s-]+", " ", found.lower())
        for key, value in self._swap.items():
            if re.sub(r"[\s-]+", " ", key) == normalized:
                return value
        return None


def _format(message: str, *values: str) -> str:
    try:
        return message % values[: message.count("%s")]
    except (TypeError, ValueError):
        return message


def load_lexicons(directory: Path) -> list[Lexicon]:
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not files:
        raise ResourceError(f"no lexicons (*.yaml) in {directory}")
    return [Lexicon(path.stem, load_yaml_model(path, LexiconRule)) for path in files]
