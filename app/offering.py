"""Which offering a piece of copy is about, so evidence comes only from that offering's notes.

A datasheet names itself where it matters most: in its headline and first sentences. It also
names other products, in comparisons ("drop-in replacement for Prometheus", "7x less RAM than
InfluxDB"): those are competitors, never the offering. Mentions are weighed by where they sit
and what surrounds them; when the copy's own product cannot be told, no note is cited at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from app.scoring.words import zipf

OPENING_CHARS = 300
# Words right before or after a name that make it a comparison, not the copy's subject.
_COMPARISON_BEFORE = re.compile(
    r"(?:than|vs\.?|versus|compatible with|alternative to|replacement for|replace|replaces|"
    r"replacing|migrate from|migrating from|migration from|switch from|switching from|"
    r"move from|moving from|unlike|instead of|compared to|compared with|better than|"
    r"works with|integrates with|integration with|support for|on top of)\s*(?:your\s+)?$",
    re.IGNORECASE,
)
_COMPARISON_AFTER = re.compile(
    r"^(?:[-\s]compatible|[-\s]style|\s+(?:users|alternative|replacement|exporters?|"
    r"remote[- ]write|migration))",
    re.IGNORECASE,
)
Resolution = Literal["named", "override", "unknown_override", "not_in_store", "unknown"]


@dataclass(frozen=True)
class OfferingMatch:
    """The copy's offering (a name in the store, or the name the copy gives itself)."""

    name: str | None
    known: bool  # are there notes about it in the store?
    how: Resolution
    competitors: tuple[str, ...] = ()


def resolve_offering(
    copy: str, offerings: Mapping[str, tuple[str, ...]], override: str | None = None
) -> OfferingMatch:
    """The offering `copy` is about, among `offerings` (name -> aliases).

    In order: the store's offering the headline names (first named wins); the name the headline
    gives a product the store has no notes about; the store's offering the opening names; one
    the body names clearly more than any other. Comparisons never count."""
    if override:
        wanted = override.strip().lower()
        for name, aliases in offerings.items():
            if wanted in (name.lower(), *(a.lower() for a in aliases)):
                return OfferingMatch(name, True, "override")
        return OfferingMatch(override.strip(), False, "unknown_override")
    headline, opening = _head(copy)
    first_in: dict[str, dict[str, int]] = {"headline": {}, "opening": {}}
    weights: dict[str, float] = {}
    competitors: list[str] = []
    for name, aliases in offerings.items():
        names = (name, *aliases)
        for part, text in (("headline", headline), ("opening", opening)):
            at = _first_own_mention(text, names)
            if at is not None:
                first_in[part][name] = at
        own, compared = _weigh(copy, names)
        if own:
            weights[name] = own
        elif compared:
            competitors.append(name)
    mentioned = [*weights, *competitors]

    def others(chosen: str | None) -> tuple[str, ...]:
        return tuple(sorted(n for n in mentioned if n != chosen))

    for part in ("headline", "opening"):
        if first_in[part]:
            best = min(first_in[part], key=lambda n: first_in[part][n])
            return OfferingMatch(best, True, "named", others(best))
        if part == "headline" and (self_name := _self_name(headline, copy, offerings)):
            return OfferingMatch(self_name, False, "not_in_store", others(None))
    ranked = sorted(weights, key=lambda n: -weights[n])
    if (
        ranked
        and weights[ranked[0]] >= 2
        and (len(ranked) == 1 or weights[ranked[0]] >= 2 * weights[ranked[1]])
    ):
        return OfferingMatch(ranked[0], True, "named", others(ranked[0]))
    return OfferingMatch(None, False, "unknown", others(None))


def _head(copy: str) -> tuple[str, str]:
    lines = [ln.strip(" #*>\t") for ln in copy.strip().splitlines() if ln.strip()]
    headline = lines[0] if lines else ""
    return headline, copy.strip()[:OPENING_CHARS]


def _mentions(text: str, names: tuple[str, ...]) -> list[tuple[int, bool]]:
    """(offset, is a comparison) for every mention of any of `names` in `text`."""
    found: list[tuple[int, bool]] = []
    for name in {n for n in names if n.strip()}:
        pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.IGNORECASE)
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 30) : match.start()]
            after = text[match.end() : match.end() + 20]
            compared = bool(_COMPARISON_BEFORE.search(before) or _COMPARISON_AFTER.match(after))
            found.append((match.start(), compared))
    return found


