"""The grounded kit: deterministic, from the offering's outcome facts and the title profiles.

A goal of a title is *supported* when a note about the offering that involved the title states
a measured result about the goal (its keywords, or those of a problem blocking it) in words a
seller can say: no feature jargon, no other company's name. Every other goal is a gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from app.citing import fact_sentence, lower_first, shown, shown_source, support, upper_first
from app.corpus.facts import plain_account
from app.domain import Evidence, Fact, Goal, Problem, TitleProfile
from app.engines.grounded import hits, labelled, other_names, plain
from app.kit.models import (
    Cell,
    CitedLine,
    Gap,
    GoalKit,
    Kit,
    KitEngine,
    Scenario,
    Source,
    Story,
    TitleKit,
)
from app.scoring.outcome import result_names, result_serves
from app.scoring.readability import MAX_SENTENCE_WORDS
from app.scoring.scorecard import Scorer
from app.scoring.support import MIN_SUPPORT
from app.text import split_sentences, word_count

MAX_QUESTIONS = 4
MAX_SCENARIOS = 3
MAX_STORIES = 2
SUMMARY_GOALS = 2
# MiniLM cosine of a result to the goal (or a problem blocking it): keywords alone let "budget
# support for faculties" prove a CIO's IT budget goal.
GOAL_MATCH = 0.25
# ... and of a note sentence to a need, for that sentence to show customers living a scenario.
SCENARIO_MATCH = 0.35


@dataclass(frozen=True)
class Result:
    """A note's best sayable result for one goal."""

    note: Evidence
    fact: Fact
    sentence: str
    rank: tuple[int, int, float]

    def line(self) -> CitedLine:
        return CitedLine(
            text=f"{self.sentence.rstrip('.')} [{self.note.note_id}].",
            sources=[
                Source(note_id=self.note.note_id, sentences=[shown_source(self.fact, self.note)])
            ],
        )


class KitBuilder:
    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Vectors through the scorer's embedder, which remembers texts (embed_cached)."""
        assert self.scorer.content is not None, "the kit needs the scorer's embedder"
        return self.scorer.content.embed(texts)

    def means(self, fact: Fact, goal: Goal, blocking: list[Problem]) -> bool:
        """Does the result mean progress on the goal (not just share a keyword with it)?"""
        vectors = self._embed([fact.source, goal.text, *(p.text for p in blocking)])
        return float(np.max(vectors[1:] @ vectors[0])) >= GOAL_MATCH

    def build(
        self,
        offering: str,
        notes: list[Evidence],
        profiles: list[TitleProfile],
        industry: str | None = None,
        engine: KitEngine = "grounded",
    ) -> Kit:
        notes = [labelled(n, self.scorer, []) for n in notes]
        titles: list[TitleKit] = []
        matrix: list[Cell] = []
        gaps: list[Gap] = []
        for profile in profiles:
            title = self.title_kit(offering, profile, notes, industry)
            titles.append(title)
            gaps.extend(title.gaps)
            supported = {g.goal_id: g for g in title.goals}
            for goal in profile.goals:
                found = supported.get(goal.id)
                best = found.stories[0].result if found else None
                notes_for = len(found.note_ids) if found else 0
                matrix.append(
                    Cell(
                        title_id=profile.id,
                        goal_id=goal.id,
                        goal=goal.text,
                        notes=notes_for,
                        best=best,
                    )
                )
        return Kit(
            offering=offering,
            engine=engine,
            industry=industry,
            notes=len(notes),
            titles=titles,
            matrix=matrix,
            gaps=gaps,
        )

    def title_kit(
        self, offering: str, profile: TitleProfile, notes: list[Evidence], industry: str | None
    ) -> TitleKit:
        goals: list[GoalKit] = []
        gaps: list[Gap] = []
        for goal in profile.goals:
            results = self.results(profile, goal, notes, industry)
            if not results:
                gaps.append(
                    Gap(title_id=profile.id, title=profile.name, goal_id=goal.id, goal=goal.text)
                )
                continue
            goals.append(
                GoalKit(
                    goal_id=goal.id,
                    goal=goal.text,
                    note_ids=[r.note.note_id for r in results],
                    questions=questions(profile, goal),
                    scenarios=self.scenarios(profile, goal, notes),
                    stories=[self.story(offering, profile, goal, r) for r in results[:MAX_STORIES]],
                )
            )
        # Goals with the most notes behind them lead.
        goals.sort(key=lambda g: -len(g.note_ids))
        summary, sources = summarise(offering, profile, goals)
        return TitleKit(
            title_id=profile.id,
            title=profile.name,
            full_name=profile.full_name,
            summary=summary,
            summary_sources=sources,
            goals=goals,
            gaps=gaps,
        )

    def results(
        self, profile: TitleProfile, goal: Goal, notes: list[Evidence], industry: str | None
    ) -> list[Result]:
        """Each note's best sayable result for the goal, best notes first (same industry first,
        then the size of the measured change)."""
        blocking = [p for p in profile.problems if p.blocks == goal.id]
        found: list[Result] = []
        for note in notes:
            if profile.id not in note.titles:
                continue
            best: Result | None = None
            for fact in note.facts:
                about = result_serves(fact.source, profile, goal.id) or any(
                    result_names(fact.source, p.keywords) for p in blocking
                )
                if not about or not self.means(fact, goal, blocking):
                    continue
                sentence = fact_sentence(fact, note)
                if not self.sayable(sentence, note):
                    continue
                rank = (int(industry is not None and note.industry == industry), fact.score, 0.0)
                rank = (rank[0], rank[1], -word_count(sentence) / 100)
                if best is None or rank > best.rank:
                    best = Result(note, fact, sentence, rank)
            if best is not None:
                found.append(best)
        return sorted(found, key=lambda r: (r.rank, r.note.note_id), reverse=True)

    def scenarios(self, profile: TitleProfile, goal: Goal, notes: list[Evidence]) -> list[Scenario]:
        """Scenarios of the needs that serve the goal which the notes show customers living: a
        note sentence names the need's keywords AND means much the same (MiniLM); the closest
        first, with those sentences. When no note shows one, the goal's first need alone."""
        serving = [n for n in profile.needs if n.serves == goal.id]
        found: list[tuple[float, Scenario]] = []
        for need in serving:
            best: tuple[float, Source] | None = None
            for note in sorted(notes, key=lambda n: profile.id not in n.titles):
                sentences = [
                    s
                    for s in split_sentences(note.text)
                    if hits(s, need.keywords) and plain_account(s)
                ]
                if not sentences:
                    continue
                vectors = self._embed([need.text, *sentences])
                sims = vectors[1:] @ vectors[0]
                order = [i for i in np.argsort(-sims) if sims[i] >= SCENARIO_MATCH][:2]
                if order and (best is None or float(sims[order[0]]) > best[0]):
                    chosen = [shown(sentences[i], note) for i in order]
                    best = (float(sims[order[0]]), Source(note_id=note.note_id, sentences=chosen))
            if best is not None:
                scenario = Scenario(need_id=need.id, text=need.scenario, source=best[1])
                found.append((best[0], scenario))
        found.sort(key=lambda pair: -pair[0])
        if not found:
            return [Scenario(need_id=serving[0].id, text=serving[0].scenario)]
        return [scenario for _, scenario in found[:MAX_SCENARIOS]]

    def sayable(self, sentence: str, note: Evidence) -> bool:
        if word_count(sentence) > MAX_SENTENCE_WORDS:
            return False
        if other_names(sentence, note, note.offering):
            return False
        return plain(sentence, self.scorer, [])

    def story(self, offering: str, profile: TitleProfile, goal: Goal, result: Result) -> Story:
        note = result.note
        situation = None
        for problem in (p for p in profile.problems if p.blocks == goal.id):
            line = supported_line(problem.text, note)
            if line is not None:
                situation = line
                break
        change = None
        for need in (n for n in profile.needs if n.serves == goal.id):
            text = change_text(offering, need.text, self.scorer)
            line = supported_line(need.text, note) if text else None
            if text and line is not None and plain(text, self.scorer, []):
                change = line.model_copy(update={"text": f"{text} [{note.note_id}]."})
                break
        return Story(
            note_id=note.note_id,
            customer=upper_first(note.customer),
            industry=note.industry,
            situation=situation,
            change=change,
            result=result.line(),
        )


