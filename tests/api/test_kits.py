"""POST /v1/kits and GET /v1/offerings over the sample store."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import RO, RW, auth
from tests.leaks import leaked


def test_api_kit_matches_the_cli_kit_and_names_no_confidential_customer(
    sample_client: TestClient,
) -> None:
    response = sample_client.post(
        "/v1/kits", headers=auth(RW), json={"product": "LedgerFlow", "titles": ["CFO"]}
    )
    assert response.status_code == 200, response.text
    kit = response.json()
    assert kit["offering"] == "LedgerFlow" and [t["title"] for t in kit["titles"]] == ["CFO"]
    assert kit["titles"][0]["goals"] and leaked(response.text) == []


def test_api_kit_for_an_unknown_offering_is_404_listing_known_ones(
    sample_client: TestClient,
) -> None:
    response = sample_client.post("/v1/kits", headers=auth(RW), json={"product": "Brightvault"})
    assert response.status_code == 404
    assert "LedgerFlow" in response.json()["error"]["message"]


def test_api_kit_rejects_a_lone_surrogate_naming_the_field(sample_client: TestClient) -> None:
    response = sample_client.post(
        "/v1/kits",
        headers={**auth(RW), "Content-Type": "application/json"},
        content=b'{"product": "Ledger\\ud800Flow"}',
    )
    assert response.status_code == 422
    assert any(d["field"] == "product" for d in response.json()["error"]["details"])


def test_api_offerings_with_a_read_only_key(sample_client: TestClient) -> None:
    response = sample_client.get("/v1/offerings", headers=auth(RO))
    assert response.status_code == 200
    assert "LedgerFlow" in {o["name"] for o in response.json()}


def test_an_llm_kit_without_an_llm_is_the_grounded_kit_and_says_so(
    sample_client: TestClient,
) -> None:
    response = sample_client.post(
        "/v1/kits",
        headers=auth(RW),
        json={"product": "LedgerFlow", "titles": ["CFO"], "engine": "llm"},
    )
    assert response.status_code == 200, response.text
    kit = response.json()
    assert kit["engine"] == "grounded"
    assert any("llm engine unavailable" in w for w in kit["warnings"]), kit["warnings"]
    auto = sample_client.post(
        "/v1/kits",
        headers=auth(RW),
        json={"product": "LedgerFlow", "titles": ["CFO"], "engine": "auto"},
    ).json()
    assert auto["engine"] == "grounded" and not any("llm" in w for w in auto["warnings"])