def _first_own_mention(text: str, names: tuple[str, ...]) -> int | None:
    own = [at for at, compared in _mentions(text, names) if not compared]
    return min(own) if own else None


def _weigh(copy: str, names: tuple[str, ...]) -> tuple[float, int]:
    """(how often the copy names it as itself, how often in a comparison)."""
    found = _mentions(copy, names)
    return float(sum(not c for _, c in found)), sum(c for _, c in found)


def _self_name(headline: str, copy: str, offerings: Mapping[str, tuple[str, ...]]) -> str | None:
    """The name the headline gives the product, when it is none of the store's: a headline
    word the copy writes capitalised mid-sentence and never in lower case (a brand; not
    "Observability", which the body also writes in lower case), spelled as the body spells it,
    with the capitalised words after it that the copy repeats with it ("Keystone ID")."""
    known = {n.lower() for name, aliases in offerings.items() for n in (name, *aliases)}
    body = copy[len(headline) :] if copy.lstrip(" #").startswith(headline) else copy
    words = headline.split()
    for index, raw in enumerate(words):
        word = raw.strip("#*:()[],.!?\"'“”")
        if len(word) < 3 or not word[:1].isupper() or word.lower() in known:
            continue
        before = " ".join(words[:index])[-30:]
        after = " " + " ".join(words[index + 1 :])[:20]
        if _COMPARISON_BEFORE.search(before) or _COMPARISON_AFTER.match(after):
            continue
        common = zipf(word) >= 4.0 and not re.search(r"[a-z][A-Z]", word)
        if common:
            continue
        spelled = _brand_spelling(word, body)
        if spelled is None and len(words) <= 3 and index == 0 and zipf(word) < 2.5:
            spelled = word  # "# Memstash": a headline that is the product's name alone
        if spelled is None:
            continue
        name = spelled
        for extra in words[index + 1 : index + 3]:
            candidate = _brand_spelling(f"{name} {extra.strip('#*:()[],.!?')}", body, phrase=True)
            if candidate is None:
                break
            name = candidate
        return name
    return _subject_name(headline, known) or _repeated_lead(words, copy, known)


def _brand_spelling(word: str, body: str, phrase: bool = False) -> str | None:
    """How the body spells `word` when it is a brand: capitalised mid-sentence at least once,
    never in lower case, not an acronym; None otherwise."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE)
    spellings = [m.group(0) for m in pattern.finditer(body)]
    if not spellings or any(s[:1].islower() for s in spellings):
        return None
    mixed = [s for s in spellings if not s.isupper()]
    if not mixed:
        return None  # only ever in capitals: an acronym (SSO, API), or a shouted heading
    if phrase and len(spellings) < 2:
        return None
    return max(set(mixed), key=mixed.count)


_SUBJECT = re.compile(
    r"^((?:[A-Z][\w-]*)(?:\s+[A-Z][\w-]*){0,2})\s+(?:offers|is|provides|delivers|gives|lets|"
    r"helps|brings|keeps|turns|makes|combines|adds|replaces)\b"
)


def _subject_name(headline: str, known: set[str]) -> str | None:
    """ "Acme Widget offers ...": the capitalised words before a product verb."""
    match = _SUBJECT.match(headline.strip())
    if match is None:
        return None
    name = match.group(1)
    if name.lower() in known or name.split()[0] in ("The", "Our", "This", "It", "We", "Your"):
        return None
    return name


def _repeated_lead(words: list[str], copy: str, known: set[str]) -> str | None:
    """A name made of ordinary words ("Lumen Forms"): the headline's first capitalised words,
    when the copy repeats them capitalised at least three times."""
    for size in (2, 1):
        lead = [w.strip("#*:()[],.!?") for w in words[:size]]
        if len(lead) < size or not all(w[:1].isupper() and w[1:].islower() for w in lead):
            continue
        phrase = " ".join(lead)
        if phrase.lower() in known or len(phrase) < 4:
            continue
        if len(re.findall(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", copy)) >= 3:
            return phrase
    return None
