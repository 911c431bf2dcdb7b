"""Every route but health needs a key: 401 without one, 403 with a wrong one or with a
read-only key on a write route; keys are matched by hash, in either header."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import OTHER, RO, RW, auth

COPY = "LedgerFlow offers multi-entity consolidation and automated 3-way matching with OCR."
MISSING_JOB = "0" * 32

# (method, path, request kwargs, needs a read-write key)
ROUTES: list[tuple[str, str, dict[str, Any], bool]] = [
    ("POST", "/v1/rewrites", {"json": {"copy": COPY, "title": "CFO", "engine": "grounded"}}, True),
    ("POST", "/v1/scores", {"json": {"source": COPY, "rewrite": "Close faster."}}, False),
    (
        "POST",
        "/v1/batches",
        {"json": {"documents": [{"name": "a.md", "content": COPY}], "titles": ["CFO"]}},
        True,
    ),
    ("GET", f"/v1/batches/{MISSING_JOB}", {}, False),
    ("GET", f"/v1/batches/{MISSING_JOB}/results", {}, False),
    ("DELETE", f"/v1/batches/{MISSING_JOB}", {}, True),
    ("POST", "/v1/case-notes", {"json": {"notes": []}}, True),
    ("GET", "/v1/case-notes/search", {"params": {"q": "close", "title": "CFO"}}, False),
    ("DELETE", "/v1/case-notes/NO-SUCH-NOTE", {}, True),
    ("GET", "/v1/titles", {}, False),
    ("POST", "/v1/kits", {"json": {"product": "LedgerFlow", "titles": ["CFO"]}}, True),
    ("GET", "/v1/offerings", {}, False),
]
IDS = [f"{method} {path}" for method, path, _, _ in ROUTES]


def call(
    client: TestClient, route: tuple[str, str, dict[str, Any], bool], headers: dict[str, str]
) -> Any:
    method, path, kwargs, _ = route
    return client.request(method, path, headers=headers, **kwargs)


def test_the_matrix_covers_every_route(sample_client: TestClient) -> None:
    covered = {
        (m, p.replace(MISSING_JOB, "{job_id}").replace("NO-SUCH-NOTE", "{note_id}"))
        for m, p, _, _ in ROUTES
    }
    paths = sample_client.get("/openapi.json").json()["paths"]
    declared = {
        (method.upper(), path)
        for path, ops in paths.items()
        if path.startswith("/v1")
        for method in ops
    }
    assert declared == covered


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_route_without_a_key_is_401(sample_client: TestClient, route: Any) -> None:
    response = call(sample_client, route, {})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "missing_api_key"
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_route_with_a_wrong_key_is_403(sample_client: TestClient, route: Any) -> None:
    for headers in (auth(RW[:-1] + "X"), {"X-API-Key": "pk_guess"}):
        response = call(sample_client, route, headers)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "invalid_api_key"


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_read_only_key_may_read_but_not_write(sample_client: TestClient, route: Any) -> None:
    response = call(sample_client, route, auth(RO))
    if route[3]:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "read_only_key"
    else:
        assert response.status_code not in (401, 403), response.text


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_read_write_key_passes_auth_in_either_header(sample_client: TestClient, route: Any) -> None:
    for headers in (auth(RW), {"X-API-Key": RW}):
        response = call(sample_client, route, headers)
        assert response.status_code not in (401, 403), response.text


def test_health_routes_need_no_key(sample_client: TestClient) -> None:
    assert sample_client.get("/healthz").status_code == 200
    assert sample_client.get("/readyz").status_code == 200


def test_a_non_bearer_authorization_scheme_counts_as_no_key(sample_client: TestClient) -> None:
    response = sample_client.get("/v1/titles", headers={"Authorization": f"Basic {RW}"})
    assert response.status_code == 401


def test_an_empty_bearer_does_not_hide_a_valid_x_api_key(sample_client: TestClient) -> None:
    headers = {"Authorization": "Bearer ", "X-API-Key": RO}
    assert sample_client.get("/v1/titles", headers=headers).status_code == 200
    headers = {"Authorization": "Bearer ", "X-API-Key": "pk_guess"}
    assert sample_client.get("/v1/titles", headers=headers).status_code == 403


def test_an_unknown_job_id_is_not_echoed_at_any_length(sample_client: TestClient) -> None:
    response = sample_client.get("/v1/batches/" + "a" * 5000, headers=auth(RO))
    assert response.status_code == 404 and len(response.text) < 1000


def test_another_labels_job_is_not_found(sample_client: TestClient) -> None:
    created = sample_client.post("/v1/batches", headers=auth(RW), json=ROUTES[2][2]["json"])
    assert created.status_code == 202
    job = created.json()["id"]
    assert sample_client.get(f"/v1/batches/{job}", headers=auth(RO)).status_code == 200
    for method, path in (
        ("GET", f"/v1/batches/{job}"),
        ("GET", f"/v1/batches/{job}/results"),
        ("DELETE", f"/v1/batches/{job}"),
    ):
        response = sample_client.request(method, path, headers=auth(OTHER))
        assert response.status_code == 404, (method, path)


@pytest.mark.parametrize("route", [r for r in ROUTES if r[0] == "POST"], ids=lambda r: r[1])
def test_without_a_valid_key_a_bad_body_is_never_parsed(
    sample_client: TestClient, route: Any
) -> None:
    """401/403 come before the body is read: nobody without a key makes the server parse it."""
    for headers, status in (({}, 401), ({"X-API-Key": "pk_guess"}, 403)):
        response = sample_client.post(
            route[1], headers={**headers, "Content-Type": "application/json"}, content=b"{"
        )
        assert response.status_code == status, response.text
