"""Outcome facts: the measured results a case note states, normalised so copy can reuse them.

A fact is one sentence of the note (prose, bullet or pull quote) that states a measured change
for the note's own customer: a number (digits or words; not a year, a version or a size) with
a change ("fell from 9 days to 4", "60% lower", "5x faster"). First person becomes the customer
("We cut our bill by 60%" -> "{customer} cut its bill by 60%"), the customer's name becomes a
placeholder (so a confidential name is never stored in a fact), quotes are dropped, and the
casing of names is kept. Never extracted: questions, hedged or projected numbers, instruction-like
text, statistics of third parties, the vendor's own boilerplate, and results of other companies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.corpus.segments import Segment, sentences
from app.domain import CaseNote, Fact
from app.safety import instruction_like
from app.scoring.names import LEADING, NAME, confidential_patterns
from app.scoring.words import zipf
from app.text import word_count

CUSTOMER = "{customer}"
MAX_FACT_WORDS = 40
MAX_FACTS = 12
MIN_SCORE = 4  # a number and a change: "fell from 9 days to 4", "60% lower", "5x faster"

_YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-4]\d)(?:s|-\d{2,4})?\b|\bFY\s?\d{2,4}\b|\bQ[1-4]\b")
_VERSION = re.compile(
    r"\b(?:v|version\s+|release\s+)\d+(?:\.\d+){0,3}(?:\.x)?\b|\b\d+\.\d+\.\d+(?:\.\d+)?\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_NUMBER_WORD = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundred|half|halved|doubled|tripled|"
    r"one[- ]third|two[- ]thirds|one[- ]quarter|three[- ]quarters)\b",
    re.IGNORECASE,
)
_VAGUE = re.compile(
    r"\b(?:tens|hundreds|thousands|millions|dozens) of\b|\b\w+ figures\b", re.IGNORECASE
)
# The state before the change, not the change ("Before the project, each depot emailed...").
_SETBACK = re.compile(
    r"\b(?:over budget|more than (?:budgeted|planned|expected)|than (?:budgeted|planned)|"
    r"behind schedule|over plan|overran|overrun|delayed|slipped|went wrong|false alarms?)\b",
    re.IGNORECASE,
)
# An outage is no result: "the warehouse system was down 12 hours", "Site down 3 of 5 days".
# Only a system as the sentence's subject: "Rollout time per site down 3 days" and "Setup per
# server down 2 hours" are durations that fell, and "down 4 hours less" is fewer outages.
_LEAD_IN = r"^(?:(?:last|this|in|during)\s+\w+,?\s+)?(?:the\s+|our\s+|its\s+|their\s+)?"
_OUTAGE = re.compile(
    _LEAD_IN + r"(?:(?!(?:per|at|from|time|times)\b)[\w-]+\s+){0,2}?"
    r"(?:site|website|system|checkout|platform|app|application|service|api|server|network|"
    r"portal|payments?|database|cluster|line|plant|store|shop|warehouse|erp|crm|wms|pos)s?\s+"
    r"(?:(?:was|were|is|are|went|has been|have been|had been|been)\s+)?down\s+(?:for\s+)?"
    r"(?:about\s+|roughly\s+|nearly\s+|almost\s+|over\s+|more than\s+)?"
    r"(?:twice|(?:\d[\d.,]*|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s*"
    r"(?:of\s+\S+\s+)?(?:hours?|hrs?|h|minutes?|mins?|days?|weeks?|nights?|shifts?|times))\b"
    r"(?!\s+(?:less|fewer|shorter))",
    re.IGNORECASE,
)
# What is bad when it grows, as the subject, growing: "Downtime went up 20%", "Support
# escalations rose 35%". Not "Error-free orders", "Mean time between failures", "Days without
# incidents", "Incidents resolved within SLA": the bad word must be the subject's last word,
# right before the verb.
_WORSENED = re.compile(
    _LEAD_IN + r"(?:(?!(?:between|without|free|zero|no)\b)[\w-]+\s+){0,3}?"
    r"(?:downtime|outages?|incidents?|errors?|error rates?|failures?|failure rates?|defects?|"
    r"churn|complaints?|escalations?|backlogs?|latency|delays?|write-offs?)\s+"
    r"(?:(?:have|has|had)\s+)?"
    r"(?:went up|rose|risen|increased|grew|doubled|tripled|spiked|jumped|climbed|"
    r"up\s+(?:by\s+)?(?:about\s+|roughly\s+|nearly\s+)?\d)",
    re.IGNORECASE,
)
_SIZE = re.compile(r"\b\d+(?:\.\d+)?-[a-z]+\b")  # "4-person queue", "a 40-node cluster"
# A cut-off chosen, not a result: "cut the list to the top 5% by score".
_SELECTION = re.compile(r"\b(?:top|bottom)\s+\d+(?:\.\d+)?\s?(?:%|percent\b|per cent\b)", re.I)
_BEFORE_STATE = re.compile(r"^(?:before|previously|until|back in|at the time)\b|\bused to\b", re.I)
_QTY = (
    r"(?:\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|half|one|a)\b)"
)
# An amount on its own ("up 12", "a third lower"): a bare "a" or "one" is no amount ("results
# roll up a level", "at a lower cost").
_AMOUNT = (
    r"(?:\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|half|"
    r"(?:a|one)[- ](?:third|quarter|half|fifth|tenth))\b)"
)
_STRONG = re.compile(
    rf"\bfrom\b[^.;]{{0,40}}?{_QTY}[^.;]{{0,40}}?\bto\b[^.;]{{0,30}}?{_QTY}|"
    rf"{_QTY}[^.;→]{{0,40}}?(?:→|->)[^.;]{{0,30}}?{_QTY}|"
    rf"\b(?:down|up)\s+(?:by\s+)?(?:about\s+|roughly\s+)?{_AMOUNT}|"
    rf"{_AMOUNT}[\w.,%$€£]*\s*(?:x|times|percent|per cent|%)?\s+(?:lower|faster|fewer|less|more|"
    r"higher|cheaper|smaller|quicker|better|shorter|reduction|drop|decrease|increase|"
    r"improvement|cut|fall|rise|saving|savings)\b|"
    r"\b(?:cut|cuts|fell|falls|dropped|drops|reduced|reduces|shrank|shrunk|"
    r"halved|doubled|tripled|rose|grew|increased|improved|saved|saves|eliminated|avoided|"
    r"recovered|lowered|decreased|declined|down from|up from|instead of|no longer|went from)\b",
    re.IGNORECASE,
)
# Verbs of change that, in these phrases, change nothing measurable.
_NOT_CHANGE = re.compile(
    r"\b(?:cut (?:over|a branch|a release|the ribbon|corners)|cutover|saved (?:searches|views)|"
    r"proof of concept)\b",
    re.IGNORECASE,
)
# A sentence that leans on the one before it cannot stand alone as a fact.
_DANGLING = re.compile(
    r"^(?:it|its|this|that|these|those|they|them|their|he|she|his|her|but|and|so|also|then|"
    r"there|here|which|still|even so|however|meanwhile|instead)\b",
    re.IGNORECASE,
)
# ... and so does one that points back inside: "values that at $2.4M", "Finance values the drop
# at $2.7M" (a drop *in* something names it).
_ANAPHOR = re.compile(
    r"\b(?:this|that|these|those)\s+(?:at|to|by|in|as|for|from|with|on|into|over)\b|"
    r"\bthe\s+(?:drop|change|saving|savings|reduction|improvement|difference|gain|increase|"
    r"decrease|fall|rise|cut|result|results)\b(?!\s+(?:in|of|from|on|for)\b|\s*:)",
    re.IGNORECASE,
)
# Case matters: "IT analysts" and "IT services" hold no pronoun.
_PRONOUN = re.compile(r"\b(?:[Ii]t|[Tt]hey|[Hh]e|[Ss]he|[Tt]hem)\b")
_LABEL_CHANGE = re.compile(
    r"^(?P<subject>[^:→]{3,80}?):\s+(?:from\s+)?(?P<before>[^:→]+?)\s*(?:→|->|\bto\b)\s*"
    r"(?P<after>[^:→]+)$"
)
_VERBLESS_FROM = re.compile(r"^(?P<subject>[^:]{3,80}?)\s+from\s+(?P<rest>.+)$")
_FROM_TO = re.compile(rf"[^.;]{{0,40}}?{_QTY}[^.;]{{0,40}}?\bto\b[^.;]{{0,30}}?{_QTY}")
_VERBISH = re.compile(
    r"\b(?:\w+ed|went|fell|rose|grew|cut|down|up|shrank|is|was|are|were|has|have|had|"
    r"takes|took|moved|came|saw|got)\b",
    re.IGNORECASE,
)
_WEAK = re.compile(
    r"\b(?:fewer|faster|less|lower|higher|more|quicker|cheaper|smaller|savings?|reduction|"
    r"increase|decrease|improvement|now)\b",
    re.IGNORECASE,
)
_UNIT = re.compile(
    r"%|\$|€|£|\b\d+(?:\.\d+)?\s?(?:x|ms|s|k|m)\b|\b(?:percent|per cent|days?|hours?|minutes?|"
    r"seconds?|weeks?|months?|times|points?|pts)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(?:estimates?|estimated|expects?|expected to|projected|projects|forecasts? to|"
    r"(?:could|would|might|may)\s+(?:\w+\s+)?(?:save|cut|reduce|lower|grow|increase|improve|"
    r"be|reach|see|get|deliver|mean|add|double|halve)|"
    r"hopes?|aims? to|plans? to|targets?|goal is|if the rest|if .{1,40} matches|"
    r"should|unvalidated|not confirmed|too early|too soon|potential(?:ly)?|up to|"
    r"puts? (?:\w+ ){1,6}at|reckons?|believes?|hasn't published|not published|guess)\b",
    re.IGNORECASE,
)
_THIRD_PARTY = re.compile(
    # A survey or study as the source of a figure ("a 2023 survey found", "studies show"), not
    # the customer's own survey ("Survey response went from 22% to 64%").
    r"\b(?:according to|(?:a|an|one|recent|new|latest)\s+(?:\w+\s+)?(?:survey|study)\b|"
    r"(?:surveys?|study|studies)\s+(?:by|from|of|found|finds|shows?|showed|says?|said|"
    r"suggests?|suggested|reports?|reported)\b|"
    r"analysts?\s+(?:say|says|said|estimate[sd]?|expect(?:s|ed)?|predict(?:s|ed)?|found|"
    r"believe[sd]?|report(?:s|ed)?)|industry|industry-wide|"
    r"benchmarks?|research(?:ers)? (?:shows?|found)|report(?:s|ed)? that|gartner|"
    r"forrester|idc|mckinsey)\b",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"\b(?:adopted by|trusted by|used by|customers? (?:like|such as)|companies use|teams use|"
    r"since (?:launching|its launch|launch)|founded in|headquartered|our customers|"
    r"is used by|millions of users)\b",
    re.IGNORECASE,
)
_QUOTED_PHRASE = re.compile(r"[\"“][^\"“”]{1,40}[\"”]")  # 'calls about "where is my parcel"'
_SINGULAR_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|me|my|mine|myself)\b")
_FIRST_PERSON = re.compile(r"\b(?:we|we're|we've|we'd|we'll|our|ours|us|ourselves)\b", re.I)


def measured_score(sentence: str) -> int:
    """How much a sentence reads like a measured outcome (0 = not at all; >= 3 = a result)."""
    masked = _VERSION.sub(" ", _YEAR.sub(" ", sentence))
    masked = _NOT_CHANGE.sub(" ", _VAGUE.sub(" ", _SIZE.sub(" ", _SELECTION.sub(" ", masked))))
    if not (_DIGIT.search(masked) or _NUMBER_WORD.search(masked)):
        return 0
    change = 3 if _STRONG.search(masked) else (1 if _WEAK.search(masked) else 0)
    return 1 + change + bool(_UNIT.search(masked))


@dataclass(frozen=True)
class NoteContext:
    """What fact extraction knows about the note besides the sentence."""

    customer: str
    offering: str
    aliases: tuple[str, ...]
    capitalised: frozenset[str]  # words the note capitalises mid-sentence: names
    lowercase: frozenset[str] = frozenset()  # words the note writes in lower case somewhere


def extract_facts(note: CaseNote) -> list[Fact]:
    """The note's outcome facts, strongest first (at most MAX_FACTS)."""
    found = sentences(note.body)
    context = NoteContext(
        customer=note.customer,
        offering=note.offering,
        aliases=tuple(note.offering_aliases),
        capitalised=_mid_sentence_capitals(found),
        lowercase=frozenset(re.findall(r"\b[a-z][a-z'’-]+\b", note.body)),
    )
    facts: list[Fact] = []
    for position, segment in enumerate(found):
        fact = fact_from(segment, position, context)
        if fact is not None and all(f.text != fact.text for f in facts):
            facts.append(fact)
    facts.sort(key=lambda f: (-f.score, f.position))
    return facts[:MAX_FACTS]


