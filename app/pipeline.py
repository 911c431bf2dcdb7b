"""The rewrite pipeline: features -> offering -> evidence -> draft -> guard -> revise -> drop."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.citing import describe_customer, fact_sentence, shown_source
from app.config import Settings
from app.documents import clean_text
from app.domain import (
    MAX_DRAFT_SENTENCES,
    CitedEvidence,
    Claim,
    Draft,
    Evidence,
    EvidenceStatus,
    Rewrite,
)
from app.engines.base import Engine, EngineContext, Engines
from app.engines.plain_features import plain_features
from app.engines.relevance import citable_facts, unbacked_goals
from app.errors import EmptyStoreError, InvalidInputError, PrimedError
from app.features import Feature, kept_features
from app.guard import (
    check_citations,
    drop_failing,
    failures,
    problems,
    supports_of,
    trim_failing,
)
from app.offering import OfferingMatch, resolve_offering
from app.retrieve import Retriever
from app.scores import ScoreCard
from app.scoring.scorecard import EvidenceText, ScoreInput, Scorer
from app.text import word_count

MIN_WORDS = 5
MAX_ADDED_FACTS = 2


class RewriteRequest(BaseModel):
    copy_text: str = Field(alias="copy", description="Feature-heavy product copy (text/markdown).")
    title: str = Field(min_length=1, max_length=100)
    industry: str | None = Field(default=None, max_length=64)
    product: str | None = Field(default=None, max_length=200)
    engine: str = Field(default="auto", max_length=32)

    model_config = ConfigDict(populate_by_name=True)


def check_copy(copy: str, max_chars: int) -> str:
    """The copy as every engine sees it, however it came in (file, stdin, API JSON, upload):
    cleaned as files are (line endings, trailing spaces, PDF bullet glyphs), then checked."""
    text = clean_text(copy)
    if not text:
        raise InvalidInputError("the copy is empty: give the product copy to rewrite", field="copy")
    if "\x00" in text:
        raise InvalidInputError("the copy contains binary data, not text", field="copy")
    if (count := word_count(text)) < MIN_WORDS:
        words = "1 word" if count == 1 else f"{count} words"
        raise InvalidInputError(
            f"only {words} of copy: give at least a sentence about the product", field="copy"
        )
    if len(text) > max_chars:
        raise InvalidInputError(
            f"the copy is {len(text):,} characters; the limit is {max_chars:,} "
            "(PRIMED_MAX_COPY_CHARS)",
            field="copy",
        )
    return text


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
        """The Rewrite and what it was built from (evals re-score with the evidence it was
        written from: the gathered notes, with the results the title may be cited)."""
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
        features = kept_features(copy) or [Feature(id="F1", statement=copy[:500])]
        offerings = self.offerings()
        if not offerings and self.retriever.store.count() == 0:
            raise EmptyStoreError()
        match = resolve_offering(copy, offerings, request.product)
        warnings.extend(offering_warnings(match, offerings))
        context = EngineContext(copy, profile, match.name, request.industry, features, [])
        context.jargon = [t.text for t in self.scorer.feature_terms(copy, match.name, profile.id)]
        context.shown_features = plain_features(
            features, lambda text: self.scorer.jargon_spans(text, copy, match.name, profile.id)
        )
        if engine.uses_evidence and match.known:
            self._gather(context, warnings)
        try:
            draft = engine.generate(context)
        except PrimedError as exc:
            fallback = self.engines.fallback()
            if engine.name == fallback.name:
                raise
            warnings.append(f"{engine.name} engine failed ({exc}); fell back to {fallback.name}")
            engine = fallback
            if match.known and not context.evidence:
                self._gather(context, warnings)
            draft = engine.generate(context)
        return self._guarded(context, engine, draft, warnings, match), context

    def _guarded(
        self,
        context: EngineContext,
        engine: Engine,
        draft: Draft,
        warnings: list[str],
        match: OfferingMatch,
    ) -> Rewrite:
        evidence = context.evidence
        draft = self._checked(context, draft, warnings)
        card = self.score(context, draft)
        rounds = 0
        guarded = engine.guarded
        while guarded and failures(card, draft, evidence) and rounds < self.max_rounds:
            if not engine.revisable:
                break
            rounds += 1
            try:
                draft = engine.revise(context, draft, problems(card, draft, evidence))
            except PrimedError as exc:
                warnings.append(f"revision {rounds} failed ({exc})")
                break
            draft = self._checked(context, draft, warnings)
            card = self.score(context, draft)
        if guarded and failures(card, draft, evidence):
            draft, card = self._drop(context, draft, card, warnings)
            fallback = self.engines.fallback()
            if failures(card, draft, evidence) and engine.name != fallback.name:
                completed = self._with_facts(context, draft, fallback, warnings)
                if completed is not None:
                    draft, card = completed
            if failures(card, draft, evidence) and engine.name != fallback.name:
                warnings.append("nothing usable survived the guard; used the grounded engine")
                engine = fallback
                draft = self._checked(context, fallback.generate(context), warnings)
                card = self.score(context, draft)
                if failures(card, draft, evidence):
                    draft, card = self._drop(context, draft, card, warnings)
        return self._result(context, engine, draft, card, rounds, warnings, match)

    def _result(
        self,
        context: EngineContext,
        engine: Engine,
        draft: Draft,
        card: ScoreCard,
        rounds: int,
        warnings: list[str],
        match: OfferingMatch,
    ) -> Rewrite:
        found = supports_of(draft, context.evidence)
        claims = [
            claim.model_copy(
                update={"supports": [s for sents in found.get(i, {}).values() for s in sents]}
            )
            for i, claim in enumerate(draft.claims)
        ]
        status = evidence_status(match, claims)
        if status == "not_cited":
            warnings.append(
                f"no case note about {match.name} supported a claim for a {context.title.name}: "
                "the copy states no customer result"
            )
        for goal in unbacked_goals(draft.headline, claims, context.title)[:1]:
            warnings.append(
                f'the headline speaks to the {context.title.name} goal "{goal.text}", which no '
                "cited result backs: check that the offering serves it before a seller says it"
            )
        if not draft.body.strip():
            warnings.append(
                f"the rewrite is only a headline: no case note supported a claim and no feature "
                f"of the copy maps to a {context.title.name} need; write the body by hand or add "
                "case notes"
            )
        return Rewrite(
            text=draft.text,
            headline=draft.headline,
            body=draft.body,
            title=context.title.name,
            product=context.product,
            claims=claims,
            evidence=cited_evidence(context.evidence, found),
            scorecard=card,
            engine=engine.name,
            model=engine.model,
            rounds=rounds,
            evidence_status=status,
            warnings=warnings,
        )

    def _checked(self, context: EngineContext, draft: Draft, warnings: list[str]) -> Draft:
        # A note none of whose results this title may be cited (written for other titles) is
        # never shown to a model; a citation of it anyway goes, whatever its passage supports.
        title = context.title
        foreign = {e.note_id for e in context.evidence if not e.facts and title.id not in e.titles}
        cited = {i for s in draft.sentences for i in s.evidence_ids}
        if foreign & cited:
            warnings.append(
                f"removed citations of notes written for other titles, whose results do not "
                f"speak to a {title.name}: " + ", ".join(sorted(foreign & cited))
            )
        allowed = [e for e in context.evidence if e.note_id not in foreign]
        checked = check_citations(draft, allowed, context.product)
        if removed := sorted(set(checked.removed) - foreign):
            warnings.append(
                "removed citations of notes that do not support their sentence: "
                + ", ".join(removed)
            )
        return checked.draft

    def _with_facts(
        self, context: EngineContext, draft: Draft, fallback: Engine, warnings: list[str]
    ) -> tuple[Draft, ScoreCard] | None:
        """The model's surviving sentences completed with the cited results the grounded
        engine renders from the notes (numbers exactly as the facts hold them), when the model's
        own result sentences did not survive the guard. None when nothing of the model's is
        left or the completed draft still fails: then the grounded engine writes it all."""
        if not draft.sentences:
            return None
        cited = [s for s in fallback.generate(context).sentences if s.evidence_ids]
        if not cited:
            return None
        completed = self._checked(
            context,
            Draft(
                headline=draft.headline,
                sentences=[
                    *draft.sentences[: MAX_DRAFT_SENTENCES - len(cited[:MAX_ADDED_FACTS])],
                    *cited[:MAX_ADDED_FACTS],
                ],
            ),
            [],
        )
        card = self.score(context, completed)
        if failures(card, completed, context.evidence):
            return None
        added = len(completed.sentences) - len(draft.sentences)
        warnings.append(
            f"added {added} cited result(s) from the case notes as the grounded engine writes "
            "them: the model's own result sentences failed the guard"
        )
        return completed, card

    def _drop(
        self, context: EngineContext, draft: Draft, card: ScoreCard, warnings: list[str]
    ) -> tuple[Draft, ScoreCard]:
        """Sentences whose only failing words sit in a trailing clause are cut back to their
        main clause (citations checked again); every sentence that still fails is dropped."""
        failing = ", ".join(failures(card, draft, context.evidence))
        trimmed, cut = trim_failing(draft, card, self.scorer.wordlists.trailing_clauses)
        if cut:
            draft = self._checked(context, trimmed, warnings)
            card = self.score(context, draft)
            warnings.append(
                f"cut {cut} sentence(s) back to the main clause: the trailing clause failed "
                f"the guard ({failing})"
            )
        if failures(card, draft, context.evidence):
            failing = ", ".join(failures(card, draft, context.evidence))
            draft = drop_failing(draft, card, context.title)
            warnings.append(f"dropped sentences that failed the guard ({failing})")
            card = self.score(context, draft)
        return draft, card

    def score(self, context: EngineContext, draft: Draft) -> ScoreCard:
        return self.scorer.score(
            ScoreInput(
                source=context.copy,
                rewrite=draft.text,
                title=context.title.id,
                product=context.product,
                evidence=evidence_texts(context.evidence),
                claims=draft.claims,
            ).with_features(context.features)
        )

    def _gather(self, context: EngineContext, warnings: list[str]) -> None:
        """Evidence per feature (query = feature + the title's goals), only from notes about the
        copy's own offering, deduplicated by note."""
        goals = "; ".join(g.text for g in context.title.goals[:3])
        by_note: dict[str, Evidence] = {}
        queries = [f"{feature.statement} {goals}" for feature in context.features]
        results = self.retriever.retrieve_many(
            queries, context.title.id, context.industry, self.settings.retrieve_k, context.product
        )
        for feature, found in zip(context.features, results, strict=True):
            if not found:
                warnings.append(f"thin evidence for feature {feature.id}: {feature.statement[:60]}")
            for item in found:
                kept = by_note.get(item.note_id)
                if kept is None or item.score > kept.score:
                    by_note[item.note_id] = item
                context.feature_map.setdefault(item.chunk_id, []).append(feature.id)
        # Only results the title may be cited (relevance.citable_facts): the LLM is never shown,
        # and the guard never demands a citation of, a result that is another title's business.
        content = self.scorer.content
        embed = content.embed if content is not None else None
        context.evidence = [
            item.model_copy(
                update={"facts": citable_facts(item, context.title, self.titles, embed)}
            )
            for item in sorted(by_note.values(), key=lambda e: -e.score)
        ]

    def offerings(self) -> dict[str, tuple[str, ...]]:
        return {name: o.aliases for name, o in self.retriever.store.offerings().items()}

    def resolve_offering(self, copy: str, product: str | None) -> OfferingMatch:
        """The copy's own offering among those the store holds notes about."""
        return resolve_offering(copy, self.offerings(), product)


def offering_warnings(match: OfferingMatch, offerings: dict[str, tuple[str, ...]]) -> list[str]:
    known = ", ".join(sorted(offerings)) or "none yet"
    if match.how == "unknown_override":
        return [
            f"no case note in the store is about '{match.name}' (offerings with notes: {known}); "
            "the copy cites no customer result"
        ]
    if match.how == "not_in_store":
        return [f"no case note is about {match.name} yet: the copy cites no customer result"]
    if match.how == "unknown":
        return [
            "could not tell which offering this copy is about, so no case note is cited "
            f"(name it with --product; offerings with notes: {known})"
        ]
    return []


def evidence_status(match: OfferingMatch, claims: list[Claim]) -> EvidenceStatus:
    if match.how == "unknown":
        return "offering_unknown"
    if not match.known:
        return "none_for_offering"
    return "cited" if any(c.evidence_ids for c in claims) else "not_cited"


def evidence_texts(evidence: list[Evidence]) -> list[EvidenceText]:
    """Grounding text per note: its passage, its facts (rendered and as the note says them),
    and how the customer may be described."""
    merged: dict[str, EvidenceText] = {}
    for item in evidence:
        facts = " ".join(f"{fact_sentence(f, item)} {shown_source(f, item)}" for f in item.facts)
        text = f"{item.text} {facts} ({item.customer})"
        if item.note_id in merged:
            text = merged[item.note_id].text + " " + text
        merged[item.note_id] = EvidenceText(
            id=item.note_id,
            text=text,
            customer_name=item.customer_name,
            publishable=item.publishable,
            offering=item.offering,
            customer=item.customer,
        )
    return list(merged.values())


def cited_evidence(
    evidence: list[Evidence], found: dict[int, dict[str, list[str]]]
) -> list[CitedEvidence]:
    """The notes the rewrite cites, each with the sentences its claims rest on."""
    supports: dict[str, list[str]] = {}
    for per_note in found.values():
        for note_id, sentences in per_note.items():
            bucket = supports.setdefault(note_id, [])
            bucket.extend(s for s in sentences if s not in bucket)
    shown: list[CitedEvidence] = []
    for item in evidence:
        if item.note_id not in supports or any(c.note_id == item.note_id for c in shown):
            continue
        snippet = describe_customer(item.outcome or item.text, item)
        shown.append(
            CitedEvidence(
                note_id=item.note_id,
                customer=item.customer,
                offering=item.offering,
                industry=item.industry,
                snippet=snippet[:300],
                supports=supports[item.note_id],
            )
        )
    return shown
