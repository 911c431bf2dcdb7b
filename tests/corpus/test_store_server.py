"""Server mode: the same store against a real `chroma run` on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import Settings
from app.corpus.ingest import ingest_paths
from app.corpus.store import CaseNoteStore
from app.errors import StoreUnavailableError
from app.retrieve import Retriever
from app.titles import TitleRegistry
from tests.conftest import copy_samples
from tests.servers import free_port, start_chroma, stop

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("chroma-server")
    process, url = start_chroma(base / "db", base / "chroma.log")
    yield url
    stop(process)


def test_ingest_search_and_delete_through_a_chroma_server(
    chroma_url: str, titles: TitleRegistry, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "unused", chroma_url=chroma_url, _env_file=None)  # type: ignore[call-arg]
    store = CaseNoteStore(settings)
    notes = copy_samples(tmp_path / "notes", 6)
    first = ingest_paths(notes, store, titles)
    again = ingest_paths(notes, CaseNoteStore(settings), titles)
    assert first.added == 6 and again.unchanged == 6 and again.chunks_written == 0
    assert not (tmp_path / "unused").exists(), "server mode must not create a local store"

    evidence = Retriever(store, titles).retrieve("automated matching of invoices", "CFO", k=2)
    assert evidence and all(e.note_id for e in evidence)
    removed = store.delete_note(evidence[0].note_id)
    assert removed >= 1 and CaseNoteStore(settings).count() == store.count()


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    settings = Settings(data_dir=tmp_path, chroma_url=url, _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(StoreUnavailableError, match="cannot open the case-note store"):
        CaseNoteStore(settings).count()
