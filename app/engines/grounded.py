"""The grounded engine: no LLM. Composes outcome copy from the evidence's own measured results
and the title profile's goal language. Deterministic, instant and offline: the embedded
default, the LLM's fallback, and an eval baseline."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from app.corpus.chunking import outcome_score
from app.domain import Claim, Draft, Evidence, Goal, TitleProfile
from app.engines.base import EngineContext
from app.scoring.grounding import confidential_patterns
from app.scoring.models import Span
from app.scoring.outcome import goal_hits
from app.scoring.scorecard import Scorer
from app.scoring.terms import Term, find_terms_in
from app.text import split_sentences, word_count

MAX_CLAIMS = 4
MAX_WORDS = 32
MAX_SENTENCE_WORDS = 38
# Sentences that lean on the previous one ("It", "This", "But...") cannot stand alone.
FIRST_PERSON = re.compile(r"\b(?:we|our|us|I)\b")
DANGLING = re.compile(
    r"^(?:it|its|this|that|these|those|they|them|he|she|but|and|so|also|then|there|here|"
    r"beyond|after that|even so|still|which|we|our|us|i)\b",
    re.IGNORECASE,
)


@dataclass
class Pick:
    evidence: Evidence
    sentence: str
    score: float


class GroundedEngine:
    name = "grounded"
    uses_evidence = True

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer
        self._goal_vectors: dict[str, np.ndarray] = {}  # per title: its goals, embedded once

    @property
    def model(self) -> str | None:
        return None

    def generate(self, context: EngineContext) -> Draft:
        picks = self._picks(context)
        claims = [self._claim(context, pick) for pick in picks]
        ranked = self._ranked_goals(context, picks)
        goal = ranked[0].text.rstrip(".") + "."
        sentences = [c.text for c in claims]
        supported = [
            g
            for g in ranked[1:3]
            if goal_hits(" ".join(p.sentence for p in picks), context.title, [g.id])
        ]
        if supported:
            also = " and ".join(_lower_first(g.text.rstrip(".")) for g in supported)
            sentences.append(f"Teams that work this way also {also}.")
        need = self._need_sentence(context, picks)
        if need is not None:
            claims.append(need)
            sentences.append(need.text)
        body = " ".join(sentences) if sentences else _no_evidence(context.title)
        return Draft(headline=goal, body=body, claims=claims)

    def revise(self, context: EngineContext, draft: Draft, problems: list[Span]) -> Draft:
        del context, problems  # deterministic: the pipeline drops what still fails
        return draft

    def _picks(self, context: EngineContext) -> list[Pick]:
        source_terms = self.scorer.feature_terms(context.copy, context.product, context.title.id)
        picks: list[Pick] = []
        for found in sorted(context.evidence, key=lambda e: -e.score):
            evidence = self._labelled(found, source_terms)
            best: Pick | None = None
            for sentence in split_sentences(evidence.text):
                cleaned = describe_customer(sentence, evidence, strict=True)
                if cleaned is None or not self._usable(cleaned, source_terms):
                    continue
                # "At <customer>, " may be added in front: keep the sentence readable aloud.
                if word_count(cleaned) + word_count(evidence.customer) + 1 > MAX_SENTENCE_WORDS:
                    continue
                # Measured change first, then the title's own goals, then relevance and brevity.
                relevant = 1.5 if goal_hits(cleaned, context.title) else 0.0
                score = (
                    outcome_score(cleaned) + relevant + evidence.score - word_count(cleaned) / 100
                )
                if best is None or score > best.score:
                    best = Pick(evidence, cleaned, score)
            if best is not None:
                picks.append(best)
            if len(picks) == MAX_CLAIMS:
                break
        return picks

    def _labelled(self, evidence: Evidence, source_terms: list[Term]) -> Evidence:
        """The evidence as copy may call its customer: the note's description unless that holds
        jargon ("running about 220 microservices"), then a plain industry noun."""
        if evidence.publishable or self._clean(evidence.customer, source_terms):
            return evidence
        return evidence.model_copy(
            update={"customer": INDUSTRY_NOUNS.get(evidence.industry, "a customer")}
        )

    def _usable(self, sentence: str, source_terms: list[Term]) -> bool:
        if outcome_score(sentence) < 3 or word_count(sentence) > MAX_WORDS:
            return False
        if (
            DANGLING.match(sentence)
            or FIRST_PERSON.search(sentence)
            or sentence.endswith(("?", ":"))
        ):
            return False
        return self._clean(sentence, source_terms)

    def _clean(self, text: str, source_terms: list[Term]) -> bool:
        """No feature term of the source and no lexicon hit (suggestions aside)."""
        if find_terms_in(text, source_terms):
            return False
        return not any(
            span.kind != "lexicon-suggestion"
            for lexicon in self.scorer.lexicons
            for span in lexicon.find(text)
        )

    def _claim(self, context: EngineContext, pick: Pick) -> Claim:
        sentence = pick.sentence.rstrip(" .")
        evidence = pick.evidence
        named = evidence.customer.lower() in sentence.lower() or (
            evidence.publishable and _first_word(evidence.customer_name).lower() in sentence.lower()
        )
        if not named:
            sentence = f"At {evidence.customer}, {_lower_first(sentence)}"
        text = f"{_upper_first(sentence)} [{evidence.note_id}]."
        goals = goal_hits(pick.sentence, context.title)
        problems = [p.id for p in context.title.problems if _hits(pick.sentence, p.keywords)]
        kind = "goal" if goals else ("problem" if problems else "need")
        return Claim(
            kind=kind,
            text=text,
            evidence_ids=[evidence.note_id],
            feature_ids=context.feature_map.get(evidence.chunk_id, []),
        )

    def _ranked_goals(self, context: EngineContext, picks: list[Pick]) -> list[Goal]:
        """The title's goals, best served by this copy and its evidence first: keyword hits in
        the chosen outcomes count most, then hits anywhere in the evidence and the features,
        then meaning (MiniLM similarity of the goal to the outcomes and features)."""
        profile = context.title
        chosen = " ".join(p.sentence for p in picks)
        wider = " ".join(
            [*(e.text for e in context.evidence), *(f.statement for f in context.features)]
        )
        scores = {
            g.id: 2.0 * bool(goal_hits(chosen, profile, [g.id]))
            + 1.0 * bool(goal_hits(wider, profile, [g.id]))
            for g in profile.goals
        }
        content = self.scorer.content
        if content is not None:
            basis = chosen or " ".join(f.statement for f in context.features[:6])
            if profile.id not in self._goal_vectors:
                self._goal_vectors[profile.id] = content.embed([g.text for g in profile.goals])
            similarity = self._goal_vectors[profile.id] @ content.embed([basis])[0]
            for goal, value in zip(profile.goals, similarity, strict=True):
                scores[goal.id] += float(value)
        return sorted(profile.goals, key=lambda g: -scores[g.id])

    @staticmethod
    def _need_sentence(context: EngineContext, picks: list[Pick]) -> Claim | None:
        for need in context.title.needs:
            for pick in picks:
                if _hits(pick.evidence.text, need.keywords):
                    capability = _lower_first(need.text.rstrip("."))
                    # Needs are written as capabilities ("See every entity's cash...") or as
                    # states ("Logins a phishing page cannot steal").
                    lead = "Your team can" if _is_verb(need.text) else "What your team gets:"
                    text = f"{lead} {capability} [{pick.evidence.note_id}]."
                    return Claim(
                        kind="need",
                        text=text,
                        evidence_ids=[pick.evidence.note_id],
                        feature_ids=context.feature_map.get(pick.evidence.chunk_id, []),
                    )
        return None


def describe_customer(sentence: str, evidence: Evidence, strict: bool = False) -> str | None:
    """Replace a non-publishable customer's name (full, or its distinctive first word, possessive
    too) by its description, so confidential names never reach the copy. With `strict`, a
    possessive ("Greyfield's stores") cannot be described gracefully: None."""
    if evidence.publishable or not evidence.customer_name:
        return sentence
    for pattern in confidential_patterns(evidence.customer_name):
        if strict and any(m.group(0).endswith(("'s", "’s")) for m in pattern.finditer(sentence)):
            return None

        def swap(match: re.Match[str]) -> str:
            possessive = match.group(0).endswith(("'s", "’s"))
            description = evidence.customer + ("'s" if possessive else "")
            return description if match.start() else _upper_first(description)

        sentence = pattern.sub(swap, sentence)
    return sentence


INDUSTRY_NOUNS = {
    "logistics": "a logistics company",
    "retail": "a retailer",
    "healthcare": "a healthcare provider",
    "manufacturing": "a manufacturer",
    "financial-services": "a financial services firm",
    "software": "a software company",
    "public-sector": "a public-sector organisation",
    "education": "an education provider",
    "energy": "an energy company",
}

IMPERATIVES = {
    "access",
    "audit",
    "bring",
    "build",
    "buy",
    "close",
    "coach",
    "connect",
    "cut",
    "deliver",
    "enter",
    "find",
    "free",
    "get",
    "give",
    "go",
    "grow",
    "hand",
    "have",
    "hear",
    "hire",
    "keep",
    "know",
    "lower",
    "make",
    "move",
    "open",
    "pass",
    "pay",
    "plan",
    "process",
    "prove",
    "raise",
    "reduce",
    "report",
    "run",
    "schedule",
    "see",
    "send",
    "ship",
    "shorten",
    "spend",
    "spot",
    "stop",
    "tighten",
    "trace",
    "turn",
    "win",
}


def _is_verb(text: str) -> bool:
    first = text.split()[0].lower() if text.split() else ""
    return first in IMPERATIVES


def _hits(text: str, keywords: list[str]) -> bool:
    lowered = text.lower()
    return any(re.search(rf"(?<!\w){re.escape(k.lower())}", lowered) for k in keywords)


def _first_word(name: str) -> str:
    return name.split()[0] if name.split() else name


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _no_evidence(profile: TitleProfile) -> str:
    return (
        f"No case note yet shows this offering's results for a {profile.name}: "
        "add professional-services notes and rewrite again."
    )
