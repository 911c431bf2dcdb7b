"""Split a case note into chunks of <= N words, whole sentences, outcome first.

The embedder never sees text past ~256 tokens, so a chunk holds at most `max_words` words
(200 by default). Sentences are never cut unless one alone exceeds the limit. Every chunk
leads with the note's strongest outcome fact (app/corpus/facts.py), so whichever chunk
retrieval finds, the result the customer measured comes with it.
"""

from __future__ import annotations

import hashlib
import json

from app.corpus.facts import extract_facts
from app.corpus.segments import sentences as note_sentences
from app.domain import CaseNote, Chunk
from app.safety import instruction_like
from app.text import split_words, word_count

CHUNKER_VERSION = "9"  # 2: segments and outcome facts; 3-9: fact rules revised (9: outages)


def note_hash(note: CaseNote, max_words: int) -> str:
    """Changes whenever the note, the chunker or its settings change; drives re-ingest."""
    payload = json.dumps(
        {"note": note.model_dump(mode="json"), "chunker": CHUNKER_VERSION, "words": max_words},
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def chunk_note(note: CaseNote, max_words: int = 200) -> list[Chunk]:
    sentences: list[str] = []
    for segment in note_sentences(note.body):
        if instruction_like(segment.text, note=True):
            continue  # text addressed to a model is not part of the note's story
        # Bullets and pull quotes rarely end with a full stop; as passage text they must.
        sentence = segment.text if segment.text.endswith((".", "!", "?")) else segment.text + "."
        if word_count(sentence) > max_words:
            sentences.extend(split_words(sentence, max_words))
        else:
            sentences.append(sentence)
    facts = extract_facts(note)
    outcome = _as_sentence(facts[0].source) if facts else None
    lead = outcome if outcome in sentences and word_count(outcome) <= max_words // 2 else None

    groups: list[list[str]] = []
    current: list[str] = [lead] if lead else []
    for sentence in sentences:
        if sentence == lead and lead in current:
            continue
        if current and word_count(" ".join([*current, sentence])) > max_words:
            groups.append(current)
            current = [lead] if lead else []
        current.append(sentence)
    if current and (current != [lead] or not groups):
        groups.append(current)  # a note that is one outcome sentence is one chunk of it

    digest = note_hash(note, max_words)
    return [
        Chunk(
            id=f"{note.id}#{number}",
            note_id=note.id,
            chunk_no=number,
            text=" ".join(group),
            outcome=outcome,
            facts=facts,
            content_hash=digest,
        )
        for number, group in enumerate(groups)
    ]


def _as_sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."
