"""Word lists editors may change (corpora/wordlists.yaml), validated on load and loaded once
with the Scorer: the engines' plain nouns and imperatives, the verbs that make the product the
subject of a sentence."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.yamlio import load_yaml_model

Word = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z][a-z' -]*$")
]


class WordLists(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    industry_nouns: dict[str, str] = Field(min_length=1)
    imperatives: frozenset[Word] = Field(min_length=1)
    product_verbs: tuple[Word, ...] = Field(min_length=1)
    trailing_clauses: frozenset[Word] = Field(min_length=1)

    @classmethod
    def load(cls, path: Path) -> WordLists:
        return load_yaml_model(path, cls)

    def product_verb_pattern(self) -> str:
        """The product verbs as one regex alternation (longest first; spaces match any space)."""
        verbs = sorted(set(self.product_verbs), key=len, reverse=True)
        return "|".join(r"\s+".join(re.escape(w) for w in verb.split()) for verb in verbs)
