"""The grounded engine: no LLM. Composes outcome copy from the outcome facts of the offering's
own case notes and the title profile's goal language. Deterministic, instant and offline: the
embedded default, the LLM's fallback, and an eval baseline.

Without case evidence it still writes: each feature is mapped by meaning to the title's need it
serves, and the copy says what the buyer's team can do, with no number and no customer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from app.citing import fact_sentence, lower_first, shown_source, support, upper_first
from app.domain import Draft, Evidence, Fact, Goal, Need, Sentence
from app.engines.base import EngineContext
from app.engines.relevance import Served, citable_facts, served
from app.scores import Span
from app.scoring.names import NAME
from app.scoring.outcome import result_serves
from app.scoring.readability import MAX_SENTENCE_WORDS
from app.scoring.scorecard import Scorer
from app.scoring.support import MIN_SUPPORT
from app.scoring.terms import Term, find_terms_in
from app.scoring.words import zipf
from app.text import word_count

MAX_CLAIMS = 4
# A need sentence is the title profile's words, not the note's ("your team can know which
# services drive infrastructure cost"): it cites a note only when every key word of it is in
# the note sentences it rests on. The guard's bar (MIN_SUPPORT, half of them) is for sentences
# taken from the note itself; half of a profile's words is a claim the note never made.
NEED_SUPPORT = 1.0
MAX_NEEDS = 3
# MiniLM cosine of a feature statement to a need: above it the feature serves the need.
NEED_MATCH = 0.30
MAX_PROMISES = 2
PLAIN_WORDS = (5, 30)
# A promise speaks of the buyer's people; a call to action is not a promise.
BUYER = re.compile(
    r"\b(?:you|your|yours|teams?|people|staff|employees|engineers|agents|customers|users|"
    r"developers|managers|analysts|leaders)\b",
    re.IGNORECASE,
)
VENDOR_VOICE = re.compile(r"\b(?:we|us|our|ours)\b", re.IGNORECASE)  # "With us, yours will..."
CALL_TO_ACTION = re.compile(
    r"\b(?:contact|sign up|start your|free trial|request a demo|book a demo|learn more|"
    r"get started|talk to|download|visit)\b",
    re.IGNORECASE,
)
PRODUCT_LED = re.compile(
    r"\b(?:offers?|supports?|provides?|features|includes?|boasts|ships with|comes with|"
    r"is a|is an|are a)\b",
    re.IGNORECASE,
)


@dataclass
class Pick:
    evidence: Evidence
    fact: Fact
    sentence: str
    score: float
    served: Served  # what the result does for the title


class GroundedEngine:
    name = "grounded"
    uses_evidence = True
    guarded = True
    revisable = False  # deterministic: the same context gives the same draft

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer

    @property
    def model(self) -> str | None:
        return None

    def generate(self, context: EngineContext) -> Draft:
        picks = self._picks(context) if context.evidence else []
        if not picks:
            return self._without_evidence(context)
        sentences = [self._claim(context, pick) for pick in picks]
        ranked = self._ranked_goals(context, picks)
        also = self._also(context, picks, ranked[1:3])
        if also is not None:
            sentences.append(also)
        need = self._need_sentence(context, picks)
        if need is not None:
            sentences.append(need)
        return Draft(headline=second_person(ranked[0].text.rstrip(".")) + ".", sentences=sentences)

    def revise(self, context: EngineContext, draft: Draft, problems: list[Span]) -> Draft:
        del context, problems  # deterministic: the pipeline drops what still fails
        return draft

    # ------------------------------------------------------------------ with evidence
    def _picks(self, context: EngineContext) -> list[Pick]:
        source_terms = self.scorer.feature_terms(context.copy, context.product, context.title.id)
        picks: list[Pick] = []
        for found in sorted(context.evidence, key=lambda e: -e.score):
            evidence = self._labelled(found, source_terms)
            best: Pick | None = None
            # Only results this title may be cited (relevance.citable_facts: the note was
            # written for it, or the result names what it wants and speaks most to it): anything
            # else is true but not this executive's business (say less). The pipeline's evidence
            # is filtered so already; the engine does not rely on it.
            embed = self.scorer.content.embed if self.scorer.content else None
            for fact in citable_facts(evidence, context.title, self.scorer.titles, embed):
                does = served(fact.source, context.title)
                sentence = fact_sentence(fact, evidence)
                if not self._usable(sentence, evidence, source_terms, context):
                    continue
                # Measured change first, then the title's own goals, then relevance and brevity.
                relevant = 1.5 if does.goals else 0.0
                score = fact.score + relevant + evidence.score - word_count(sentence) / 100
                if best is None or score > best.score:
                    best = Pick(evidence, fact, sentence, score, does)
            if best is not None:
                picks.append(best)
            if len(picks) == MAX_CLAIMS:
                break
        return picks

    def _labelled(self, evidence: Evidence, source_terms: list[Term]) -> Evidence:
        return labelled(evidence, self.scorer, source_terms)

    def _usable(
        self, sentence: str, evidence: Evidence, source_terms: list[Term], context: EngineContext
    ) -> bool:
        if word_count(sentence) > MAX_SENTENCE_WORDS:
            return False
        if other_names(sentence, evidence, context.product):
            return False  # a result sentence names only its own customer
        return self._clean(sentence, source_terms)

    def _clean(self, text: str, source_terms: list[Term]) -> bool:
        return plain(text, self.scorer, source_terms)

    def _claim(self, context: EngineContext, pick: Pick) -> Sentence:
        return Sentence(
            text=pick.sentence,
            kind=pick.served.kind or "need",  # a result of a note written for this title
            evidence_ids=[pick.evidence.note_id],
            feature_ids=context.feature_map.get(pick.evidence.chunk_id, []),
        )

    def _also(
        self, context: EngineContext, picks: list[Pick], goals: list[Goal]
    ) -> Sentence | None:
        """A goal the chosen results also serve, cited to the notes whose results name it."""
        named = [
            (goal, [p for p in picks if result_serves(p.fact.source, context.title, goal.id)])
            for goal in goals
        ]
        served = [(goal, found) for goal, found in named if found]
        if not served:
            return None
        text = " and ".join(lower_first(goal.text.rstrip(".")) for goal, _ in served)
        sentence = f"Teams that work this way also {second_person(text)}."
        # Only a goal the notes themselves speak of: the guard removes unsupported citations.
        ids = _supporting(sentence, [p for _, found in served for p in found])
        return Sentence(text=sentence, kind="goal", evidence_ids=ids) if ids else None

    def _need_sentence(self, context: EngineContext, picks: list[Pick]) -> Sentence | None:
        for need in context.title.needs:
            for pick in picks:
                sources = " ".join(shown_source(f, pick.evidence) for f in pick.evidence.facts)
                text = self._need_text(need, None)
                if hits(sources, need.keywords) and _supporting(text, [pick], NEED_SUPPORT):
                    return Sentence(
                        text=text,
                        kind="need",
                        evidence_ids=[pick.evidence.note_id],
                        feature_ids=context.feature_map.get(pick.evidence.chunk_id, []),
                    )
        return None

    def _need_text(self, need: Need, product: str | None) -> str:
        capability = second_person(lower_first(need.text.rstrip(".")))
        lead = "your team can" if _is_verb(need.text, self.scorer) else "your team gets"
        return upper_first(f"with {product}, {lead}" if product else lead) + f" {capability}."

    def _ranked_goals(self, context: EngineContext, picks: list[Pick]) -> list[Goal]:
        """The title's goals, best served by this copy and its evidence first: a goal a chosen
        result names (as strictly as the kit matches results) counts most, then one a problem
        it names blocks, so the headline promises what a cited result backs; then a goal the
        evidence or the features name (as strictly), then meaning (MiniLM similarity of the
        goal to the outcomes and features). The pipeline warns when no cited result backs the
        headline's goal."""
        profile = context.title
        named = {g for p in picks for g in p.served.goals}
        unblocked = {g for p in picks for g in p.served.backed_goals(profile)} - named
        wider = " ".join(
            [*(e.text for e in context.evidence), *(f.statement for f in context.features)]
        )
        named_wider = set(served(wider, profile).goals)
        scores = {
            g.id: 3.0 * (g.id in named) + 2.0 * (g.id in unblocked) + 1.0 * (g.id in named_wider)
            for g in profile.goals
        }
        chosen = " ".join(p.fact.source for p in picks)
        content = self.scorer.content
        if content is not None:
            basis = chosen or " ".join(f.statement for f in context.features[:6])
            vectors = self._embed([g.text for g in profile.goals])
            similarity = vectors @ content.embed([basis])[0]
            for goal, value in zip(profile.goals, similarity, strict=True):
                scores[goal.id] += float(value)
        return sorted(profile.goals, key=lambda g: -scores[g.id])

    # ------------------------------------------------------------------ without evidence
    def _without_evidence(self, context: EngineContext) -> Draft:
        """The copy's own plain-language promises, then features mapped by meaning to the needs
        they serve; no numbers, no customers."""
        profile = context.title
        matched = self._needs_for_features(context)
        sentences = self._plain_promises(context)
        sentences += [
            Sentence(
                text=self._need_text(need, context.product if i == 0 else None),
                kind="need",
                feature_ids=feature_ids,
            )
            for i, (need, feature_ids) in enumerate(matched)
        ]
        serving = [profile.goal(need.serves) for need, _ in matched]
        goals = [g for g in serving if g is not None]
        headline = goals[0] if goals else self._ranked_goals(context, [])[0]
        return Draft(headline=second_person(headline.text.rstrip(".")) + ".", sentences=sentences)

    def _plain_promises(self, context: EngineContext) -> list[Sentence]:
        """Sentences of the copy that already speak the buyer's language: no feature term, no
        lexicon hit, no figure, not about what the product "offers"."""
        source_terms = self.scorer.feature_terms(context.copy, context.product, context.title.id)
        found: list[Sentence] = []
        for feature in context.features:
            text = feature.statement.strip()
            if not PLAIN_WORDS[0] <= word_count(text) <= PLAIN_WORDS[1] or re.search(r"\d", text):
                continue
            if not text[:1].isupper() or PRODUCT_LED.search(text) or "?" in text:
                continue
            if CALL_TO_ACTION.search(text) or not BUYER.search(text) or VENDOR_VOICE.search(text):
                continue
            if context.product and context.product.lower() in text.lower():
                continue
            if not self._clean(text, source_terms) or other_names(text, None, context.product):
                continue
            found.append(
                Sentence(text=text.rstrip(".!") + ".", kind="need", feature_ids=[feature.id])
            )
            if len(found) == MAX_PROMISES:
                break
        return found

    def _needs_for_features(self, context: EngineContext) -> list[tuple[Need, list[str]]]:
        content = self.scorer.content
        profile = context.title
        if content is None or not profile.needs or not context.features:
            return []
        needs = self._embed([n.text for n in profile.needs])
        features = content.embed([f.statement for f in context.features])
        # A feature serves a need when it names one of the need's keywords AND means much the
        # same (MiniLM alone matches "1M+ registered apps" to "know every app in one place").
        similarity = features @ needs.T  # features x needs
        for i, feature in enumerate(context.features):
            for j, need in enumerate(profile.needs):
                if not hits(feature.statement, need.keywords):
                    similarity[i, j] = 0.0
        best = similarity.max(axis=0)
        order = [int(i) for i in np.argsort(-best) if best[i] >= NEED_MATCH][:MAX_NEEDS]
        return [
            (
                profile.needs[i],
                [
                    f.id
                    for f, row in zip(context.features, similarity, strict=True)
                    if row[i] >= NEED_MATCH
                ],
            )
            for i in order
        ]

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Profile texts recur on every rewrite: the scorer's embedder remembers them."""
        assert self.scorer.content is not None
        return self.scorer.content.embed(texts)


