"""What a case-note result does for a title: the goals it names, the problems and needs it
speaks to. Matched as strictly as the kit matches results (`named_items`: whole words, a
keyword another item of the same list shares never counts, no word too common to name
anything), so a result is cited to an executive only for what it says ("all approved" is not
"AP", "bookings" is not "books")."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from app.domain import Claim, Evidence, Fact, Goal, TitleProfile
from app.scoring.outcome import goal_hits, named_items

Kind = Literal["goal", "problem", "need"]


@dataclass(frozen=True)
class Served:
    """Ids of the title's goals, problems and needs a result speaks to."""

    goals: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()

    @property
    def kind(self) -> Kind | None:
        """The claim kind a sentence of this result makes; None when it serves the title in
        nothing (then it is cited only when its note was written for the title)."""
        if self.goals:
            return "goal"
        if self.problems:
            return "problem"
        return "need" if self.needs else None

    def backed_goals(self, profile: TitleProfile) -> set[str]:
        """The goals it backs: those it names, and those a problem it names blocks (a problem
        removed is its goal served; a need met is not yet a goal reached)."""
        return set(self.goals) | {p.blocks for p in profile.problems if p.id in self.problems}


def served(text: str, profile: TitleProfile) -> Served:
    """What the result `text` does for the title."""
    return Served(
        goals=named_items(text, profile.goals),
        problems=named_items(text, profile.problems),
        needs=named_items(text, profile.needs),
    )


def speaks_most_to(
    text: str,
    profile: TitleProfile,
    written_for: Sequence[TitleProfile],
    embed: Callable[[list[str]], np.ndarray],
) -> bool:
    """Does a result of a note written for other titles speak to `profile` at least as much as
    to each of them? Each title's fit is the result's best MiniLM similarity to one of its
    goals or problems. A keyword alone misreads senses: "standing admin access to production"
    is not a VP Sales' admin time, "project SPVs" are not a CIO's projects, "book value" is not
    the books a CFO closes; the consultant named whom the result is for, and a result that fits
    a title better than those is rare ("releases to all plants went from 4 a year to 31" fits
    a VP Engineering better than the COO and CTO its note names)."""

    def fit(title: TitleProfile, vector: np.ndarray) -> float:  # a profile has goals
        texts = [*(g.text for g in title.goals), *(p.text for p in title.problems)]
        return float(np.max(embed(texts) @ vector))

    vector = embed([text])[0]
    own = fit(profile, vector)
    return all(own >= fit(other, vector) for other in written_for if other.id != profile.id)


def citable_facts(
    evidence: Evidence,
    profile: TitleProfile,
    titles: Iterable[TitleProfile],
    embed: Callable[[list[str]], np.ndarray] | None,
) -> list[Fact]:
    """The note's results a rewrite for `profile` may cite: all of them when the consultant
    wrote the note for this title; otherwise those that name one of its goals, problems or
    needs in their own words (`served`) and, when the note names whom it is for, speak to this
    title at least as much as to each of those (`speaks_most_to`; never without the embedder
    to tell). `titles` resolves the note's title ids (ids a store holds from older profiles
    are left out)."""
    if profile.id in evidence.titles:
        return list(evidence.facts)
    known = {title.id: title for title in titles}
    others = [known[t] for t in evidence.titles if t in known]

    def ours(text: str) -> bool:
        if served(text, profile).kind is None:
            return False
        return not others or (embed is not None and speaks_most_to(text, profile, others, embed))

    return [fact for fact in evidence.facts if ours(fact.source)]


def unbacked_goals(headline: str, claims: Sequence[Claim], profile: TitleProfile) -> list[Goal]:
    """The title's goals the headline speaks to that no cited claim's result backs (names, or
    names a problem that blocks it): a promise the copy's evidence does not back. Empty when a
    cited claim backs one of them, or when no claim cites anything (the copy then says it
    states no result)."""
    cited = [c for c in claims if c.evidence_ids]
    spoken = [g for g in profile.goals if g.id in goal_hits(headline, profile)]
    if not cited or not spoken:
        return []
    backed = {
        g
        for c in cited
        for g in served(" ".join([c.text, *c.supports]), profile).backed_goals(profile)
    }
    return [] if any(g.id in backed for g in spoken) else spoken
