"""The rewrite pipeline: features -> evidence -> draft -> guard -> revise -> drop -> Rewrite."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from app.config import Settings
from app.domain import CitedEvidence, Claim, Draft, Evidence, Rewrite, TitleProfile
from app.engines.base import Engine, EngineContext
from app.engines.grounded import describe_customer
from app.errors import InvalidInputError, PrimedError
from app.features import Feature, extract_features
from app.retrieve import Retriever
from app.scoring.models import ScoreCard, Span
from app.scoring.scorecard import EvidenceText, ScoreInput, Scorer
from app.text import split_sentences, word_count

# What the guard enforces on every draft: no feature jargon kept, no lexicon hits, nothing
# ungrounded, not generic copy that fits any product; and at least one claim citing evidence.
GUARD_MEASURES = ("residue", "lexicon", "grounding", "content_kept")
MAX_FEATURES = 12
EVIDENCE_PER_FEATURE = 3
MIN_WORDS = 5


class RewriteRequest(BaseModel):
    copy_text: str = Field(alias="copy", description="Feature-heavy product copy (text/markdown).")
    title: str = Field(min_length=1, max_length=100)
    industry: str | None = Field(default=None, max_length=64)
    product: str | None = Field(default=None, max_length=200)
    engine: str = Field(default="auto", max_length=32)

    model_config = ConfigDict(populate_by_name=True)


@dataclass
class Engines:
    """How the pipeline gets engines: by name, plus the auto choice and the fallback."""

    create: Callable[[str], Engine]
    auto: Callable[[], str]
    fallback: Callable[[], Engine]


def check_copy(copy: str, max_chars: int) -> str:
    text = copy.replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInputError("the copy is empty: give the product copy to rewrite", field="copy")
    if "\x00" in text:
        raise InvalidInputError("the copy contains binary data, not text", field="copy")
    if word_count(text) < MIN_WORDS:
        raise InvalidInputError(
            f"only {word_count(text)} words of copy: give at least a sentence about the product",
            field="copy",
        )
    if len(text) > max_chars:
        raise InvalidInputError(
            f"the copy is {len(text):,} characters; the limit is {max_chars:,} "
            "(PRIMED_MAX_COPY_CHARS)",
            field="copy",
        )
    return text


def guard_failures(card: ScoreCard) -> list[str]:
    return [name for name in GUARD_MEASURES if not card.measures[name].passed]


def guard_spans(card: ScoreCard) -> list[Span]:
    return [span for name in GUARD_MEASURES for span in card.measures[name].spans]


def failures(card: ScoreCard, draft: Draft) -> list[str]:
    """Guard failures of a draft: failing guard measures, and 'claims' when none cites evidence."""
    failing = guard_failures(card)
    if not any(claim.evidence_ids for claim in draft.claims):
        failing.append("claims")
    return failing


def problems(card: ScoreCard, draft: Draft) -> list[Span]:
    """What a revision must fix, named."""
    found = guard_spans(card)
    if "content_kept" in guard_failures(card):
        found.append(
            Span(
                start=0,
                end=0,
                text="",
                kind="generic",
                message="generic copy that fits any product: say what this one does",
            )
        )
    if not any(claim.evidence_ids for claim in draft.claims):
        found.append(
            Span(
                start=0,
                end=0,
                text="",
                kind="uncited",
                message="no claim cites evidence: tie each outcome to a note id",
            )
        )
    return found


class Pipeline:
    def __init__(
        self,
        settings: Settings,
        retriever: Retriever,
        scorer: Scorer,
        engines: Engines,
        max_rounds: int = 2,
    ) -> None:
        self.settings = settings
        self.retriever = retriever
        self.titles = retriever.titles
        self.scorer = scorer
        self.engines = engines
        self.max_rounds = max_rounds

    def rewrite(self, request: RewriteRequest) -> Rewrite:
        return self.rewrite_with_context(request)[0]

    def rewrite_with_context(self, request: RewriteRequest) -> tuple[Rewrite, EngineContext]:
        """The Rewrite and what it was built from (evals re-score with the full evidence)."""
        copy = check_copy(request.copy_text, self.settings.max_copy_chars)
        profile = self.titles.get(request.title)
        engine_name = self.engines.auto() if request.engine == "auto" else request.engine
        warnings: list[str] = []
        try:
            engine = self.engines.create(engine_name)
        except InvalidInputError:
            raise
        except PrimedError as exc:
            warnings.append(f"{engine_name} engine unavailable ({exc}); fell back to grounded")
            engine = self.engines.fallback()
        features = extract_features(copy)[:MAX_FEATURES] or [Feature(id="F1", statement=copy[:500])]
        product = request.product or self.guess_product(copy)
        if product is None:
            warnings.append(
                "could not tell which offering this copy is about; evidence may come from any "
                "offering (name it with --product)"
            )
        context = EngineContext(copy, profile, product, request.industry, features, [])
        if engine.uses_evidence:
            self._gather(context, warnings)
        try:
            draft = engine.generate(context)
        except PrimedError as exc:
            if engine.name == "grounded":
                raise
            warnings.append(f"{engine.name} engine failed ({exc}); fell back to grounded")
            engine = self.engines.fallback()
            if not context.evidence:
                self._gather(context, warnings)
            draft = engine.generate(context)
        return self._guarded(context, engine, draft, warnings), context

    def _guarded(
        self, context: EngineContext, engine: Engine, draft: Draft, warnings: list[str]
    ) -> Rewrite:
        card = self.score(context, draft)
        rounds = 0
        guarded = engine.name != "naive"
        while guarded and failures(card, draft) and rounds < self.max_rounds:
            if engine.name == "grounded":
                break
            rounds += 1
            try:
                draft = engine.revise(context, draft, problems(card, draft))
            except PrimedError as exc:
                warnings.append(f"revision {rounds} failed ({exc})")
                break
            card = self.score(context, draft)
        if guarded and failures(card, draft):
            draft, card = self._drop(context, draft, card, warnings)
            fallback = self.engines.fallback()
            if failures(card, draft) and engine.name != fallback.name:
                warnings.append("nothing usable survived the guard; used the grounded engine")
                engine, draft = fallback, fallback.generate(context)
                card = self.score(context, draft)
                if failures(card, draft):
                    draft, card = self._drop(context, draft, card, warnings)
        return Rewrite(
            text=draft.text,
            headline=draft.headline,
            body=draft.body,
            title=context.title.name,
            product=context.product,
            claims=draft.claims,
            evidence=cited_evidence(context.evidence, draft),
            scorecard=card,
            engine=engine.name,
            model=engine.model,
            rounds=rounds,
            warnings=warnings,
        )

    def _drop(
        self, context: EngineContext, draft: Draft, card: ScoreCard, warnings: list[str]
    ) -> tuple[Draft, ScoreCard]:
        failing = ", ".join(failures(card, draft))
        draft = drop_failing(draft, card, context.title)
        warnings.append(f"dropped sentences that failed the guard ({failing})")
        return draft, self.score(context, draft)

    def score(self, context: EngineContext, draft: Draft) -> ScoreCard:
        return self.scorer.score(
            ScoreInput(
                source=context.copy,
                rewrite=draft.text,
                title=context.title.id,
                product=context.product,
                evidence=evidence_texts(context.evidence),
                claims=draft.claims,
            )
        )

    def _gather(self, context: EngineContext, warnings: list[str]) -> None:
        """Evidence per feature (query = feature + the title's goals), deduplicated by note."""
        goals = "; ".join(g.text for g in context.title.goals[:3])
        by_note: dict[str, Evidence] = {}
        queries = [f"{feature.statement} {goals}" for feature in context.features]
        results = self.retriever.retrieve_many(
            queries, context.title.id, context.industry, EVIDENCE_PER_FEATURE, context.product
        )
        for feature, found in zip(context.features, results, strict=True):
            if not found:
                warnings.append(f"thin evidence for feature {feature.id}: {feature.statement[:60]}")
            for item in found:
                kept = by_note.get(item.note_id)
                if kept is None or item.score > kept.score:
                    by_note[item.note_id] = item
                context.feature_map.setdefault(item.chunk_id, []).append(feature.id)
        context.evidence = sorted(by_note.values(), key=lambda e: -e.score)

    def guess_product(self, copy: str) -> str | None:
        """The offering in the store that the copy names most often."""
        # The opening of a datasheet names its product; a short query keeps this one cheap.
        result = self.retriever.store.query(copy[:400], None, 50)
        offerings = {str(m.get("offering", "")) for m in result["metadatas"][0]}
        lowered = copy.lower()
        counts = {o: lowered.count(o.lower()) for o in offerings if o}
        best = max(counts, key=lambda o: counts[o], default=None)
        return best if best and counts[best] > 0 else None


def evidence_texts(evidence: list[Evidence]) -> list[EvidenceText]:
    """Grounding text per note: its chunk plus how the customer may be described."""
    merged: dict[str, EvidenceText] = {}
    for item in evidence:
        text = f"{item.text} ({item.customer})"
        if item.note_id in merged:
            text = merged[item.note_id].text + " " + text
        merged[item.note_id] = EvidenceText(
            id=item.note_id,
            text=text,
            customer_name=item.customer_name,
            publishable=item.publishable,
        )
    return list(merged.values())


def cited_evidence(evidence: list[Evidence], draft: Draft) -> list[CitedEvidence]:
    cited = {i for claim in draft.claims for i in claim.evidence_ids}
    return [
        CitedEvidence(
            note_id=e.note_id,
            customer=e.customer,
            offering=e.offering,
            industry=e.industry,
            snippet=(describe_customer(e.outcome or e.text, e) or e.customer)[:300],
        )
        for e in evidence
        if e.note_id in cited
    ]


def drop_failing(draft: Draft, card: ScoreCard, profile: TitleProfile) -> Draft:
    """Remove every body sentence and claim that holds an offending span; a failing headline
    becomes the title's first goal."""
    spans = guard_spans(card)
    text = draft.text
    body_offset = text.index(draft.body.strip()) if draft.body.strip() in text else len(text)
    headline_bad = any(s.end > s.start and s.start < body_offset for s in spans)
    bad_texts = {s.text for s in spans if s.kind == "ungrounded-claim"}
    kept_sentences = []
    cursor = body_offset
    for sentence in split_sentences(draft.body):
        start = text.find(sentence[:30], cursor)
        start = cursor if start < 0 else start
        end = start + len(sentence)
        cursor = end
        if not any(s.start < end and start < s.end for s in spans if s.end > s.start):
            kept_sentences.append(sentence)
    body = " ".join(kept_sentences)
    claims: list[Claim] = [
        c
        for c in draft.claims
        if c.text[:80] not in bad_texts
        and c.evidence_ids
        and any(_overlaps(c.text, sentence) for sentence in kept_sentences)
    ]
    headline = profile.goals[0].text if headline_bad else draft.headline
    return Draft(headline=headline, body=body or "-", claims=claims)


def _overlaps(claim: str, sentence: str) -> bool:
    a, b = set(claim.lower().split()), set(sentence.lower().split())
    return bool(a) and len(a & b) / len(a) >= 0.6
