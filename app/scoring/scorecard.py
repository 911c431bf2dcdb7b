"""The ScoreCard: every registered measure of a rewrite against its source, judged against
the thresholds in corpora/scoring.yaml (or the call's overrides)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from app.scores import ScoreCard, Span
from app.scoring.content import ContentReference
from app.scoring.inputs import EvidenceText, ScoreInput
from app.scoring.lexicon import Lexicon
from app.scoring.measures import MEASURES, ScoringContext, registered
from app.scoring.terms import Term, TermFinder, find_terms_in
from app.scoring.thresholds import ScoringConfig, Threshold
from app.scoring.wordlists import WordLists
from app.scoring.words import words
from app.titles import TitleRegistry

__all__ = ["MEASURES", "EvidenceText", "ScoreInput", "Scorer", "ScoringConfig", "Threshold"]


class Scorer:
    """Holds everything loaded once (lexicons, titles, thresholds, reference embeddings)."""

    def __init__(
        self,
        lexicons: Sequence[Lexicon],
        titles: TitleRegistry,
        config: ScoringConfig,
        wordlists: WordLists,
        content: ContentReference | None = None,
    ) -> None:
        self.lexicons = list(lexicons)
        self.wordlists = wordlists
        self._product_verbs = wordlists.product_verb_pattern()
        self.jargon = [lex for lex in self.lexicons if lex.rule.level == "error"]
        self.titles = titles
        self.config = config
        self.content = content
        self.metrics = registered()
        self._terms = lru_cache(maxsize=1024)(self._source_terms)
        self._finder = lru_cache(maxsize=64)(self._term_finder)

    def _term_finder(self, title_id: str | None) -> TermFinder:
        """Per title: its own words are exempt (built once, not once per source)."""
        exempt: list[str] = []
        if title_id:
            profile = self.titles.get(title_id)
            exempt = [
                *profile.vocabulary,
                *(k for g in profile.goals for k in g.keywords),
                *(k for n in profile.needs for k in n.keywords),
            ]
        return TermFinder(self.jargon, exempt)

    def _source_terms(
        self, source: str, product: str | None, title_id: str | None
    ) -> tuple[Term, ...]:
        return tuple(self._finder(title_id).terms(source, product))

    def feature_terms(self, source: str, product: str | None, title_id: str | None) -> list[Term]:
        """The source's feature terms (cached per source, product and title)."""
        return list(self._terms(source, product, title_id))

    def jargon_spans(
        self, text: str, source: str, product: str | None, title_id: str | None
    ) -> list[Span]:
        """Where `text` holds what the guard rejects as jargon: the source's feature terms (the
        residue measure's) and lexicon hits other than suggestions (the lexicon measure's)."""
        terms = self.feature_terms(source, product, title_id)
        found = [span for _, span in find_terms_in(text, terms)]
        found += [
            span
            for lexicon in self.lexicons
            for span in lexicon.find(text)
            if span.kind != "lexicon-suggestion"
        ]
        return sorted(found, key=lambda s: (s.start, -s.end))

    def source_term_spans(self, source: str, product: str | None, title: str | None) -> list[Span]:
        profile = self.titles.get(title) if title else None
        terms = list(self._terms(source, product, profile.id if profile else None))
        return [
            span.model_copy(update={"kind": f"term-{term.kind}"})
            for term, span in find_terms_in(source, terms)
        ]

    def context(self, data: ScoreInput) -> ScoringContext:
        """What every measure of `data`'s card reads besides the input itself."""
        return ScoringContext(
            profile=self.titles.get(data.title) if data.title else None,
            lexicons=self.lexicons,
            content=self.content,
            feature_terms=self.feature_terms,
            product_verbs=self._product_verbs,
        )

    def score(self, data: ScoreInput) -> ScoreCard:
        ctx = self.context(data)
        measures = [
            self.config.verdict(m.name, m.compute(data, ctx), data.thresholds.get(m.name))
            for m in self.metrics
        ]
        failed = [m.name for m in measures if not m.passed]
        return ScoreCard(
            measures={m.name: m for m in measures},
            passed=not failed,
            failed=failed,
            words=len(words(data.rewrite)),
        )