def fact_from(segment: Segment, position: int, context: NoteContext) -> Fact | None:
    source = segment.text.strip()
    prose = _as_prose(source) if segment.kind == "bullet" else source
    score = measured_score(prose)
    if score < MIN_SCORE or word_count(source) > MAX_FACT_WORDS or rejected(source, context):
        return None
    text = _normalise(prose, context)
    if text is None:
        return None
    return Fact(
        text=text,
        clause=_clause(text, context),
        source=source,
        kind="quote" if segment.kind == "quote" else segment.kind,
        score=score,
        position=position,
    )


def rejected(sentence: str, context: NoteContext) -> str | None:
    """Why a sentence can never be a fact of this customer (None = it may be)."""
    if sentence.rstrip().endswith("?"):
        return "a question"
    if _DANGLING.match(sentence.lstrip("\"“'‘( ")):
        return "leans on the sentence before it"
    if _PRONOUN.search(sentence):
        return "its subject is named in another sentence"
    if _ANAPHOR.search(sentence):
        return "leans on the sentence before it"
    if instruction_like(sentence, note=True):
        return "instruction-like text"
    if _setback(sentence):
        return "a setback, not a result"
    if _BEFORE_STATE.search(sentence):
        return "the state before the change"
    if _HEDGE.search(sentence):
        return "a hedged or projected number"
    if _THIRD_PARTY.search(sentence):
        return "a third party's statistic"
    if _BOILERPLATE.search(sentence):
        return "the vendor's own boilerplate"
    if _SINGULAR_FIRST_PERSON.search(_QUOTED_PHRASE.sub(" ", sentence)):
        return "one person's view"
    if _other_company_subject(sentence, context):
        return "another company's result"
    return None