def labelled(evidence: Evidence, scorer: Scorer, source_terms: list[Term]) -> Evidence:
    """The evidence as copy may call its customer: the note's description unless that holds
    jargon ("running about 220 microservices"), then a plain industry noun."""
    if evidence.publishable or plain(evidence.customer, scorer, source_terms):
        return evidence
    nouns = scorer.wordlists.industry_nouns
    return evidence.model_copy(update={"customer": nouns.get(evidence.industry, "a customer")})


def plain(text: str, scorer: Scorer, source_terms: list[Term]) -> bool:
    """No feature term of the source and no lexicon hit (suggestions aside)."""
    if find_terms_in(text, source_terms):
        return False
    return not any(
        span.kind != "lexicon-suggestion"
        for lexicon in scorer.lexicons
        for span in lexicon.find(text)
    )


def _supporting(sentence: str, picks: list[Pick], bar: float = MIN_SUPPORT) -> list[str]:
    """The picks' notes that support `sentence` (the guard would drop other citations)."""
    ids = [p.evidence.note_id for p in picks if support(sentence, p.evidence)[0] >= bar]
    return list(dict.fromkeys(ids))


def other_names(sentence: str, evidence: Evidence | None, product: str | None) -> list[str]:
    """Brand-like names in a sentence other than its customer's and the product's."""
    own = ""
    if evidence is not None:
        own = " ".join([evidence.customer, evidence.customer_name if evidence.publishable else ""])
    allowed = own.lower() + " " + (product or "").lower()
    found = []
    for match in NAME.finditer(sentence):
        for word in match.group(0).split():
            if word.lower() in allowed or word in ("At", "The"):
                continue
            if zipf(word) < 3.5 or re.search(r"[a-z][A-Z]", word):
                found.append(word)
    return found


_PERSON = {"my": "your", "our": "your", "we": "you", "us": "you", "i": "you", "ours": "yours"}


def second_person(text: str) -> str:
    """Profiles write some needs in the executive's voice ("Free my team..."): copy addresses
    them ("your team")."""
    return re.sub(r"\b(my|our|we|us|I|ours)\b", lambda m: _PERSON[m.group(1).lower()], text)


def _is_verb(text: str, scorer: Scorer) -> bool:
    first = text.split()[0].lower() if text.split() else ""
    return first in scorer.wordlists.imperatives


def hits(text: str, keywords: list[str]) -> bool:
    lowered = text.lower()
    return any(re.search(rf"(?<!\w){re.escape(k.lower())}", lowered) for k in keywords)
