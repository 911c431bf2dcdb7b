"""Chunking: <= N words, whole sentences, the headline outcome leads every chunk."""

from __future__ import annotations

import datetime as dt

from app.corpus.chunking import chunk_note, note_hash
from app.domain import CaseNote
from app.text import word_count


def make_note(body: str, **overrides: object) -> CaseNote:
    fields: dict[str, object] = {
        "id": "PS-1",
        "customer": "Acme",
        "industry": "retail",
        "offering": "LedgerFlow",
        "titles": ["CFO"],
        "date": dt.date(2025, 1, 1),
        "consultant": "Kim",
        "body": body,
    }
    fields.update(overrides)
    return CaseNote.model_validate(fields)


def test_short_note_is_one_chunk_with_stable_id() -> None:
    chunks = chunk_note(make_note("The team automated matching. Exceptions fell 60% in a quarter."))
    assert [c.id for c in chunks] == ["PS-1#0"]
    assert chunks[0].text.startswith("Exceptions fell 60% in a quarter.")


def test_note_of_one_outcome_sentence_is_one_chunk() -> None:
    chunks = chunk_note(make_note("Month-end close fell from 11 days to 5 after automation."))
    assert [c.text for c in chunks] == ["Month-end close fell from 11 days to 5 after automation."]


def test_long_note_splits_on_sentences_under_the_word_limit() -> None:
    filler = " ".join(
        f"Sentence {i} describes how the controller worked that week." for i in range(60)
    )
    body = "Month-end close went from 9 days to 4. " + filler
    chunks = chunk_note(make_note(body), max_words=50)
    assert len(chunks) > 5
    for chunk in chunks:
        assert word_count(chunk.text) <= 50
        assert chunk.text.startswith("Month-end close went from 9 days to 4.")
        assert chunk.text.endswith(".")
    assert [c.chunk_no for c in chunks] == list(range(len(chunks)))


def test_every_sentence_survives_chunking() -> None:
    sentences = [f"Step {i} cut rework by {i}%." for i in range(40)]
    chunks = chunk_note(make_note(" ".join(sentences)), max_words=30)
    joined = " ".join(c.text for c in chunks)
    assert all(s in joined for s in sentences)


def test_a_sentence_longer_than_the_limit_is_cut_by_words() -> None:
    chunks = chunk_note(make_note(" ".join(["word"] * 450)), max_words=200)
    assert [word_count(c.text) for c in chunks] == [200, 200, 50]


def test_note_hash_changes_with_content_and_chunk_size() -> None:
    note = make_note("Exceptions fell 60%.")
    assert note_hash(note, 200) == note_hash(make_note("Exceptions fell 60%."), 200)
    assert note_hash(note, 200) != note_hash(make_note("Exceptions fell 61%."), 200)
    assert note_hash(note, 200) != note_hash(note, 100)
