"""The store on real chromadb: idempotent ingest, replace on change, delete, reopen."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Settings
from app.corpus.ingest import ingest_paths
from app.corpus.store import CaseNoteStore
from app.errors import NotFoundError
from app.titles import TitleRegistry
from tests.conftest import copy_samples


def all_chunks(store: CaseNoteStore) -> dict[str, dict[str, object]]:
    got = store.collection.get(include=["metadatas"])
    return dict(zip(got["ids"], got["metadatas"], strict=True))


def test_reingesting_the_same_notes_adds_nothing(
    settings: Settings, titles: TitleRegistry, tmp_path: Path
) -> None:
    notes = copy_samples(tmp_path / "notes", 8)
    store = CaseNoteStore(settings)
    first = ingest_paths(notes, store, titles)
    before = all_chunks(store)
    second = ingest_paths(notes, store, titles)
    assert first.added == 8 and first.chunks_written == len(before) >= 8
    assert second.unchanged == 8 and second.chunks_written == 0 and second.added == 0
    assert all_chunks(store) == before


def test_chunk_ids_are_note_id_and_chunk_number(
    settings: Settings, titles: TitleRegistry, tmp_path: Path
) -> None:
    store = CaseNoteStore(settings)
    ingest_paths(copy_samples(tmp_path / "notes", 3), store, titles)
    for chunk_id, meta in all_chunks(store).items():
        assert chunk_id == f"{meta['note_id']}#{meta['chunk_no']}"


def test_a_changed_note_replaces_all_its_old_chunks(
    settings: Settings, titles: TitleRegistry, tmp_path: Path
) -> None:
    path = copy_samples(tmp_path / "notes", 1)[0]
    store = CaseNoteStore(settings)
    ingest_paths([path], store, titles)
    head, body = path.read_text().split("\n---\n", 1)
    long_body = " ".join(f"Sentence {i} about the rollout cut rework by {i}%." for i in range(80))
    path.write_text(f"{head}\n---\n{long_body}\n")
    summary = ingest_paths([path], store, titles)
    chunks = all_chunks(store)
    assert summary.updated == 1 and len(chunks) > 2
    assert len({m["content_hash"] for m in chunks.values()}) == 1
    path.write_text(f"{head}\n---\n{body}")
    ingest_paths([path], store, titles)
    assert len(all_chunks(store)) < len(chunks)


def test_delete_removes_every_chunk_of_a_note(
    settings: Settings, titles: TitleRegistry, tmp_path: Path
) -> None:
    store = CaseNoteStore(settings)
    ingest_paths(copy_samples(tmp_path / "notes", 3), store, titles)
    note_id = str(next(iter(all_chunks(store).values()))["note_id"])
    assert store.delete_note(note_id) >= 1
    assert all(m["note_id"] != note_id for m in all_chunks(store).values())
    with pytest.raises(NotFoundError, match=note_id):
        store.delete_note(note_id)


def test_store_persists_across_clients(
    settings: Settings, titles: TitleRegistry, tmp_path: Path
) -> None:
    store = CaseNoteStore(settings)
    ingest_paths(copy_samples(tmp_path / "notes", 2), store, titles)
    count = store.count()
    reopened = CaseNoteStore(settings)
    assert reopened.count() == count > 0
    assert reopened.collection.configuration_json["embedding_function"]["name"] == (
        "primed-minilm-l6-v2-int8"
    )


def test_note_with_unknown_title_is_reported_and_others_ingest(
    settings: Settings, titles: TitleRegistry, tmp_path: Path
) -> None:
    good, bad = copy_samples(tmp_path / "notes", 2)
    text = bad.read_text()
    bad.write_text(text.replace("titles: [", "titles: [Chief Vibes Officer, ", 1))
    summary = ingest_paths([tmp_path / "notes"], CaseNoteStore(settings), titles)
    assert summary.notes == 1 and len(summary.errors) == 1
    assert bad.name in summary.errors[0] and "Chief Vibes Officer" in summary.errors[0]


def test_title_metadata_holds_canonical_ids(sample_store: CaseNoteStore) -> None:
    metas = list(all_chunks(sample_store).values())
    assert len({m["note_id"] for m in metas}) >= 60
    for meta in metas:
        ids = str(meta["titles"]).split(",")
        assert ids and all(meta[f"title_{t}"] is True for t in ids)


def test_first_use_from_many_threads_opens_one_store(
    settings: Settings, titles: TitleRegistry, tmp_path: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    ingest_paths(copy_samples(tmp_path / "notes", 2), CaseNoteStore(settings), titles)
    fresh = CaseNoteStore(settings)  # nothing opened yet: batch workers race to open it
    with ThreadPoolExecutor(max_workers=6) as pool:
        counts = list(pool.map(lambda _: fresh.count(), range(12)))
    assert len(set(counts)) == 1 and counts[0] > 0
