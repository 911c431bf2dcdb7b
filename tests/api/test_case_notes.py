"""/v1/case-notes: ingest as JSON or files (bad records reported), search, delete."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from tests.api.conftest import RO, RW, auth
from tests.conftest import CASE_NOTES
from tests.leaks import leaked

NOTE = {
    "id": "API-001",
    "customer": "Brightwater Foods",
    "customer_description": "a regional food distributor",
    "industry": "retail",
    "offering": "LedgerFlow",
    "titles": ["CFO"],
    "date": "2025-02-03",
    "consultant": "Dana Reyes",
    "body": "Month-end close fell from 11 days to 5 after intercompany eliminations were "
    "automated across their four entities.",
}


def test_json_notes_are_ingested_then_found_then_deleted(empty_client: TestClient) -> None:
    ingested = empty_client.post("/v1/case-notes", headers=auth(RW), json={"notes": [NOTE]})
    assert ingested.status_code == 200, ingested.text
    assert ingested.json()["added"] == 1 and ingested.json()["chunks_written"] >= 1
    again = empty_client.post("/v1/case-notes", headers=auth(RW), json={"notes": [NOTE]})
    assert again.json()["unchanged"] == 1 and again.json()["chunks_written"] == 0

    hits = empty_client.get(
        "/v1/case-notes/search",
        headers=auth(RO),
        params={"q": "faster month-end close", "title": "CFO"},
    ).json()
    assert hits[0]["note_id"] == "API-001"
    assert hits[0]["customer"] == "a regional food distributor"
    assert "Brightwater" not in json.dumps(hits)  # not publishable: never named

    deleted = empty_client.delete("/v1/case-notes/API-001", headers=auth(RW))
    assert deleted.status_code == 200 and deleted.json()["chunks_deleted"] >= 1
    gone = empty_client.delete("/v1/case-notes/API-001", headers=auth(RW))
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"


def test_a_bad_json_note_fails_the_request_naming_its_field(empty_client: TestClient) -> None:
    bad = {**NOTE, "industry": None}
    response = empty_client.post("/v1/case-notes", headers=auth(RW), json={"notes": [NOTE, bad]})
    assert response.status_code == 422
    assert "notes.1.industry" in {d["field"] for d in response.json()["error"]["details"]}


def test_uploaded_files_use_the_same_loaders_and_keep_good_records(
    empty_client: TestClient,
) -> None:
    good_md = (CASE_NOTES / "ps-001.md").read_bytes()
    jsonl = json.dumps(NOTE) + "\n" + json.dumps({**NOTE, "id": "API-002", "date": "soon"}) + "\n"
    files = [
        ("files", ("ps-001.md", good_md, "text/markdown")),
        ("files", ("../../../etc/notes.jsonl", jsonl.encode(), "application/json")),
    ]
    response = empty_client.post("/v1/case-notes", headers=auth(RW), files=files)
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["notes"] == 2 and summary["added"] == 2
    assert len(summary["errors"]) == 1
    assert (
        "../../../etc/notes.jsonl:line 2" in summary["errors"][0] and "date" in summary["errors"][0]
    )


def test_only_bad_files_are_422_with_every_problem_listed(
    empty_client: TestClient, tmp_path: Path
) -> None:
    files = [
        ("files", ("notes.txt", b"just words", "text/plain")),
        ("files", ("broken.md", b"no front matter here", "text/markdown")),
    ]
    response = empty_client.post("/v1/case-notes", headers=auth(RW), files=files)
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert {d["field"] for d in details} >= {"notes.txt", "broken.md:line 1"}
    assert not list(tmp_path.rglob("notes.txt")) and not list(tmp_path.rglob("broken.md"))


def test_search_validates_its_parameters(sample_client: TestClient) -> None:
    for params, field in (
        ({"q": "close", "title": "CFO", "k": 0}, "query.k"),
        ({"title": "CFO"}, "query.q"),
        ({"q": "   ", "title": "CFO"}, "query.q"),
        ({"q": "\x00\x00", "title": "CFO"}, "query.q"),
        ({"q": "\u200b\u200b", "title": "CFO"}, "query.q"),  # zero-width spaces
    ):
        response = sample_client.get("/v1/case-notes/search", headers=auth(RO), params=params)
        assert response.status_code == 422, params
        assert field in {d["field"] for d in response.json()["error"]["details"]}


def test_search_on_an_empty_store_says_to_ingest_first(empty_client: TestClient) -> None:
    response = empty_client.get(
        "/v1/case-notes/search", headers=auth(RO), params={"q": "close", "title": "CFO"}
    )
    assert response.status_code == 409 and "ingest" in response.json()["error"]["message"]


def test_search_never_names_a_confidential_customer_in_any_field(
    sample_client: TestClient,
) -> None:
    response = sample_client.get(
        "/v1/case-notes/search",
        headers=auth(RO),
        params={"q": "month-end close consolidation", "title": "CFO", "k": 10},
    )
    assert response.status_code == 200, response.text
    hits = response.json()
    assert len(hits) == 10 and any(not hit["publishable"] for hit in hits)
    assert all("customer_name" not in hit for hit in hits)
    assert leaked(response.text) == []


def test_json_notes_are_all_or_nothing(empty_client: TestClient) -> None:
    unknown_title = {**NOTE, "id": "API-002", "titles": ["CFO", "Chief Vibes"]}
    same_id = {**NOTE, "body": NOTE["body"] + " Twice."}
    for notes, field in (
        ([NOTE, unknown_title], "notes.1.titles.1"),
        ([NOTE, same_id], "notes.1.id"),
        ([NOTE, {**NOTE, "id": "API-003", "body": "Close went from 9 to 4.\x00"}], "notes.1.body"),
    ):
        response = empty_client.post("/v1/case-notes", headers=auth(RW), json={"notes": notes})
        assert response.status_code == 422, response.text
        details = response.json()["error"]["details"]
        assert [d["field"] for d in details] == [field]
    search = empty_client.get(
        "/v1/case-notes/search", headers=auth(RO), params={"q": "month-end close", "title": "CFO"}
    )
    assert search.status_code == 409  # nothing was ingested