def _setback(sentence: str) -> bool:
    """Over budget or late, an outage, or something bad that grew: true, but no result."""
    opening = sentence.lstrip("\"“'‘( ")
    return bool(_SETBACK.search(sentence) or _OUTAGE.match(opening) or _WORSENED.match(opening))


def _as_prose(sentence: str) -> str:
    """Bullet shorthand as a sentence: "Lead time: 7 days → 1.5 days" and "P99 latency from
    800 ms to 90 ms" become "... went from ... to ..."; anything else with a colon or an arrow
    is left for `rejected`-style checks in _normalise."""
    text = sentence.strip().rstrip(".")
    label = _LABEL_CHANGE.match(text)
    if label and re.search(r"\d|" + _QTY, label.group("before")):
        before = label.group("before").strip()
        after = label.group("after").strip()
        return f"{label.group('subject').strip()} went from {before} to {after}."
    verbless = _VERBLESS_FROM.match(text)
    if (
        verbless
        and not _VERBISH.search(verbless.group("subject"))
        and ":" not in text
        and _FROM_TO.match(verbless.group("rest"))  # "checks from five regions" is no change
    ):
        return f"{verbless.group('subject')} went from {verbless.group('rest')}."
    return sentence


def _other_company_subject(sentence: str, context: NoteContext) -> bool:
    """The sentence opens with a name that is not the customer's: another company's result
    ("Globex grew revenue 900%", "Netflix cut..."), the vendor's ("Chronolake compresses data
    10x") or a named person's (people are never named in copy). A capitalised ordinary word
    ("Storage fell...", "Rollback time went...") is no name: the note also writes it in lower
    case, or English knows it well."""
    opening = sentence.lstrip("\"“'‘( ")
    match = NAME.match(opening)
    if match is None:
        return False
    name = LEADING.sub("", match.group(0)).strip()  # "By March" -> "March"
    if not name:
        return False
    own = [context.customer, *context.customer.split()[:1]]
    if any(name.lower().startswith(o.lower()) for o in own if len(o) >= 3):
        return False
    if name.lower() in (context.offering.lower(), *(a.lower() for a in context.aliases)):
        return True
    words = name.split()
    if all(w.lower() in CALENDAR for w in words):
        return False
    if len(words) >= 2:
        return not all(w.lower() in context.lowercase for w in words)
    first = words[0]
    if first.lower() in context.lowercase:
        return False
    if first in context.capitalised:
        return True
    # "Netflix cut...", "Amazon saw...": a name acting; "Metrics spend down 72%": a noun phrase.
    after = opening[match.end() :].split()
    acting = bool(after) and _ACTED.match(after[0].strip(",.;:").lower()) is not None
    return (acting and zipf(first) < 4.9 and not _common_noun(first)) or zipf(first) < 1.5


