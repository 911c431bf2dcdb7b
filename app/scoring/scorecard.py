"""The ScoreCard: every measure of a rewrite against its source, with thresholds from a file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

from app.domain import Claim, TitleProfile
from app.features import extract_features
from app.scoring import grounding as grounding_mod
from app.scoring import wellformed
from app.scoring.content import ContentReference
from app.scoring.dejargon import bands
from app.scoring.lexicon import Lexicon, phrase_pattern
from app.scoring.models import Measure, ScoreCard, Span, judge
from app.scoring.outcome import first_sentence, goal_hits, product_led_sentences
from app.scoring.quantities import cited_ids
from app.scoring.readability import readability
from app.scoring.terms import Term, TermFinder, find_terms_in
from app.scoring.wordlists import WordLists
from app.scoring.words import words
from app.titles import TitleRegistry
from app.yamlio import load_yaml_model

MEASURES = (
    "must_remove",
    "residue",
    "lexicon",
    "dejargon",
    "grounding",
    "feature_coverage",
    "goal_coverage",
    "lead_goal",
    "buyer_subject",
    "content_kept",
    "readability",
    "wellformed",
)


class Threshold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float
    direction: Literal["max", "min"]
    required: bool = True


class ScoringConfig(RootModel[dict[str, Threshold]]):
    @model_validator(mode="after")
    def _all_measures(self) -> ScoringConfig:
        unknown = set(self.root) - set(MEASURES)
        missing = set(MEASURES) - set(self.root)
        if unknown or missing:
            raise ValueError(f"unknown measures {sorted(unknown)}; missing {sorted(missing)}")
        return self

    @classmethod
    def load(cls, path: Path) -> ScoringConfig:
        return load_yaml_model(path, cls)


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

    @model_validator(mode="after")
    def _known_thresholds(self) -> ScoreInput:
        unknown = sorted(set(self.thresholds) - set(MEASURES))
        if unknown:
            raise ValueError(
                f"unknown measures in thresholds: {', '.join(unknown)}; "
                f"choose from: {', '.join(MEASURES)}"
            )
        return self


class Scorer:
    """Holds everything loaded once (lexicons, titles, thresholds, reference embeddings)."""

    def __init__(
        self,
        lexicons: Sequence[Lexicon],
        titles: TitleRegistry,
        config: ScoringConfig,
        content: ContentReference | None = None,
        wordlists: WordLists | None = None,
    ) -> None:
        self.lexicons = list(lexicons)
        self.wordlists = wordlists or WordLists()
        self.jargon = [lex for lex in self.lexicons if lex.rule.level == "error"]
        self.titles = titles
        self.config = config
        self.content = content
        self._terms = lru_cache(maxsize=1024)(self._source_terms)

    def _source_terms(
        self, source: str, product: str | None, title_id: str | None
    ) -> tuple[Term, ...]:
        exempt: list[str] = []
        if title_id:
            profile = self.titles.get(title_id)
            exempt = [
                *profile.vocabulary,
                *(k for g in profile.goals for k in g.keywords),
                *(k for n in profile.needs for k in n.keywords),
            ]
        return tuple(TermFinder(self.jargon, exempt).terms(source, product))

    def feature_terms(self, source: str, product: str | None, title_id: str | None) -> list[Term]:
        """The source's feature terms (cached per source, product and title)."""
        return list(self._terms(source, product, title_id))

    def source_term_spans(self, source: str, product: str | None, title: str | None) -> list[Span]:
        profile = self.titles.get(title) if title else None
        terms = list(self._terms(source, product, profile.id if profile else None))
        return [
            span.model_copy(update={"kind": f"term-{term.kind}"})
            for term, span in find_terms_in(source, terms)
        ]

    def score(self, data: ScoreInput) -> ScoreCard:
        profile = self.titles.get(data.title) if data.title else None
        rewrite = data.rewrite
        measures = [
            self._must_remove(data),
            self._residue(data, profile),
            self._lexicon(data),
            self._dejargon(data),
            self._grounding(data),
            self._feature_coverage(data),
            *self._goals(data, profile),
            self._buyer_subject(data),
            self._content_kept(data),
            self._readability(data),
            self._wellformed(data),
        ]
        by_name = {m.name: m for m in measures}
        failed = [m.name for m in measures if not m.passed]
        return ScoreCard(
            measures=by_name, passed=not failed, failed=failed, words=len(words(rewrite))
        )

    def _judge(
        self,
        data: ScoreInput,
        name: str,
        value: float | None,
        reason: str,
        spans: list[Span] | None = None,
        **details: float | int | str | list[str],
    ) -> Measure:
        limit = self.config.root[name]
        threshold = data.thresholds.get(name, limit.threshold)
        return judge(
            name, value, threshold, limit.direction, reason, spans, dict(details), limit.required
        )

    def _residue(self, data: ScoreInput, profile: TitleProfile | None) -> Measure:
        terms = list(self._terms(data.source, data.product, profile.id if profile else None))
        if not terms:
            return self._judge(data, "residue", 0.0, "the source has no feature terms")
        hits = find_terms_in(data.rewrite, terms)
        kept = sorted({t.text for t, _ in hits})
        value = len({t.key for t, _ in hits}) / len(terms)
        reason = (
            f"{len(kept)} of {len(terms)} feature terms kept: {', '.join(kept)}"
            if kept
            else f"none of the {len(terms)} feature terms kept"
        )
        return self._judge(
            data,
            "residue",
            value,
            reason,
            [s for _, s in hits],
            source_terms=[t.text for t in terms],
        )

    def _must_remove(self, data: ScoreInput) -> Measure:
        if not data.must_remove:
            return self._judge(data, "must_remove", None, "no terms listed")
        spans = [
            Span(
                start=m.start(),
                end=m.end(),
                text=m.group(0),
                kind="must-remove",
                message=f"'{term}' must not appear in the rewrite",
            )
            for term in data.must_remove
            for m in re.finditer(
                rf"(?i)(?<![\w-]){phrase_pattern(term)}(?:e?s)?(?![\w-])", data.rewrite
            )
        ]
        kept = sorted({s.text for s in spans})
        reason = f"kept {', '.join(kept)}" if kept else f"all {len(data.must_remove)} terms removed"
        return self._judge(data, "must_remove", float(len(kept)), reason, spans)

    def _lexicon(self, data: ScoreInput) -> Measure:
        spans = [s for lex in self.lexicons for s in lex.find(data.rewrite)]
        counted = [s for s in spans if s.kind != "lexicon-suggestion"]
        reason = (
            f"{len(counted)} jargon/buzzword hits: {', '.join(sorted({s.text for s in counted}))}"
            if counted
            else "no jargon or buzzwords"
        )
        if len(spans) > len(counted):
            reason += f"; {len(spans) - len(counted)} suggestions"
        return self._judge(
            data, "lexicon", float(len(counted)), reason, sorted(spans, key=lambda s: s.start)
        )

    def _dejargon(self, data: ScoreInput) -> Measure:
        exempt = frozenset(w.lower() for w in words(data.product or ""))
        after, before = bands(data.rewrite, exempt), bands(data.source, exempt)
        value = after.score
        reason = (
            f"De-Jargonizer {value:.1f} (source {before.score or 0:.1f}); "
            f"{after.rare} rare and {after.mid} mid-frequency words of {after.words}"
            if value is not None
            else "no words to score"
        )
        return self._judge(
            data,
            "dejargon",
            value,
            reason,
            list(after.rare_spans),
            source=round(before.score or 0.0, 2),
        )

    def _grounding(self, data: ScoreInput) -> Measure:
        evidence = [
            grounding_mod.GroundingSource(
                e.id, e.text, e.customer_name, e.publishable, e.offering, e.customer
            )
            for e in data.evidence
        ]
        allowed = [data.product or "", *(e.customer_name for e in data.evidence if e.publishable)]
        if profile := (self.titles.get(data.title) if data.title else None):
            allowed += [profile.name, profile.full_name, *profile.aliases]
        problems = grounding_mod.ungrounded(
            data.rewrite, data.source, evidence, data.claims, allowed, data.product
        )
        reason = (
            "every number, name and citation is grounded"
            if not problems
            else f"{len(problems)} ungrounded: " + "; ".join(p.message for p in problems[:4])
        )
        return self._judge(data, "grounding", float(len(problems)), reason, problems)

    def _feature_coverage(self, data: ScoreInput) -> Measure:
        features = extract_features(data.source)
        if not features:
            return self._judge(
                data, "feature_coverage", None, "no feature statements in the source"
            )
        if not data.claims:
            return self._judge(data, "feature_coverage", None, "needs claims mapped to features")
        mapped = {f for c in data.claims for f in c.feature_ids}
        covered = [f for f in features if f.id in mapped]
        missed = [f.statement[:60] for f in features if f.id not in mapped]
        return self._judge(
            data,
            "feature_coverage",
            len(covered) / len(features),
            f"{len(covered)} of {len(features)} features carried by a claim",
            missed=missed[:10],
        )

    def _goals(self, data: ScoreInput, profile: TitleProfile | None) -> list[Measure]:
        if profile is None:
            return [
                self._judge(data, "goal_coverage", None, "no title given"),
                self._judge(data, "lead_goal", None, "no title given"),
            ]
        expected = data.goals
        if expected:
            unknown = [g for g in expected if profile.goal(g) is None]
            found = goal_hits(data.rewrite, profile, expected)
            value = len(found) / len(expected)
            reason = f"{len(found)} of {len(expected)} expected {profile.name} goals named"
            if unknown:
                reason += f" (unknown goal ids: {', '.join(unknown)})"
        elif data.claims:
            serving = [c for c in data.claims if goal_hits(c.text, profile)]
            value = len(serving) / len(data.claims)
            reason = f"{len(serving)} of {len(data.claims)} claims serve a {profile.name} goal"
        else:
            found = goal_hits(data.rewrite, profile)
            value = 1.0 if found else 0.0
            reason = (
                f"names {profile.name} goals: {', '.join(found)}"
                if found
                else (f"names none of the {profile.name}'s goals")
            )
        lead = first_sentence(data.rewrite)
        lead_found = goal_hits(lead, profile)
        lead_measure = self._judge(
            data,
            "lead_goal",
            1.0 if lead_found else 0.0,
            f"first sentence names {', '.join(lead_found)}"
            if lead_found
            else f"first sentence names no {profile.name} goal: the reader delegates you down",
            []
            if lead_found or not lead
            else [Span(start=0, end=len(lead), text=lead, kind="no-goal-lead")],
        )
        return [self._judge(data, "goal_coverage", value, reason), lead_measure]

    def _buyer_subject(self, data: ScoreInput) -> Measure:
        count, spans = product_led_sentences(data.rewrite, data.product)
        if not count:
            return self._judge(data, "buyer_subject", None, "no sentences")
        value = 1 - len(spans) / count
        return self._judge(
            data,
            "buyer_subject",
            value,
            f"{count - len(spans)} of {count} sentences are about what the buyer gets",
            spans,
        )

    def _content_kept(self, data: ScoreInput) -> Measure:
        if self.content is None or not data.rewrite.strip():
            return self._judge(data, "content_kept", None, "needs the embedder and a rewrite")
        cited = set(cited_ids(data.rewrite))
        evidence = [e.text for e in data.evidence if e.id in cited]
        margin, own, other = self.content.margin(data.rewrite, data.source, data.product, evidence)
        return self._judge(
            data,
            "content_kept",
            margin,
            f"similarity to its own source or evidence {own:.2f} vs {other:.2f} to other sources",
            own=round(own, 4),
            others=round(other, 4),
        )

    def _readability(self, data: ScoreInput) -> Measure:
        result = readability(data.rewrite)
        if result.grade is None:
            return self._judge(data, "readability", None, "no text")
        measure = self._judge(
            data,
            "readability",
            result.grade,
            f"Flesch-Kincaid grade {result.grade:.1f}; longest sentence {result.longest} words",
            list(result.problems),
            longest_sentence=result.longest,
        )
        if result.problems:
            kinds = sorted({p.kind for p in result.problems})
            measure = measure.model_copy(
                update={"passed": False, "reason": measure.reason + f"; {', '.join(kinds)}"}
            )
        return measure

    def _wellformed(self, data: ScoreInput) -> Measure:
        head, _, rest = data.rewrite.partition("\n\n")
        spans = wellformed.problems(data.rewrite, head if rest else "")
        reason = (
            f"{len(spans)} malformed: " + "; ".join(f"{s.message}" for s in spans[:3])
            if spans
            else "every sentence is whole"
        )
        return self._judge(data, "wellformed", float(len(spans)), reason, spans)
