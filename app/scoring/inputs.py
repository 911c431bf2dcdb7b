"""What the Scorer reads: the source, the rewrite, its evidence and claims, per-call thresholds."""

from __future__ import annotations

from pydantic import BaseModel, Field, PrivateAttr, field_validator

from app.domain import Claim
from app.features import Feature, kept_features
from app.scoring.measures import names


class EvidenceText(BaseModel):
    """Evidence as scoring needs it (a case note or chunk the rewrite may cite)."""

    id: str = Field(min_length=1, max_length=64)
    text: str = Field(max_length=100_000)
    customer_name: str = ""
    publishable: bool = False
    offering: str = Field(default="", max_length=200)
    customer: str = Field(default="", max_length=200, description="As copy may call it.")


class ScoreInput(BaseModel):
    source: str = Field(max_length=200_000)
    rewrite: str = Field(max_length=200_000)
    title: str | None = None
    product: str | None = Field(default=None, max_length=200)
    evidence: list[EvidenceText] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    goals: list[str] | None = Field(default=None, description="Goal ids the copy should serve.")
    must_remove: list[str] = Field(default_factory=list, description="Terms that must not remain.")
    thresholds: dict[str, float] = Field(default_factory=dict, description="Per-call overrides.")
    # The source's features as the pipeline kept them (not an input field: a caller's claims
    # about the source are not trusted); extracted from the source on first use when not given.
    _features: list[Feature] | None = PrivateAttr(default=None)

    def with_features(self, features: list[Feature]) -> ScoreInput:
        """This input with the features its source was rewritten for (no second extraction)."""
        self._features = list(features)
        return self

    @property
    def features(self) -> list[Feature]:
        if self._features is None:
            self._features = kept_features(self.source)
        return self._features

    @field_validator("must_remove")
    @classmethod
    def _no_blank_terms(cls, terms: list[str]) -> list[str]:
        for index, term in enumerate(terms, start=1):
            if not term.strip():
                raise ValueError(f"term {index} is blank: it would match everywhere")
        return terms

    @field_validator("thresholds")
    @classmethod
    def _known_thresholds(cls, thresholds: dict[str, float]) -> dict[str, float]:
        known = names()
        unknown = sorted(set(thresholds) - set(known))
        if unknown:
            raise ValueError(
                f"unknown measures in thresholds: {', '.join(unknown)}; "
                f"choose from: {', '.join(known)}"
            )
        return thresholds