# Nouns that results are about: "Downtime fell", "Revenue grew" are no company acting.
METRIC_NOUNS = frozenset(
    "storage downtime uptime revenue churn latency headcount throughput spend availability "
    "turnover attrition margin cost time traffic usage adoption productivity output demand "
    "inventory backlog retention engagement conversion pipeline volume capacity overtime "
    "scrap waste yield utilisation utilization shrink shrinkage accuracy quality".split()
)


def _common_noun(word: str) -> bool:
    """A metric noun, or the plural of a common one ("Exceptions" -> "exception")."""
    lowered = word.lower()
    if lowered in METRIC_NOUNS:
        return True
    return lowered.endswith("s") and max(zipf(lowered[:-1]), zipf(lowered[:-2])) >= 3.0


_ACTED = re.compile(
    r"^(?:\w+ed|has|have|had|is|was|were|are|saw|cut|grew|fell|rose|went|got|made|took|won|"
    r"lost|ran|built|brought|kept|says|said|reports?|claims?)$"
)


def _mid_sentence_capitals(found: list[Segment]) -> frozenset[str]:
    words: set[str] = set()
    for segment in found:
        for token in re.findall(r"(?<=\s)[A-Z][a-z]+(?:['’]s)?", segment.text):
            words.add(re.sub(r"['’]s$", "", token))
    return frozenset(words)


