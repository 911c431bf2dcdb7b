"""API fixtures: keys for two tenants, settings, and TestClients over real stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.api.security import hash_key
from app.config import Settings
from app.corpus.store import CaseNoteStore

RW = "pk_test-read-write-key-0000000000000000000001"
RO = "pk_test-read-only-key-00000000000000000000002"
OTHER = "pk_test-other-tenant-key-000000000000000003"
KEYS = f"acme:rw:{hash_key(RW)},acme:ro:{hash_key(RO)},globex:rw:{hash_key(OTHER)}"


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def api_settings(data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": data_dir,
        "api_keys": KEYS,
        "api_rate_per_minute": 100_000,
        "api_rate_burst": 10_000,
        "_env_file": None,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def sample_client(sample_store: CaseNoteStore) -> Iterator[TestClient]:
    """The API over the session's sample store (read-only use: tests must not write notes)."""
    app = create_app(api_settings(sample_store.settings.data_dir))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def empty_client(tmp_path: Path) -> Iterator[TestClient]:
    """The API over a fresh, empty store of its own."""
    with TestClient(create_app(api_settings(tmp_path / "api-data"))) as client:
        yield client
