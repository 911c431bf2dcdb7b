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

from app.domain import Claim
from app.safety import ascii_fold, instruction_spans
from app.scores import Span
from app.scoring.names import (
    INNER_CAP,
    LEADING,
    LINE_NAME_SCAN,
    NAME_SCAN,
    confidential_matchers,
    confidential_patterns,
    sentence_start,
)
from app.scoring.quantities import (
    CITATION,
    citation_parts,
    cited_ids,
    found_quantities,
    grounded,
    has_number,
    known_quantities,
)
from app.scoring.quantities import quantities as quantities  # re-exported: tests use it here
from app.scoring.support import MIN_SUPPORT, support_ratio
from app.scoring.words import zipf
from app.text import sentence_spans, split_sentences


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
    cited_by_rewrite: list[str] = []  # cited_ids(rewrite, by_id), from the same matches
    for match in CITATION.finditer(rewrite):
        parts = citation_parts(match, by_id)
        cited_by_rewrite.extend(parts)
        for note_id in parts:
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
    cited = [by_id[i] for i in cited_by_rewrite if i in by_id]
    # A note cited twice adds nothing the second time.
    known = [known_quantities(t) for t in dict.fromkeys([source, *(e.text for e in cited)])]
    where = "the source or the cited evidence" if cited else "the source (nothing is cited)"
    for quantity in found_quantities(rewrite):
        if not any(grounded(quantity, table) for table in known):
            problems.append(
                Span(
                    start=quantity.start,
                    end=quantity.end,
                    text=quantity.text,
                    kind="ungrounded-number",
                    message=f"'{quantity.text}' appears nowhere in {where}",
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
        q.text for q in found_quantities(claim.text) if not any(grounded(q, t) for t in backing)
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
        if found_quantities(claim.text):
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
        if not has_number(sentence):  # quantities(sentence, words_too=False), cheaply
            continue
        ids = cited_ids(sentence, by_id)
        own = " ".join(
            [
                *allowed,
                *(by_id[i].customer for i in ids if i in by_id),
                *(by_id[i].customer_name for i in ids if i in by_id and by_id[i].publishable),
            ]
        ).lower()
        for match in NAME_SCAN.finditer(sentence):  # NAME's matches
            name = LEADING.sub("", match.group(0))
            if not name or name.lower() in own:
                continue
            brand = [w for w in name.split() if zipf(w) < 3.5 or INNER_CAP.search(w)]
            if not brand or all(w.lower() in own for w in brand):
                continue
            at = start + match.end() - len(name)
            opening = sentence_start(rewrite, at) and " " not in name
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

    folded = ascii_fold(rewrite)
    for item in evidence:
        if item.publishable:
            continue
        for pattern in confidential_matchers(item.customer_name):
            if not pattern.may_match(rewrite, folded):
                continue
            for match in pattern.regex.finditer(rewrite):
                flag(
                    match.start(),
                    match.end(),
                    "confidential-customer",
                    f"{item.id}'s customer may not be named; describe it instead",
                )
    grounding: str | None = None  # what names may come from; built when first needed
    for match in LINE_NAME_SCAN.finditer(rewrite):  # LINE_NAME's matches
        # "At Quillmark" is the name Quillmark after a capitalised function word.
        name = LEADING.sub("", match.group(0))
        if not name:
            continue
        start = match.end() - len(name)
        if sentence_start(rewrite, start) and " " not in name and name == match.group(0):
            continue
        # Ordinary capitalised words ("Monday", "Finance") pass; brand-like ones (rare, or with
        # inner capitals like "FedEx") must come from a source.
        if all(zipf(w) >= 4.5 and not INNER_CAP.search(w) for w in name.split()):
            continue
        if grounding is None:
            grounding = " ".join([source, *(e.text for e in evidence), *allowed]).lower()
        if name.lower() in grounding:
            continue
        flag(
            start,
            match.end(),
            "unverified-name",
            f"'{name}' looks like a name found in no source or evidence",
        )
    return spans