_AUX = {
    "were": "was",
    "are": "is",
    "have": "has",
    "do": "does",
    "don't": "doesn't",
    "haven't": "hasn't",
    "aren't": "isn't",
    "weren't": "wasn't",
}
_CONTRACTIONS = {"we've": "has", "we're": "is", "we'd": "had", "we'll": "will"}
# Present-tense verbs that follow "we" in results ("we now deploy..."): these take an -s after
# a singular subject. Any other word is left as written: most results are in the past tense,
# and a wrong "-s" ("rewrotes") is worse than none.
_PRESENT = frozenset(
    "deploy release ship run close process handle spend save see get use do serve support "
    "manage need take make keep pay reach catch find resolve detect fix answer onboard hire "
    "publish report review approve reconcile collect bill store query page alert recover "
    "restore patch update test build plan schedule forecast track monitor know spot send".split()
)
_ADVERBS = {"now", "also", "still", "then", "just", "already", "recently", "finally", "only"}


def _normalise(sentence: str, context: NoteContext) -> str | None:
    """Third person, customer as a placeholder, no quote marks (but a named phrase's), one
    final full stop."""
    text = _unquoted(sentence, context.customer)
    for pattern in confidential_patterns(context.customer):
        text = pattern.sub(
            lambda m: CUSTOMER + ("'s" if m.group(0).endswith(("'s", "’s")) else ""), text
        )
    text = _run_in_label(text)
    if re.search(r"[:→]|->", text):
        return None  # a label or a table row, not a sentence copy can reuse
    third = _third_person(text)
    if third is None or _FIRST_PERSON.search(third):
        return None
    third = third.rstrip(" ,;:")
    third = third if third.endswith((".", "!")) else third + "."
    return _upper_first(third)


# "Results: we cut exceptions by 60%": a generic run-in label before a sentence with its own
# verb (an arrow or a second colon make it a table row instead). Any other label may change
# what the sentence means ("Forecast:", "Other customers:", "Early data:"): say less.
_RUN_IN = re.compile(r"^(?P<label>[A-Za-z][\w '’&/-]{1,40}?):\s+(?P<rest>[^:→]+)$")
_GENERIC_LABELS = frozenset(
    {"result", "results", "the result", "the results", "outcome", "outcomes", "impact"}
)


def _run_in_label(text: str) -> str:
    """A sentence after a generic run-in label ("Results:"), without the label; anything else
    is left as it is (and a label then keeps it from being a fact)."""
    found = _RUN_IN.match(text)
    if found is None or "->" in text:
        return text
    label, rest = found.group("label").strip(), found.group("rest").strip()
    if label.lower() not in _GENERIC_LABELS or not _VERBISH.search(rest):
        return text
    return _upper_first(rest)


