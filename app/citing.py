"""How evidence may be shown in copy: customers named or described, facts rendered, and the
note sentences a claim rests on found, so a reader can check every claim."""

from __future__ import annotations

import re

from app.corpus.facts import CUSTOMER
from app.domain import Evidence, Fact
from app.redaction import redact
from app.scoring.names import confidential_patterns
from app.scoring.support import best_sentences, support_ratio
from app.scoring.words import zipf
from app.text import split_sentences


def describe_customer(sentence: str, evidence: Evidence) -> str:
    """A non-publishable customer's name (full, short, possessive) replaced by its
    description, so confidential names never reach the copy (the rule in app/redaction.py)."""
    if evidence.publishable or not evidence.customer_name:
        return sentence
    return redact(sentence, evidence.customer_name, evidence.customer)


def render_fact(template: str, customer: str) -> str:
    """A fact's text with its customer placeholder filled in (capitalised at the start)."""
    text = template.replace(CUSTOMER, customer)
    return upper_first(text) if template.startswith(CUSTOMER) else text


def fact_sentence(fact: Fact, evidence: Evidence, customer: str | None = None) -> str:
    """The fact as a sentence of copy: the customer as its subject, or "At <customer>, ..."."""
    label = customer or evidence.customer
    if CUSTOMER in fact.text:
        text = render_fact(fact.text, label)
    else:
        text = f"At {label}, {fact.clause}"
    return describe_customer(text, evidence)


def shown_source(fact: Fact, evidence: Evidence) -> str:
    """The note's own sentence behind a fact, as a reader may see it (names described)."""
    return shown(fact.source, evidence)


def shown(sentence: str, evidence: Evidence) -> str:
    """A note's sentence as a reader may see it: a confidential name becomes its description,
    or "the customer's" where the note uses it as a possessive."""
    if evidence.publishable or not evidence.customer_name:
        return sentence
    for pattern in confidential_patterns(evidence.customer_name):

        def swap(match: re.Match[str]) -> str:
            if match.group(0).endswith(("'s", "’s")):
                return "the customer's" if match.start() else "The customer's"
            return evidence.customer if match.start() else upper_first(evidence.customer)

        sentence = pattern.sub(swap, sentence)
    return sentence


def note_sentences(evidence: Evidence) -> list[str]:
    """What a reader can check a claim against: the facts' source sentences, then the passage."""
    found = [shown_source(f, evidence) for f in evidence.facts]
    for sentence in split_sentences(evidence.text):
        text = shown(sentence, evidence)
        if text not in found:
            found.append(text)
    return found


def support(claim: str, evidence: Evidence) -> tuple[float, list[str]]:
    """How well one note supports a claim (0..1), and the note sentences it rests on."""
    sentences = note_sentences(evidence)
    # The customer's description is how copy names it, not what the note must say.
    claim = _without(claim, [evidence.customer, evidence.customer_name])
    chosen = best_sentences(claim, sentences, set())
    return support_ratio(claim, chosen, set()), chosen


def _without(text: str, names: list[str]) -> str:
    for name in sorted((n for n in names if n), key=len, reverse=True):
        text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    return text


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """Lower-case an ordinary first word ("Teams" -> "teams"), never a name or an acronym."""
    first = text.split()[0] if text.split() else ""
    if len(first) > 1 and first[0].isupper() and first[1:].islower() and zipf(first) >= 4.0:
        return text[0].lower() + text[1:]
    return text
