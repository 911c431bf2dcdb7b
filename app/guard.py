"""The guard: what every draft must pass before it ships, whatever engine or model wrote it.

No feature jargon kept, no lexicon hit, nothing ungrounded (numbers, names, citations, claims a
cited note does not support, other offerings' notes, instructions, other companies' results),
not generic, no fragments; and, when the offering's notes hold results, at least one claim that
cites them. Citations a note does not support are removed before scoring; what still fails is
named for a revision, then dropped sentence by sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.citing import support
from app.domain import Draft, Evidence, Sentence, TitleProfile
from app.scores import ScoreCard, Span
from app.scoring.measures import GUARD_MEASURES
from app.scoring.support import MIN_SUPPORT
from app.text import word_count


def guard_failures(card: ScoreCard) -> list[str]:
    return [name for name in GUARD_MEASURES if not card.measures[name].passed]


def guard_spans(card: ScoreCard) -> list[Span]:
    return [span for name in GUARD_MEASURES for span in card.measures[name].spans]


def must_cite(evidence: list[Evidence]) -> bool:
    """A draft must cite a note when the offering's notes hold measured results."""
    return any(item.facts for item in evidence)


def failures(card: ScoreCard, draft: Draft, evidence: list[Evidence]) -> list[str]:
    """Guard failures of a draft: failing guard measures, and 'claims' when results exist but
    no claim cites them."""
    failing = guard_failures(card)
    if must_cite(evidence) and not any(c.evidence_ids for c in draft.claims):
        failing.append("claims")
    return failing


def problems(card: ScoreCard, draft: Draft, evidence: list[Evidence]) -> list[Span]:
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
    if must_cite(evidence) and not any(c.evidence_ids for c in draft.claims):
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


@dataclass
class CitationCheck:
    draft: Draft
    removed: list[str]


def check_citations(draft: Draft, evidence: list[Evidence], product: str | None) -> CitationCheck:
    """Keep each citation only where the cited note is about the offering and supports the
    sentence. An id that names no note given to the writer (made up, or copied from the
    prompt's example) goes too: the sentence is then judged as the uncited claim it is (its
    numbers and names must still be grounded)."""
    by_note = _by_note(evidence)
    removed: list[str] = []
    sentences: list[Sentence] = []
    for sentence in draft.sentences:
        kept: list[str] = []
        for note_id in sentence.cited:
            items = by_note.get(note_id)
            if items is None:
                removed.append(note_id)
                continue
            about = product is None or items[0].offering.lower() == product.lower()
            ratio = max(support(sentence.plain, item)[0] for item in items)
            if about and ratio >= MIN_SUPPORT:
                kept.append(note_id)
            else:
                removed.append(note_id)
        plain = sentence.plain
        text = plain if plain.endswith(("!", "?")) else plain + "."
        sentences.append(sentence.model_copy(update={"text": text, "evidence_ids": kept}))
    return CitationCheck(Draft(headline=draft.headline, sentences=sentences), removed)


def supports_of(draft: Draft, evidence: list[Evidence]) -> dict[int, dict[str, list[str]]]:
    """Per sentence index, per cited note: the note sentences the claim rests on."""
    by_note = _by_note(evidence)
    found: dict[int, dict[str, list[str]]] = {}
    for index, sentence in enumerate(draft.sentences):
        for note_id in sentence.cited:
            for item in by_note.get(note_id, []):
                ratio, chosen = support(sentence.plain, item)
                if ratio >= MIN_SUPPORT and chosen:
                    found.setdefault(index, {})[note_id] = chosen
                    break
    return found


# ", reducing ...", ", and improving ...": a clause added after the sentence's own claim.
_TRAILING = re.compile(r",\s+(?:(?:and|thereby|while|so)\s+)?([a-z]+)\b")
MIN_TRIMMED_WORDS = 6


def trim_failing(draft: Draft, card: ScoreCard, trailing: frozenset[str]) -> tuple[Draft, int]:
    """Cut a sentence back to its main clause when everything that fails in it lies in a
    trailing clause led by one of `trailing` ("..., reducing latency for small keys"): what is
    left is the model's own words and says less, never more. Other sentences stay as they are
    (drop_failing judges them); returns the draft and how many sentences were cut."""
    spans = [s for s in guard_spans(card) if s.end > s.start]
    bad_claims = {s.text for s in guard_spans(card) if s.kind == "ungrounded-claim"}
    offset = len(draft.headline.strip()) + 2
    sentences: list[Sentence] = []
    cut = 0
    for sentence in draft.sentences:
        rendered = sentence.rendered
        start, end = offset, offset + len(rendered)
        offset = end + 1 if rendered else offset
        inside = [s.start - start for s in spans if s.start < end and start < s.end]
        shorter = None
        if inside and rendered[:80] not in bad_claims:
            shorter = _main_clause(sentence, min(inside), trailing)
        sentences.append(shorter or sentence)
        cut += shorter is not None
    return Draft(headline=draft.headline, sentences=sentences), cut


def _main_clause(sentence: Sentence, first_bad: int, trailing: frozenset[str]) -> Sentence | None:
    plain = sentence.plain
    if first_bad < 0 or first_bad >= len(plain):
        return None  # the problem is before the sentence or in its citation
    cuts = [
        m.start()
        for m in _TRAILING.finditer(plain)
        if m.group(1) in trailing and m.start() <= first_bad
    ]
    if not cuts:
        return None
    head = plain[: max(cuts)].rstrip()
    if word_count(head) < MIN_TRIMMED_WORDS:
        return None
    return sentence.model_copy(update={"text": head + "."})


def drop_failing(draft: Draft, card: ScoreCard, profile: TitleProfile) -> Draft:
    """Remove every sentence that holds an offending span or is a failing claim (its claim goes
    with it); a failing headline becomes the title's first goal."""
    spans = [s for s in guard_spans(card) if s.end > s.start]
    bad_claims = {s.text for s in guard_spans(card) if s.kind == "ungrounded-claim"}
    headline = draft.headline.strip()
    headline_bad = any(s.start < len(headline) for s in spans)
    kept: list[Sentence] = []
    offset = len(headline) + 2  # the body follows the headline and a blank line
    for sentence in draft.sentences:
        rendered = sentence.rendered
        if not rendered:
            continue
        start, end = offset, offset + len(rendered)
        offset = end + 1
        overlapping = any(s.start < end and start < s.end for s in spans)
        if not overlapping and rendered[:80] not in bad_claims:
            kept.append(sentence)
    return Draft(headline=profile.goals[0].text if headline_bad else draft.headline, sentences=kept)


def _by_note(evidence: list[Evidence]) -> dict[str, list[Evidence]]:
    by_note: dict[str, list[Evidence]] = {}
    for item in evidence:
        by_note.setdefault(item.note_id, []).append(item)
    return by_note
