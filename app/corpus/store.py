"""The case-note vector store: chromadb embedded (PersistentClient) or a Chroma server.

Chunk ids are `<note id>#<chunk no>`; every chunk carries its note's content hash, so
re-ingesting an unchanged note writes nothing and a changed note replaces all its chunks.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from app.config import Settings
from app.corpus.chunking import chunk_note
from app.corpus.embedder import minilm_function
from app.domain import CaseNote, Chunk
from app.errors import NotFoundError, StoreUnavailableError
from app.titles import TitleRegistry

NOTE_BATCH = 64


def make_client(settings: Settings) -> Any:
    """An embedded client under the data dir, or an HTTP client when PRIMED_CHROMA_URL is set."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises bare ValueError/ConnectionError variants
        where = settings.chroma_url or settings.chroma_path
        raise StoreUnavailableError(f"cannot open the case-note store at {where}: {exc}") from exc


@dataclass(frozen=True)
class Offering:
    """An offering the store holds notes about, and the other names its notes give it."""

    name: str
    aliases: tuple[str, ...]
    notes: int


@dataclass(frozen=True)
class StoredChunk:
    """One chunk as the store holds it: id, text and its note's metadata."""

    id: str
    text: str
    meta: dict[str, Any]


@dataclass(frozen=True)
class Hit:
    """A chunk a query found: the chunk, its cosine similarity to the query and its vector."""

    chunk: StoredChunk
    similarity: float
    vector: np.ndarray


@dataclass
class IngestStats:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    chunks_written: int = 0


def chunk_metadata(
    note: CaseNote, chunk: Chunk, title_ids: list[str], source: str
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "note_id": note.id,
        "chunk_no": chunk.chunk_no,
        "customer": note.customer,
        "customer_description": note.customer_description or "",
        "industry": note.industry,
        "offering": note.offering,
        "offering_aliases": "|".join(note.offering_aliases),
        "titles": ",".join(title_ids),
        "date": note.date.isoformat(),
        "consultant": note.consultant,
        "publishable": note.publishable,
        "content_hash": chunk.content_hash,
        "outcome": chunk.outcome or "",
        "facts": json.dumps([f.model_dump() for f in chunk.facts], ensure_ascii=False),
        "source": source,
    }
    # One boolean per title keeps the title filter a plain equality in every chromadb version.
    meta.update({f"title_{title_id}": True for title_id in title_ids})
    return meta


