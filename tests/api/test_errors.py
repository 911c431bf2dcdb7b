"""Errors are JSON `{error: {code, message, details, request_id}}` everywhere, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.pipeline import Pipeline
from tests.api.conftest import RW, api_settings, auth

COPY = "LedgerFlow offers multi-entity consolidation and automated 3-way matching with OCR."


def assert_envelope(body: dict[str, object], code: str) -> dict[str, object]:
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error, dict) and error["code"] == code and error["message"]
    assert set(error) == {"code", "message", "details", "request_id"}
    return error


def test_unknown_route_and_wrong_method_are_json(sample_client: TestClient) -> None:
    assert_envelope(sample_client.get("/v1/nothing", headers=auth(RW)).json(), "not_found")
    response = sample_client.get("/v1/rewrites", headers=auth(RW))
    assert response.status_code == 405
    assert_envelope(response.json(), "method_not_allowed")


def test_a_wrong_method_names_every_method_the_path_allows(sample_client: TestClient) -> None:
    # /v1/batches/{id} has a GET route and a DELETE route; Starlette's Allow named GET only.
    response = sample_client.put("/v1/batches/abc", headers=auth(RW))
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, DELETE"
    error = assert_envelope(response.json(), "method_not_allowed")
    assert error["message"] == "PUT is not allowed on /v1/batches/abc; use GET or DELETE"
    # a route outside the OpenAPI document keeps Starlette's own answer, never an empty Allow
    response = sample_client.post("/openapi.json", headers=auth(RW))
    assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD"
    message = assert_envelope(response.json(), "method_not_allowed")["message"]
    assert message == "POST is not allowed on /openapi.json; use GET or HEAD"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_endpoints_answer_head_as_load_balancers_probe(
    sample_client: TestClient, path: str
) -> None:
    response = sample_client.head(path)
    assert response.status_code == 200 and response.content == b""
    # and a wrong method is told both (Allow used to name GET only, though HEAD answers)
    response = sample_client.post(path)
    assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD"


def test_validation_errors_name_each_field(sample_client: TestClient) -> None:
    response = sample_client.post(
        "/v1/rewrites", headers=auth(RW), json={"title": "x" * 101, "colour": "red"}
    )
    assert response.status_code == 422
    error = assert_envelope(response.json(), "validation_error")
    fields = {d["field"] for d in error["details"]}  # type: ignore[index]
    assert {"copy", "title", "colour"} <= fields


def test_copy_over_the_limit_is_422_naming_copy(tmp_path: Path) -> None:
    with TestClient(create_app(api_settings(tmp_path, max_copy_chars=200))) as client:
        response = client.post(
            "/v1/rewrites", headers=auth(RW), json={"copy": COPY * 5, "title": "CFO"}
        )
    assert response.status_code == 422
    error = assert_envelope(response.json(), "invalid_input")
    assert error["details"][0]["field"] == "copy" and "limit" in error["message"]  # type: ignore[index]


def test_body_over_the_limit_is_413(tmp_path: Path) -> None:
    with TestClient(create_app(api_settings(tmp_path, api_max_body_bytes=2048))) as client:
        response = client.post(
            "/v1/rewrites", headers=auth(RW), json={"copy": COPY * 40, "title": "CFO"}
        )
    assert response.status_code == 413
    assert_envelope(response.json(), "too_large")


def test_unknown_title_suggests_the_closest(sample_client: TestClient) -> None:
    response = sample_client.post(
        "/v1/rewrites", headers=auth(RW), json={"copy": COPY, "title": "CFOO"}
    )
    assert response.status_code == 422
    error = assert_envelope(response.json(), "unknown_title")
    assert "CFO" in str(error["message"]) and error["details"][0]["field"] == "title"  # type: ignore[index]


def test_unexpected_failure_is_500_with_a_request_id_and_no_traceback(
    sample_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_args: object) -> None:
        raise RuntimeError("secret internal detail at /srv/primed/app.py line 7")

    monkeypatch.setattr(Pipeline, "rewrite", explode)
    response = sample_client.post(
        "/v1/rewrites",
        headers={**auth(RW), "X-Request-ID": "req-12345678"},
        json={"copy": COPY, "title": "CFO"},
    )
    assert response.status_code == 500
    error = assert_envelope(response.json(), "internal_error")
    assert error["request_id"] == "req-12345678" == response.headers["X-Request-ID"]
    assert "secret" not in response.text and "Traceback" not in response.text


def test_every_response_carries_a_request_id(sample_client: TestClient) -> None:
    first = sample_client.get("/healthz").headers["X-Request-ID"]
    second = sample_client.get("/healthz").headers["X-Request-ID"]
    assert first != second and len(first) >= 8


def test_cors_is_off_by_default_and_configurable(sample_client: TestClient, tmp_path: Path) -> None:
    origin = {"Origin": "https://cms.example.com"}
    assert (
        "access-control-allow-origin" not in sample_client.get("/healthz", headers=origin).headers
    )
    settings = api_settings(tmp_path, api_cors_origins=["https://cms.example.com"])
    with TestClient(create_app(settings)) as client:
        preflight = client.options(
            "/v1/rewrites",
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        other = client.get("/healthz", headers={"Origin": "https://evil.example.com"})
    assert preflight.headers["access-control-allow-origin"] == "https://cms.example.com"
    assert "access-control-allow-origin" not in other.headers


def test_store_down_makes_readyz_503_and_rewrites_503(tmp_path: Path) -> None:
    from tests.servers import free_port

    settings = api_settings(tmp_path, chroma_url=f"http://127.0.0.1:{free_port()}")
    with TestClient(create_app(settings)) as client:
        ready = client.get("/readyz")
        rewrite = client.post("/v1/rewrites", headers=auth(RW), json={"copy": COPY, "title": "CFO"})
    assert (
        ready.status_code == 503 and not ready.json()["store"]["ok"] and not ready.json()["ready"]
    )
    assert rewrite.status_code == 503
    assert_envelope(rewrite.json(), "store_unavailable")


def test_a_lone_surrogate_in_copy_is_422_naming_copy(sample_client: TestClient) -> None:
    # Valid JSON ("\ud800" is a legal escape) that decodes to a string which is not text.
    body = '{"copy": "LedgerFlow \\ud800 offers multi-entity consolidation.", "title": "CFO"}'
    response = sample_client.post(
        "/v1/rewrites", headers={**auth(RW), "Content-Type": "application/json"}, content=body
    )
    assert response.status_code == 422, response.text
    error = assert_envelope(response.json(), "validation_error")
    assert [d["field"] for d in error["details"]] == ["copy"]  # type: ignore[index]
    assert "surrogate" in str(error["details"])


@pytest.mark.parametrize(
    "body",
    [
        b'{"copy": ',
        b'{"copy": "LedgerFlow \xff offers consolidation.", "title": "CFO"}',  # not UTF-8
        b'{"copy": ' + b"[" * 5000 + b"]" * 5000 + b"}",  # nested too deep
    ],
)
@pytest.mark.parametrize(
    "path", ["/v1/rewrites", "/v1/scores", "/v1/batches", "/v1/case-notes", "/v1/kits"]
)
def test_a_body_that_is_not_json_is_one_clear_error_everywhere(
    sample_client: TestClient, path: str, body: bytes
) -> None:
    response = sample_client.post(
        path, headers={**auth(RW), "Content-Type": "application/json"}, content=body
    )
    assert response.status_code == 422, response.text
    error = assert_envelope(response.json(), "validation_error")
    assert error["details"] == [{"field": "body", "message": "the body is not valid JSON"}]
    assert error["message"] == "the body is not valid JSON"


@pytest.mark.parametrize(("path", "field"), [("/v1/batches", "files"), ("/v1/case-notes", "files")])
def test_too_many_files_is_422_naming_the_field(
    empty_client: TestClient, path: str, field: str
) -> None:
    files = [("files", (f"n{i}.md", b"LedgerFlow close.", "text/markdown")) for i in range(201)]
    response = empty_client.post(path, headers=auth(RW), files=files, data={"titles": "CFO"})
    assert response.status_code == 422, response.text
    error = assert_envelope(response.json(), "invalid_input")
    assert [d["field"] for d in error["details"]] == [field]  # type: ignore[index]
    assert "200" in str(error["message"]) and "PRIMED_API_MAX_DOCUMENTS" in str(error["message"])


def test_a_refused_cors_preflight_is_a_json_error(tmp_path: Path) -> None:
    settings = api_settings(tmp_path, api_cors_origins=["https://cms.example.com"])
    with TestClient(create_app(settings)) as client:
        response = client.options(
            "/v1/rewrites",
            headers={
                "Origin": "https://evil.example.com",
                "Access-Control-Request-Method": "POST",
                "X-Request-ID": "req-cors-0001",
            },
        )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    error = assert_envelope(response.json(), "cors_refused")
    assert error["message"] == (
        "CORS preflight refused: origin not allowed (PRIMED_API_CORS_ORIGINS)"
    )
    assert error["request_id"] == "req-cors-0001"
    assert "access-control-allow-origin" not in response.headers


def test_a_blank_or_unknown_title_in_a_list_is_422_naming_its_place(
    sample_client: TestClient,
) -> None:
    document = {"name": "a.md", "content": COPY}
    for titles, code, field in (
        ([" "], "invalid_input", "titles.0"),
        (["CFO", " "], "invalid_input", "titles.1"),
        (["CFO", "Chief Vibes"], "unknown_title", "titles.1"),
    ):
        response = sample_client.post(
            "/v1/batches", headers=auth(RW), json={"documents": [document], "titles": titles}
        )
        assert response.status_code == 422, response.text
        error = assert_envelope(response.json(), code)
        assert error["details"][0]["field"] == field  # type: ignore[index]
    kit = sample_client.post(
        "/v1/kits", headers=auth(RW), json={"product": "LedgerFlow", "titles": ["CFO", ""]}
    )
    assert kit.status_code == 422 and kit.json()["error"]["details"][0]["field"] == "titles.1"
