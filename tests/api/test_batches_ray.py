"""/v1/batches with PRIMED_RAY_ADDRESS: jobs run on a real local Ray head, same outputs."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.corpus.store import CaseNoteStore
from tests.api.conftest import RW, api_settings, auth
from tests.api.test_batches import DATASHEETS, wait_done
from tests.servers import RayHead

pytestmark = [pytest.mark.server, pytest.mark.slow]


def run_job(
    data_dir: Path, documents: list[dict[str, str]], **settings: object
) -> dict[str, bytes]:
    """Every output file of one batch job (from its zip) on an app with these settings."""
    app = create_app(api_settings(data_dir, **settings))
    with TestClient(app, raise_server_exceptions=False) as client:
        created = client.post(
            "/v1/batches", headers=auth(RW), json={"documents": documents, "titles": ["CFO"]}
        )
        assert created.status_code == 202, created.text
        status = wait_done(client, created.json()["id"], timeout=300)
        assert (status["status"], status["done"], status["failed"]) == ("done", 3, 0), status
        archive = client.get(
            f"/v1/batches/{status['id']}/results", headers=auth(RW), params={"format": "zip"}
        )
    entries = zipfile.ZipFile(io.BytesIO(archive.content))
    return {name: entries.read(name) for name in sorted(entries.namelist())}


def test_batch_jobs_run_on_the_ray_cluster_named_by_ray_address_with_the_same_outputs(
    ray_head: RayHead, sample_store: CaseNoteStore
) -> None:
    sheets = sorted(DATASHEETS.iterdir())[:3]
    documents = [{"name": p.name, "content": p.read_text()} for p in sheets]
    data_dir = sample_store.settings.data_dir
    before = len(ray_head.actor_logs("UnitWorker"))

    local = run_job(data_dir, documents)
    on_ray = run_job(data_dir, documents, ray_address=ray_head.address, api_batch_workers=2)

    assert len(ray_head.actor_logs("UnitWorker")) - before == 2  # one actor per batch worker
    assert len(local) == 6 and on_ray == local  # .md and .json per document, byte for byte