def _third_person(text: str) -> str | None:
    tokens = re.split(r"(\s+)", text)
    subject_named = False
    out: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        bare = token.strip(",.;:()")
        lowered = bare.lower().replace("’", "'")
        trail = token[len(token.rstrip(",.;:)")) :] if bare else ""
        if lowered in ("we", *_CONTRACTIONS):
            subject = "it" if subject_named else CUSTOMER
            subject_named = True
            if lowered in _CONTRACTIONS:
                out.append(f"{subject} {_CONTRACTIONS[lowered]}{trail}")
            else:
                out.append(subject + trail)
                verb_at = _next_word(tokens, index, skip=_ADVERBS)
                if verb_at is None:
                    return None
                tokens[verb_at] = _agree(tokens[verb_at])
            index += 1
            continue
        if lowered == "our":
            out.append(f"{CUSTOMER}'s" if not subject_named else "its")
            subject_named = True
        elif lowered == "us":
            out.append("the team" + trail)
        elif lowered == "ourselves":
            out.append("itself" + trail)
        elif lowered == "ours":
            return None
        else:
            out.append(token)
        index += 1
    return "".join(out)


def _next_word(tokens: list[str], index: int, skip: set[str]) -> int | None:
    for at in range(index + 1, len(tokens)):
        word = tokens[at].strip(",.;:()").lower()
        if not word or word.isspace():
            continue
        if word in skip:
            continue
        return at
    return None


def _agree(token: str) -> str:
    """A verb after a singular subject: were -> was, deploy -> deploys; past forms stay."""
    core = token.strip(",.;:()")
    lowered = core.lower().replace("’", "'")
    trail = token[len(core) :]
    if lowered in _AUX:
        return _AUX[lowered] + trail
    if lowered not in _PRESENT:
        return token
    if lowered.endswith(("s", "sh", "ch", "x", "z", "o")):
        return core + "es" + trail
    if lowered.endswith("y") and lowered[-2:-1] not in "aeiou":
        return core[:-1] + "ies" + trail
    return core + "s" + trail


def _clause(text: str, context: NoteContext) -> str:
    """The fact as it reads after "At <customer>, ": the first word lower-cased only when it is
    an ordinary word, never a name ("Jackson", "Kubernetes"), an acronym or a day."""
    first = text.split()[0] if text.split() else ""
    if first.startswith(CUSTOMER):
        return text
    core = first.strip(",.;:")
    bare = core.split("-")[0].lower()
    if bare in CALENDAR or not core[:1].isupper() or not core[1:].replace("-", "").islower():
        return text
    ordinary = bare in context.lowercase or (
        core not in context.capitalised and zipf(core.lower()) >= 1.5
    )
    return core[:1].lower() + text[1:] if ordinary else text


# A short quoted phrase inside a sentence names something ('"where is my parcel" calls'):
# without its quote marks the copy reads as nonsense. A pull quote's words end in punctuation
# inside the marks ('“We sleep at night now,” says ...'), so it never matches; nor does the gap
# between two quotes ('"fast lane" "express"') or an inch mark ('10" screens'): a word must
# follow the opening mark and precede the closing one.
_NAMED_PHRASE = re.compile(r"[\"“](?=\w)[^\"“”.,!?;:\d]{1,40}(?<=\w)[\"”]")


def _unquoted(sentence: str, customer: str) -> str:
    """The sentence without quote marks, except around a named phrase inside it. A phrase in
    the first person plural or with the customer's name loses its marks too: those words are
    rewritten next ("we" -> the customer, the name -> a placeholder), and words in quote marks
    must be the speaker's own."""
    kept: list[str] = []

    def hold(match: re.Match[str]) -> str:
        phrase = match.group(0)
        if _FIRST_PERSON.search(phrase) or any(
            p.search(phrase) for p in confidential_patterns(customer)
        ):
            return phrase
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    text = re.sub(r"[\"“”]", "", _NAMED_PHRASE.sub(hold, sentence)).strip()
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)


CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december christmas easter".split()
)


def _upper_first(text: str) -> str:
    first = text.split()[0] if text.split() else ""
    if text.startswith(CUSTOMER) or re.search(r"\d", first):
        return text  # "p99 latency...": a term with a digit keeps its case
    return text[:1].upper() + text[1:]


def plain_account(sentence: str) -> bool:
    """Does the sentence tell what happens at the customer? Not a question, a hedge or a
    projection, a third party's statistic, vendor boilerplate, the state before, or text
    addressed to a model (the kit shows such sentences as where a scenario is lived)."""
    text = sentence.strip()
    return not (
        text.endswith("?")
        or _HEDGE.search(text)
        or _THIRD_PARTY.search(text)
        or _BOILERPLATE.search(text)
        or _BEFORE_STATE.search(text)
        or _setback(text)
        or instruction_like(text, note=True)
    )
