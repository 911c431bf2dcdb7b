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
    return _INSTRUCTION.search(text) is not None or (note and _ORDER.search(text) is not None)


def instruction_spans(text: str) -> list[tuple[int, int]]:
    """Where instruction-like phrases sit in `text` (start, end)."""
    return [(m.start(), m.end()) for m in _INSTRUCTION.finditer(text)]
