"""Shared fixtures: isolated settings per test, and one real store ingested with the samples."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app.config import PROJECT_ROOT, Settings, get_settings
from app.corpus.ingest import ingest_paths
from app.corpus.store import CaseNoteStore
from app.retrieve import Retriever
from app.titles import TitleRegistry

if TYPE_CHECKING:
    from tests.servers import RayHead

SAMPLES = PROJECT_ROOT / "corpora" / "samples"
CASE_NOTES = SAMPLES / "case_notes"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test gets its own data dir and no PRIMED_/OPENAI_ variables from the caller."""
    for key in list(os.environ):
        if key.startswith(("PRIMED_", "OPENAI_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PRIMED_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def titles() -> TitleRegistry:
    return TitleRegistry.from_dir(PROJECT_ROOT / "corpora" / "titles")


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory, titles: TitleRegistry) -> CaseNoteStore:
    """A real embedded chromadb store holding the whole sample corpus (built once per run)."""
    data_dir = tmp_path_factory.mktemp("sample-store")
    store = CaseNoteStore(Settings(data_dir=data_dir, _env_file=None))  # type: ignore[call-arg]
    summary = ingest_paths([CASE_NOTES], store, titles)
    assert summary.ok, summary.errors
    return store


@pytest.fixture(scope="session")
def sample_retriever(sample_store: CaseNoteStore, titles: TitleRegistry) -> Retriever:
    return Retriever(sample_store, titles)


@dataclass(frozen=True)
class LlamaServer:
    url: str
    log: Path

    def completions(self) -> int:
        """Chat completions the server has answered (uvicorn's access log lines)."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text.count('"POST /v1/chat/completions HTTP/1.1" 200')


@pytest.fixture(scope="session")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """One llama.cpp server (SmolLM2-135M) for every test that needs an LLM on the wire."""
    from tests.servers import start_llama, stop

    log = tmp_path_factory.mktemp("llama") / "server.log"
    process, url = start_llama(log)
    yield LlamaServer(url, log)
    stop(process)


@pytest.fixture(scope="session")
def llama_url(llama: LlamaServer) -> str:
    return llama.url


@pytest.fixture(scope="module")
def ray_head() -> Iterator[RayHead]:
    """A local Ray head (127.0.0.1, 2 CPUs, no dashboard, no usage stats) per test module that
    needs one, stopped with its whole process group after it (an idle head holds ~0.7 GB)."""
    from tests.servers import start_ray_head, stop_ray_head

    head = start_ray_head(cpus=2)
    yield head
    stop_ray_head(head)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]


def copy_samples(target: Path, count: int | None = None) -> list[Path]:
    """Copy some Markdown sample notes into `target` (tests edit copies, never the originals)."""
    target.mkdir(parents=True, exist_ok=True)
    files = sorted(CASE_NOTES.glob("*.md"))[:count]
    return [Path(shutil.copy(f, target / f.name)) for f in files]
