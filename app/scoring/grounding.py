"""Grounding: every number, customer name and citation in a rewrite must come from a source.

A number (with its unit: %, currency, multiplier) is grounded when the same value appears in
the source copy or in evidence the rewrite cites. Citations look like [PS-014] and must name
evidence that exists. A confidential (non-publishable) customer named in the copy, or a
company-like name found in no source, is ungrounded. Every claim must cite existing evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from app.domain import Claim
from app.safety import instruction_spans
from app.scores import Span
from app.scoring.quantities import (
    CITATION,
    citation_parts,
    cited_ids,
    grounded,
    known_quantities,
    quantities,
)
from app.scoring.support import MIN_SUPPORT, support_ratio
from app.scoring.words import zipf
from app.text import sentence_spans, split_sentences

LEADING = re.compile(
    r"^(?:(?:At|In|For|With|From|By|On|The|A|An|And|But|So|When|Where|Once|After|Before|"
    r"Since|Like|Unlike|Our|Your|Their|Its|This|That|These|Those|Every|Each|One)\s+)+"
)
INNER_CAP = re.compile(r"[a-z][A-Z]")
NAME = re.compile(r"(?<![\w'’-])[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:\s+[A-Z][a-z]+(?:[A-Z][a-z]+)*){0,3}")
# A name in written copy never runs across a line break: a headline ending in "Efficient" and
# a body opening with "Chronolake's" are two words, not the name "Efficient Chronolake".
LINE_NAME = re.compile(NAME.pattern.replace(r"\s+", r"[^\S\n]+"))


@dataclass(frozen=True)
class GroundingSource:
    """A piece of evidence as grounding sees it."""

    id: str
    text: str
    customer_name: str = ""
    publishable: bool = False
    offering: str = ""
    customer: str = ""  # as copy may call it (the description when not publishable)


def ungrounded(
    rewrite: str,
    source: str,
    evidence: Sequence[GroundingSource],
    claims: Iterable[Claim] = (),
    allowed_names: Iterable[str] = (),
    product: str | None = None,
) -> list[Span]:
    """Every ungrounded number, citation, customer name and claim, as spans into `rewrite`;
    and what no rewrite may hold: instructions, other companies' results, notes about another
    offering."""
    by_id = {e.id: e for e in evidence}
    allowed = list(allowed_names)
    problems: list[Span] = []
    for match in CITATION.finditer(rewrite):
        for note_id in citation_parts(match, by_id):
            item = by_id.get(note_id)
            why = None
            if item is None:
                why = f"cites {note_id}, which is not in the evidence"
            elif product and item.offering and item.offering.lower() != product.lower():
                why = f"cites {note_id}, a note about {item.offering}, not {product}"
            if why:
                problems.append(
                    Span(
                        start=match.start(),
                        end=match.end(),
                        text=match.group(0),
                        kind="unknown-citation" if item is None else "other-offering",
                        message=why,
                    )
                )
    cited = [by_id[i] for i in cited_ids(rewrite, by_id) if i in by_id]
    known = [known_quantities(source), *(known_quantities(e.text) for e in cited)]
    for quantity in quantities(rewrite):
        if not any(grounded(quantity, table) for table in known):
            where = "the source or the cited evidence" if cited else "the source (nothing is cited)"
            problems.append(
                quantity.span.model_copy(
                    update={"message": f"'{quantity.span.text}' appears nowhere in {where}"}
                )
            )
    problems.extend(_names(rewrite, source, evidence, allowed))
    problems.extend(_third_parties(rewrite, by_id, [*allowed, product or ""]))
    problems.extend(
        Span(
            start=start,
            end=end,
            text=rewrite[start:end],
            kind="instruction",
            message="instruction-like text: words addressed to a model are never copy",
        )
        for start, end in instruction_spans(rewrite)
    )
    for number, claim in enumerate(claims, start=1):
        why = _claim_problem(claim, source, evidence, by_id)
        if why:
            problems.append(
                Span(
                    start=0,
                    end=0,
                    text=claim.text[:80],
                    kind="ungrounded-claim",
                    message=f"claim {number} {why}",
                )
            )
    problems.sort(key=lambda s: s.start)
    return problems


def _claim_problem(
    claim: Claim,
    source: str,
    evidence: Sequence[GroundingSource],
    by_id: dict[str, GroundingSource],
) -> str | None:
    missing = [i for i in claim.evidence_ids if i not in by_id]
    if missing:
        return f"cites unknown evidence {', '.join(missing)}"
    backing = [
        known_quantities(source),
        *(known_quantities(by_id[i].text) for i in claim.evidence_ids),
    ]
    loose = [
        q.span.text for q in quantities(claim.text) if not any(grounded(q, t) for t in backing)
    ]
    if loose:
        return f"states {', '.join(loose)}, found in neither the source nor its evidence"
    leaked = [
        m.group(0)
        for e in evidence
        if not e.publishable
        for pattern in confidential_patterns(e.customer_name)
        for m in pattern.finditer(claim.text)
    ]
    if leaked:
        return f"names a confidential customer ({leaked[0]})"
    if not claim.evidence_ids:
        if claim.supported:
            return "cites no evidence"
        if quantities(claim.text):
            return "has no evidence but states a number"
        return None
    for note_id in claim.evidence_ids:
        item = by_id[note_id]
        text = claim.text
        for name in sorted((n for n in (item.customer, item.customer_name) if n), key=len)[::-1]:
            text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
        if support_ratio(text, split_sentences(item.text), set()) < MIN_SUPPORT:
            return f"is not supported by {note_id}: its key words and numbers are not in the note"
    return None


def _third_parties(
    rewrite: str, by_id: dict[str, GroundingSource], allowed: Sequence[str]
) -> list[Span]:
    """A sentence that states a number may name only its cited customer, the product and the
    reader's title: any other company in it makes the result someone else's."""
    spans: list[Span] = []
    for start, _end, sentence in sentence_spans(rewrite):
        if not quantities(sentence, words_too=False):
            continue
        ids = cited_ids(sentence, by_id)
        own = " ".join(
            [
                *allowed,
                *(by_id[i].customer for i in ids if i in by_id),
                *(by_id[i].customer_name for i in ids if i in by_id and by_id[i].publishable),
            ]
        ).lower()
        for match in NAME.finditer(sentence):
            name = LEADING.sub("", match.group(0))
            if not name or name.lower() in own:
                continue
            brand = [w for w in name.split() if zipf(w) < 3.5 or INNER_CAP.search(w)]
            if not brand or all(w.lower() in own for w in brand):
                continue
            at = start + match.end() - len(name)
            opening = _sentence_start(rewrite, at) and " " not in name
            if opening and zipf(name) >= 1.5 and not INNER_CAP.search(name):
                continue  # "Gearbox failures fell...": an ordinary word opens the sentence
            spans.append(
                Span(
                    start=at,
                    end=at + len(name),
                    text=name,
                    kind="third-party",
                    message=f"'{name}' in a result sentence: only the cited customer's results "
                    "may be stated",
                )
            )
    return spans


def _names(
    rewrite: str, source: str, evidence: Sequence[GroundingSource], allowed: Iterable[str]
) -> list[Span]:
    spans: list[Span] = []

    def flag(start: int, end: int, kind: str, message: str) -> None:
        if not any(s.start <= start < s.end for s in spans):
            spans.append(
                Span(start=start, end=end, text=rewrite[start:end], kind=kind, message=message)
            )

    for item in evidence:
        if item.publishable:
            continue
        for pattern in confidential_patterns(item.customer_name):
            for match in pattern.finditer(rewrite):
                flag(
                    match.start(),
                    match.end(),
                    "confidential-customer",
                    f"{item.id}'s customer may not be named; describe it instead",
                )
    grounding = " ".join([source, *(e.text for e in evidence), *allowed]).lower()
    for match in LINE_NAME.finditer(rewrite):
        # "At Quillmark" is the name Quillmark after a capitalised function word.
        name = LEADING.sub("", match.group(0))
        if not name:
            continue
        start = match.end() - len(name)
        if _sentence_start(rewrite, start) and " " not in name and name == match.group(0):
            continue
        # Ordinary capitalised words ("Monday", "Finance") pass; brand-like ones (rare, or with
        # inner capitals like "FedEx") must come from a source.
        if name.lower() in grounding or all(
            zipf(w) >= 4.5 and not INNER_CAP.search(w) for w in name.split()
        ):
            continue
        flag(
            start,
            match.end(),
            "unverified-name",
            f"'{name}' looks like a name found in no source or evidence",
        )
    return spans


@lru_cache(maxsize=4096)
def confidential_patterns(name: str) -> tuple[re.Pattern[str], ...]:
    """How a customer's name can show up: in full (any case), shortened to its first words
    ("Alder Falls Water" for "Alder Falls Water Department"), or by its distinctive first word
    ("Greyfield", "Greyfield's"), which people use as a short name. Longest first."""
    name = " ".join(name.split())
    if not name:
        return ()
    parts = name.split()
    forms = [" ".join(parts[:n]) for n in range(len(parts), 1, -1)] or [name]
    patterns = [
        re.compile(rf"(?<!\w){re.escape(form)}(?:'s|’s)?(?!\w)", re.IGNORECASE) for form in forms
    ]
    first = parts[0]
    if first != name and len(first) >= 3 and zipf(first) < 4.0:
        patterns.append(re.compile(rf"(?<!\w){re.escape(first)}(?:'s|’s)?(?!\w)"))
    return tuple(patterns)


def _sentence_start(text: str, index: int) -> bool:
    before = text[:index].rstrip(" \t\"'“(*_#>-")
    return not before or before[-1] in ".!?:\n"
