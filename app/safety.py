"""Instruction-like text: words addressed to a model, planted in copy or case notes.

Case notes and copy are data. A sentence that tells a reader to ignore instructions, to say
something, or that carries chat-template markup is never a fact, never evidence text shown to
an LLM as-is, and never shipped in a rewrite.
"""

from __future__ import annotations

import re

_PATTERNS = (
    r"\b(?:ignore|disregard|forget)\b[^.]{0,40}\b(?:instructions?|prompts?|guidelines|"
    r"(?:the|all|these|those|your|previous|prior) rules|rules above|context|above|previous|"
    r"prior)\b",
    r"\boverride\b[^.]{0,20}\b(?:instructions?|prompts?|system prompt|safety)\b",
    r"\byou are now\b",
    r"\b(?:system|developer) (?:prompt|message|instructions?)\b",
    r"\byou are (?:now )?(?:an?|the) (?:ai|assistant|language model|model|chatbot)\b",
    r"\bas an ai\b",
    r"\b(?:new|updated|real) instructions?\b",
    r"\b(?:instead|now),? (?:say|write|claim|output)\b",
    r"<\|?/?(?:im_start|im_end|system|assistant|user|copy|evidence|s|inst)\|?>",
    r"\[/?INST\]",
)
_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE | re.MULTILINE)
# _INSTRUCTION is slow to search (IGNORECASE, and nearly every pattern opens with \b, so sre
# tries all ten at every position), and almost no text holds an instruction. Any match holds,
# lowercased, one of _CLUES or a match of _LOWER_ORDER (a pattern-by-pattern reading):
#   ignore/disregard/forget ... -> the verb      override ...          -> "override"
#   you are now, you are a(n)/the ... -> "you are "                     as an ai -> itself
#   system/developer prompt/message/instruction -> "system prompt", "system message",
#     "developer " or " instruction"             new/updated/real instruction(s) -> " instruction"
#   <|im_start|>, </s> ... (ends with ">")       -> ">"      [INST], [/INST] -> "inst]"
#   instead/now, say/write/claim/output          -> _LOWER_ORDER, which holds a _VERBS
# So a text whose lowercased form holds none has no match. Lowercasing is exact here because
# IGNORECASE lets an ASCII letter match only its two cases and _CASE_TWINS (İ and ı for i, ſ
# for s, the Kelvin sign for k); a text holding one of those skips the shortcut.
# tests/test_safety.py checks both facts.
_CLUES = (
    "ignore",
    "disregard",
    "forget",
    "override",
    "you are ",
    "as an ai",
    "system prompt",
    "system message",
    "developer ",
    " instruction",
    ">",
    "inst]",
)
_VERBS = (" say", " write", " claim", " output")  # cheap to look for; _LOWER_ORDER is not
_LOWER_ORDER = re.compile(r"(?:instead|now),? (?:say|write|claim|output)")
_CASE_TWINS = "\u0130\u0131\u017f\u212a"  # İ ı ſ K: not ASCII, yet IGNORECASE-equal to i, s, k
# A note's sentence that opens with an order to its reader; copy may open with an imperative
# ("Close the books in days"), so this applies to case notes only.
_ORDER = re.compile(
    r"^\W*(?:(?:say|tell)\b(?![-'’])|(?:respond|reply|answer) with\b|"
    r"(?:write|output|print|respond|reply|repeat|state|claim)\s+"
    r"(?:that|the following|this|exactly|only|:|[\"“])|pretend\b|act as\b|make sure (?:you|to)\b)",
    re.IGNORECASE,
)


def instruction_like(text: str, note: bool = False) -> bool:
    """Does the text read as an instruction to a model rather than a statement of fact?
    With `note`, a sentence that opens with an order ("Say that...") counts too."""
    return (_may_instruct(text) and _INSTRUCTION.search(text) is not None) or (
        note and _ORDER.search(text) is not None
    )


def instruction_spans(text: str) -> list[tuple[int, int]]:
    """Where instruction-like phrases sit in `text` (start, end)."""
    if not _may_instruct(text):
        return []
    return [(m.start(), m.end()) for m in _INSTRUCTION.finditer(text)]


def ascii_fold(text: str) -> str | None:
    """`text.lower()` when it can stand in for IGNORECASE matching of ASCII: wherever a
    pattern of ASCII characters matches `text` under IGNORECASE, the pattern lowercased is
    then a plain substring of the result. None when `text` holds one of _CASE_TWINS, which
    IGNORECASE takes for an ASCII letter and lower() does not turn into one."""
    if not text.isascii() and any(twin in text for twin in _CASE_TWINS):
        return None
    return text.lower()


def _may_instruct(text: str) -> bool:
    """False only when _INSTRUCTION cannot match `text` (see _CLUES)."""
    lowered = ascii_fold(text)
    if lowered is None:
        return True
    return any(clue in lowered for clue in _CLUES) or (
        any(verb in lowered for verb in _VERBS) and _LOWER_ORDER.search(lowered) is not None
    )
