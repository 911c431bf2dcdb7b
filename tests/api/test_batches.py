"""/v1/batches: jobs with progress, results as JSON or zip, uploads, limits and cancel."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.api.jobs import JobStore, Upload
from app.api.main import create_app
from app.corpus.store import CaseNoteStore
from tests.api.conftest import RW, api_settings, auth
from tests.batch.files import write_docx, write_pdf
from tests.conftest import SAMPLES

DATASHEETS = SAMPLES / "datasheets"


def wait_done(client: TestClient, job: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/v1/batches/{job}", headers=auth(RW)).json()
        if status["status"] not in ("queued", "running"):
            return status  # type: ignore[no-any-return]
        time.sleep(0.2)
    raise AssertionError(f"job {job} did not finish in {timeout} s")


def test_json_batch_runs_every_document_for_every_title(sample_client: TestClient) -> None:
    documents = [
        {"name": "ledgerflow.md", "content": (DATASHEETS / "ledgerflow-platform.md").read_text()},
        {
            "name": "../keystone.html",
            "content": (DATASHEETS / "keystone-id-governance.html").read_text(),
        },
    ]
    created = sample_client.post(
        "/v1/batches",
        headers=auth(RW),
        json={"documents": documents, "titles": ["CFO", "ciso", "CFO"]},
    )
    assert created.status_code == 202, created.text
    job = created.json()
    assert job["units"] == 4 and job["titles"] == ["cfo", "ciso"]
    status = wait_done(sample_client, job["id"])
    assert (status["status"], status["done"], status["failed"], status["progress"]) == (
        "done",
        4,
        0,
        1.0,
    )

    results = sample_client.get(f"/v1/batches/{job['id']}/results", headers=auth(RW)).json()
    assert results["total"] == 4
    assert [(r["index"], r["title"]) for r in results["results"]] == [
        (0, "cfo"),
        (0, "ciso"),
        (1, "cfo"),
        (1, "ciso"),
    ]
    assert results["results"][2]["document"] == "../keystone.html"
    assert all(r["rewrite"]["claims"] for r in results["results"])
    page = sample_client.get(
        f"/v1/batches/{job['id']}/results", headers=auth(RW), params={"offset": 3, "limit": 5}
    ).json()
    assert [r["title"] for r in page["results"]] == ["ciso"]

    archive = sample_client.get(
        f"/v1/batches/{job['id']}/results", headers=auth(RW), params={"format": "zip"}
    )
    assert archive.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert sorted(names) == sorted(
        f"{stem}.{title}.{ext}"
        for stem in ("0000-ledgerflow.md", "0001-keystone.html")
        for title in ("cfo", "ciso")
        for ext in ("md", "json")
    )
    assert not any(".." in name or name.startswith("/") for name in names)


def test_uploaded_pdf_docx_and_a_bad_pdf_are_processed_and_reported(
    sample_client: TestClient, tmp_path: Path
) -> None:
    text = (DATASHEETS / "ledgerflow-platform.md").read_text()
    write_pdf(tmp_path / "a.pdf", text[:1500])
    write_docx(tmp_path / "b.docx", [p for p in text.split("\n\n") if p.strip()])
    files = [
        ("files", ("a.pdf", (tmp_path / "a.pdf").read_bytes(), "application/pdf")),
        ("files", ("b.docx", (tmp_path / "b.docx").read_bytes(), "application/octet-stream")),
        ("files", ("broken.pdf", b"%PDF-1.4\n1 0 obj <<< garbage", "application/pdf")),
    ]
    created = sample_client.post(
        "/v1/batches", headers=auth(RW), files=files, data={"titles": "CFO,COO"}
    )
    assert created.status_code == 202, created.text
    status = wait_done(sample_client, created.json()["id"])
    assert (status["done"], status["failed"]) == (6, 2)
    results = sample_client.get(f"/v1/batches/{status['id']}/results", headers=auth(RW)).json()[
        "results"
    ]
    failed = [r for r in results if r["status"] == "failed"]
    assert {r["document"] for r in failed} == {"broken.pdf"}
    assert all(r["error"] and "/" not in r["error"] for r in failed)  # no server paths leak
    assert all("broken.pdf" in r["error"] and "0000" not in r["error"] for r in failed), failed


def test_uploads_are_checked_before_a_job_starts(tmp_path: Path) -> None:
    settings = api_settings(
        tmp_path, api_max_documents=2, api_max_upload_bytes=1024, api_max_titles=2
    )
    copy = {"name": "a.md", "content": "LedgerFlow offers multi-entity consolidation for finance."}
    cases = [
        ({"json": {"documents": [copy] * 3, "titles": ["CFO"]}}, 422, "documents"),
        ({"json": {"documents": [copy], "titles": ["CFO", "CIO", "COO"]}}, 422, "titles"),
        ({"json": {"documents": [copy], "titles": ["Chief Vibes"]}}, 422, "titles.0"),
        (
            {"json": {"documents": [{**copy, "name": "a.pdf"}], "titles": ["CFO"]}},
            422,
            "documents.0",
        ),
        ({"json": {"documents": [copy], "titles": []}}, 422, "titles"),
        (
            {
                "files": [("files", ("big.md", b"x " * 1000, "text/markdown"))],
                "data": {"titles": "CFO"},
            },
            413,
            None,
        ),
        (
            {
                "files": [("files", ("a.exe", b"MZ", "application/octet-stream"))],
                "data": {"titles": "CFO"},
            },
            422,
            "files.0",
        ),
        (
            {"files": [("files", ("a.md", b"   ", "text/markdown"))], "data": {"titles": "CFO"}},
            422,
            "files.0",
        ),
        (
            {
                "files": [("files", ("a.md", b"words here", "text/markdown"))],
                "data": {"engine": "gpt"},
            },
            422,
            "engine",
        ),
    ]
    with TestClient(create_app(settings)) as client:
        for kwargs, status, field in cases:
            response = client.post("/v1/batches", headers=auth(RW), **kwargs)  # type: ignore[arg-type]
            assert response.status_code == status, (kwargs, response.text)
            if field:
                assert field in {d["field"] for d in response.json()["error"]["details"]}, (
                    response.text
                )
        assert not list((tmp_path / "jobs").glob("*/in"))  # nothing was stored


def test_a_multipart_titles_list_with_a_null_names_the_item_not_a_title_none(
    sample_client: TestClient,
) -> None:
    response = sample_client.post(
        "/v1/batches",
        headers=auth(RW),
        files=[("files", ("a.md", b"LedgerFlow offers consolidation.", "text/markdown"))],
        data={"titles": '["CFO", null]'},
    )
    assert response.status_code == 422, response.text
    [detail] = response.json()["error"]["details"]
    assert detail["field"] == "titles.1" and "null, not text" in detail["message"], detail
    assert "None" not in response.text


def test_cancel_stops_a_job_and_keeps_what_finished(sample_store: CaseNoteStore) -> None:
    text = (DATASHEETS / "ledgerflow-platform.md").read_text()
    documents = [{"name": f"d{i}.md", "content": text} for i in range(30)]
    with TestClient(create_app(api_settings(sample_store.settings.data_dir))) as client:
        job = client.post(
            "/v1/batches", headers=auth(RW), json={"documents": documents, "titles": ["CFO"]}
        ).json()
        cancelled = client.delete(f"/v1/batches/{job['id']}", headers=auth(RW))
        assert cancelled.status_code == 202
        status = wait_done(client, job["id"])
        assert status["status"] == "cancelled" and status["done"] < 30
        results = client.get(f"/v1/batches/{job['id']}/results", headers=auth(RW)).json()
        assert results["total"] == status["done"]
        again = client.delete(f"/v1/batches/{job['id']}", headers=auth(RW))
        assert again.status_code == 409


def test_unknown_job_is_404(sample_client: TestClient) -> None:
    response = sample_client.get("/v1/batches/nope", headers=auth(RW))
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_a_batch_on_an_empty_store_is_refused_up_front(empty_client: TestClient) -> None:
    body = {
        "documents": [{"name": "a.md", "content": "LedgerFlow offers consolidation."}],
        "titles": ["CFO"],
    }
    response = empty_client.post("/v1/batches", headers=auth(RW), json=body)
    assert response.status_code == 409 and response.json()["error"]["code"] == "empty_store"


def test_a_job_cancelled_as_it_leaves_the_queue_never_starts(tmp_path: Path) -> None:
    jobs = JobStore(tmp_path)
    job = jobs.create("cms", "grounded", ["cfo"], [Upload("a.md", ".md", b"LedgerFlow copy.")])
    jobs.request_cancel(job)  # the DELETE lands between the runner's read and its start
    assert not jobs.start(job)
    record = jobs.get(job)
    assert (record.status, record.started_at) == ("cancelled", None)
    other = jobs.create("cms", "grounded", ["cfo"], [Upload("b.md", ".md", b"LedgerFlow copy.")])
    assert jobs.start(other) and jobs.get(other).status == "running"
    assert not jobs.start(other)  # only a queued job starts