def change_text(offering: str, need: str, scorer: Scorer) -> str | None:
    """What changed, in the third person: "They used X to <need>" for a need written as a verb
    phrase; None for a need in the executive's own voice ("we", "my")."""
    if re.search(r"\b(?:we|our|us|my|I|me)\b", need):
        return None
    first = need.split()[0].lower() if need.split() else ""
    verb = first in scorer.wordlists.imperatives
    return f"They used {offering} to {'' if verb else 'get '}{lower_first(need.rstrip('.'))}"


def supported_line(text: str, note: Evidence) -> CitedLine | None:
    """`text` cited to `note` when the note's own sentences support it (the guard's rule)."""
    ratio, chosen = support(text, note)
    if ratio < MIN_SUPPORT or not chosen:
        return None
    return CitedLine(
        text=f"{text.rstrip('.')} [{note.note_id}].",
        sources=[Source(note_id=note.note_id, sentences=chosen)],
    )


def questions(profile: TitleProfile, goal: Goal) -> list[str]:
    """The diagnostic questions of the problems that block the goal (at most four)."""
    asked = [q for p in profile.problems if p.blocks == goal.id for q in p.questions]
    return list(dict.fromkeys(asked))[:MAX_QUESTIONS]


def summarise(
    offering: str, profile: TitleProfile, goals: list[GoalKit]
) -> tuple[list[str], list[Source]]:
    """A short sales-primed summary for the title: the goals customers' results speak to,
    then the strongest result, every claim cited."""
    if not goals:
        return [
            f"No case note about {offering} shows a measured result for a {profile.name} yet: "
            "ask the questions of each goal and collect the story."
        ], []
    lines: list[str] = []
    sources: list[Source] = []
    for i, goal in enumerate(goals[:SUMMARY_GOALS]):
        ids = ", ".join(goal.note_ids[:3])
        lead = f"{offering} helps a {profile.name}" if i == 0 else "It also helps"
        lines.append(f"{lead} {lower_first(goal.goal.rstrip('.'))} [{ids}].")
        sources.extend(goal.stories[0].result.sources)
    lines.append(goals[0].stories[0].result.text)
    return lines, list({s.note_id: s for s in sources}.values())
