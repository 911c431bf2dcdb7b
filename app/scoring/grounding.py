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
from app.scoring.models import Span
from app.scoring.words import word_tokens, zipf

CITATION = re.compile(
    r"\[((?=[^\]]*\d)[A-Za-z0-9][A-Za-z0-9._#-]*(?:\s*[,;]\s*[A-Za-z0-9][A-Za-z0-9._#-]*)*)\]"
)
NUMBER = re.compile(
    r"(?<![\w.,])(?P<cur>[$€£]\s?)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<mult>k|K|m|M|mn|bn|B|million|billion|thousand)(?![A-Za-z]))?"
    r"(?:\s?(?P<unit>%|percent\b|per\s?cent\b|x(?![A-Za-z])|times\b))?"
)
NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
}
MULTIPLIERS = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
}
LEADING = re.compile(
    r"^(?:(?:At|In|For|With|From|By|On|The|A|An|And|But|So|When|Where|Once|After|Before|"
    r"Since|Like|Unlike|Our|Your|Their|Its|This|That|These|Those|Every|Each|One)\s+)+"
)
INNER_CAP = re.compile(r"[a-z][A-Z]")
NAME = re.compile(r"(?<![\w'’-])[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:\s+[A-Z][a-z]+(?:[A-Z][a-z]+)*){0,3}")


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str  # "%", "$", "x" or ""
    span: Span


@lru_cache(maxsize=4096)
def known_quantities(text: str) -> dict[float, frozenset[str]]:
    """Value -> units present in a grounding text (cached: sources and notes repeat)."""
    found: dict[float, set[str]] = {}
    for quantity in quantities(text):
        found.setdefault(round(quantity.value, 6), set()).add(quantity.unit)
    return {value: frozenset(units) for value, units in found.items()}


def quantities(text: str, words_too: bool = True) -> list[Quantity]:
    """Numbers with their unit class, ignoring citation markers like [PS-014]."""
    masked = CITATION.sub(lambda m: " " * len(m.group(0)), text)
    found: list[Quantity] = []
    for match in NUMBER.finditer(masked):
        value = float(match.group("num").replace(",", ""))
        mult = (match.group("mult") or "").lower()
        value *= MULTIPLIERS.get(mult, 1.0)
        found.append(
            Quantity(
                value,
                _unit(match.group("cur"), match.group("unit")),
                Span(
                    start=match.start(),
                    end=match.end(),
                    text=match.group(0).strip(),
                    kind="ungrounded-number",
                ),
            )
        )
    if words_too:
        tokens = word_tokens(masked)
        for index, (start, end, token) in enumerate(tokens):
            if token not in NUMBER_WORDS:
                continue
            following = tokens[index + 1][2] if index + 1 < len(tokens) else ""
            percent = following == "percent" and not masked[end : tokens[index + 1][0]].strip()
            stop = tokens[index + 1][1] if percent else end
            found.append(
                Quantity(
                    float(NUMBER_WORDS[token]),
                    "%" if percent else "",
                    Span(start=start, end=stop, text=masked[start:stop], kind="ungrounded-number"),
                )
            )
    return found


def _unit(currency: str | None, unit: str | None) -> str:
    if currency:
        return "$"
    if not unit:
        return ""
    unit = unit.lower()
    if unit.startswith(("%", "per")):
        return "%"
    return "x"


def cited_ids(text: str) -> list[str]:
    ids: list[str] = []
    for match in CITATION.finditer(text):
        ids.extend(part.strip() for part in re.split(r"[,;]", match.group(1)) if part.strip())
    return ids


@dataclass(frozen=True)
class GroundingSource:
    """A piece of evidence as grounding sees it."""

    id: str
    text: str
    customer_name: str = ""
    publishable: bool = False


def ungrounded(
    rewrite: str,
    source: str,
    evidence: Sequence[GroundingSource],
    claims: Iterable[Claim] = (),
    allowed_names: Iterable[str] = (),
) -> list[Span]:
    """Every ungrounded number, citation, customer name and claim, as spans into `rewrite`."""
    by_id = {e.id: e for e in evidence}
    problems: list[Span] = []
    for match in CITATION.finditer(rewrite):
        for note_id in re.split(r"[,;]", match.group(1)):
            if note_id.strip() and note_id.strip() not in by_id:
                problems.append(
                    Span(
                        start=match.start(),
                        end=match.end(),
                        text=match.group(0),
                        kind="unknown-citation",
                        message=f"cites {note_id.strip()}, which is not in the evidence",
                    )
                )
    cited = [by_id[i] for i in cited_ids(rewrite) if i in by_id]
    known = [known_quantities(source), *(known_quantities(e.text) for e in cited)]
    for quantity in quantities(rewrite):
        if not any(_grounded(quantity, table) for table in known):
            where = "the source or the cited evidence" if cited else "the source (nothing is cited)"
            problems.append(
                quantity.span.model_copy(
                    update={"message": f"'{quantity.span.text}' appears nowhere in {where}"}
                )
            )
    problems.extend(_names(rewrite, source, evidence, allowed_names))
    for number, claim in enumerate(claims, start=1):
        missing = [i for i in claim.evidence_ids if i not in by_id]
        why = ""
        if not claim.evidence_ids or missing:
            why = f"cites unknown evidence {', '.join(missing)}" if missing else "cites no evidence"
        else:
            backing = [
                known_quantities(source),
                *(known_quantities(by_id[i].text) for i in claim.evidence_ids),
            ]
            loose = [
                q.span.text
                for q in quantities(claim.text)
                if not any(_grounded(q, t) for t in backing)
            ]
            leaked = [
                m.group(0)
                for e in evidence
                if not e.publishable
                for pattern in confidential_patterns(e.customer_name)
                for m in pattern.finditer(claim.text)
            ]
            if loose:
                why = f"states {', '.join(loose)}, found in neither the source nor its evidence"
            elif leaked:
                why = f"names a confidential customer ({leaked[0]})"
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


def _grounded(quantity: Quantity, table: dict[float, frozenset[str]]) -> bool:
    """Same value, and the same unit, or a bare number against a unit that is not a percent."""
    units = table.get(round(quantity.value, 6))
    if not units:
        return False
    if quantity.unit in units:
        return True
    if quantity.unit == "":
        return any(u != "%" for u in units)
    return quantity.unit != "%" and "" in units


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
    for match in NAME.finditer(rewrite):
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
    """How a customer's name can show up: in full (any case), or by its distinctive first word
    ("Greyfield", "Greyfield's"), which people use as a short name."""
    name = " ".join(name.split())
    if not name:
        return ()
    patterns = [re.compile(rf"(?<!\w){re.escape(name)}(?:'s|’s)?(?!\w)", re.IGNORECASE)]
    first = name.split()[0]
    if first != name and len(first) >= 3 and zipf(first) < 4.0:
        patterns.append(re.compile(rf"(?<!\w){re.escape(first)}(?:'s|’s)?(?!\w)"))
    return tuple(patterns)


def _sentence_start(text: str, index: int) -> bool:
    before = text[:index].rstrip(" \t\"'“(*_#>-")
    return not before or before[-1] in ".!?:\n"