class CaseNoteStore:
    def __init__(
        self, settings: Settings, client: Any | None = None, release_memory: bool = False
    ) -> None:
        self.settings = settings
        self._client = client
        self._collection: Any = None
        self._lock = threading.Lock()
        self._offerings: tuple[int, dict[str, Offering]] | None = None
        # release_memory: a long-lived server's store gives onnxruntime's arena memory back after
        # large embedding runs (see MiniLMModel.embed); a CLI run has no need to.
        self.embedding_function = minilm_function(
            settings.embed_batch_size, release_memory, settings.embed_threads
        )

    @property
    def client(self) -> Any:
        with self._lock:  # batch workers may ask first at the same moment
            if self._client is None:
                self._client = make_client(self.settings)
            return self._client

    @property
    def collection(self) -> Any:
        if self._collection is not None:
            return self._collection
        client = self.client
        with self._lock:
            if self._collection is not None:
                return self._collection
            try:
                self._collection = client.get_or_create_collection(
                    name=self.settings.collection,
                    embedding_function=self.embedding_function,
                    configuration={"hnsw": {"space": "cosine"}},
                )
            except StoreUnavailableError:
                raise
            except Exception as exc:
                raise StoreUnavailableError(f"cannot open collection: {exc}") from exc
        return self._collection

    def count(self) -> int:
        return int(self.collection.count())

    def ingest(
        self,
        notes: Sequence[tuple[CaseNote, str]],
        titles: TitleRegistry,
        on_progress: Callable[[int], None] | None = None,
    ) -> IngestStats:
        """Add new notes, replace changed ones, skip unchanged ones. Idempotent."""
        stats = IngestStats()
        for start in range(0, len(notes), NOTE_BATCH):
            batch = notes[start : start + NOTE_BATCH]
            existing = self._existing_hashes([note.id for note, _ in batch])
            ids: list[str] = []
            documents: list[str] = []
            metadatas: list[dict[str, Any]] = []
            stale: list[str] = []
            for note, source in batch:
                chunks = chunk_note(note, self.settings.chunk_words)
                title_ids = sorted({titles.get(t).id for t in note.titles})
                before = existing.get(note.id)
                if before == (chunks[0].content_hash, len(chunks)):
                    stats.unchanged += 1
                    continue
                if before is None:
                    stats.added += 1
                else:
                    stats.updated += 1
                    stale.append(note.id)
                for chunk in chunks:
                    ids.append(chunk.id)
                    documents.append(chunk.text)
                    metadatas.append(chunk_metadata(note, chunk, title_ids, source))
            if stale:
                self.collection.delete(where={"note_id": {"$in": stale}})
            if ids:
                self.collection.upsert(ids=ids, documents=documents, metadatas=metadatas)
                stats.chunks_written += len(ids)
                self._offerings = None
            if on_progress:
                on_progress(len(batch))
        return stats

    def _existing_hashes(self, note_ids: list[str]) -> dict[str, tuple[str, int]]:
        found = self.collection.get(where={"note_id": {"$in": note_ids}}, include=["metadatas"])
        hashes: dict[str, set[str]] = {}
        counts: dict[str, int] = {}
        for meta in found["metadatas"] or []:
            note_id = str(meta["note_id"])
            hashes.setdefault(note_id, set()).add(str(meta["content_hash"]))
            counts[note_id] = counts.get(note_id, 0) + 1
        # A note whose chunks disagree on the hash (an interrupted write) counts as changed.
        return {
            nid: (next(iter(h)), counts[nid]) if len(h) == 1 else ("mixed", -1)
            for nid, h in hashes.items()
        }

    def offerings(self) -> dict[str, Offering]:
        """Offerings with notes in the store, by name (remembered until the store changes)."""
        count = self.count()
        cached = self._offerings
        if cached is not None and cached[0] == count:
            return cached[1]
        names: dict[str, set[str]] = {}
        notes: dict[str, int] = {}
        for meta in self.note_metadata():
            name = str(meta.get("offering", ""))
            if not name:
                continue
            aliases = str(meta.get("offering_aliases", "") or "")
            names.setdefault(name, set()).update(a for a in aliases.split("|") if a)
            notes[name] = notes.get(name, 0) + 1
        offerings = {
            name: Offering(name, tuple(sorted(aliases)), notes[name])
            for name, aliases in names.items()
        }
        self._offerings = (count, offerings)
        return offerings

    def note_metadata(self) -> list[dict[str, Any]]:
        """One metadata record per note (its first chunk's)."""
        found = self.collection.get(where={"chunk_no": 0}, include=["metadatas"])
        return [dict(meta) for meta in found["metadatas"] or []]

    def chunks_of(self, offering: str) -> list[StoredChunk]:
        """Every chunk of every note about `offering`, in note and chunk order."""
        found = self.collection.get(
            where={"offering": offering}, include=["documents", "metadatas"]
        )
        chunks = [
            StoredChunk(chunk_id, str(text or ""), dict(meta or {}))
            for chunk_id, text, meta in zip(
                found["ids"], found["documents"] or [], found["metadatas"] or [], strict=True
            )
        ]
        return sorted(chunks, key=lambda c: (str(c.meta.get("note_id")), c.meta.get("chunk_no", 0)))

    def delete_note(self, note_id: str) -> int:
        """Remove every chunk of a note; NotFoundError if the store has none."""
        found = self.collection.get(where={"note_id": note_id}, include=[])
        if not found["ids"]:
            raise NotFoundError(f"no case note with id '{note_id}' in the store")
        self.collection.delete(ids=found["ids"])
        self._offerings = None
        return len(found["ids"])

    def query(self, text: str, where: dict[str, Any] | None, n: int) -> list[Hit]:
        """The nearest chunks to `text`, nearest first."""
        return self.query_many([text], where, n)[0]

    def query_many(self, texts: list[str], where: dict[str, Any] | None, n: int) -> list[list[Hit]]:
        """One embedding batch and one chromadb call for several queries: per query, the
        nearest chunks (chromadb's result shapes stay in here)."""
        embeddings = self.embedding_function.embed_query(texts)
        result: dict[str, Any] = self.collection.query(
            query_embeddings=embeddings,
            n_results=n,
            where=where,
            include=["documents", "metadatas", "distances", "embeddings"],
        )
        return [
            [
                Hit(
                    StoredChunk(chunk_id, str(text or ""), dict(meta or {})),
                    1.0 - float(distance),
                    np.asarray(vector, dtype=np.float32),
                )
                for chunk_id, text, meta, distance, vector in zip(
                    ids, docs, metas, distances, vectors, strict=True
                )
            ]
            for ids, docs, metas, distances, vectors in zip(
                result["ids"],
                result["documents"],
                result["metadatas"],
                result["distances"],
                result["embeddings"],
                strict=True,
            )
        ]
