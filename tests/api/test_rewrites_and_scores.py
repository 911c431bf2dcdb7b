"""POST /v1/rewrites and /v1/scores over the real sample store."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import RO, RW, auth

COPY = (
    "LedgerFlow offers real-time GL sync via REST API, multi-entity consolidation, automated "
    "3-way matching with OCR, SOC 2 Type II and a 99.95% uptime SLA."
)


def test_rewrite_returns_cited_outcome_copy_and_its_scorecard(sample_client: TestClient) -> None:
    response = sample_client.post(
        "/v1/rewrites", headers=auth(RW), json={"copy": COPY, "title": "chief financial officer"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["engine"] == "grounded" and body["title"] == "CFO"
    cited = {e["note_id"] for e in body["evidence"]}
    assert body["claims"] and all(set(c["evidence_ids"]) <= cited for c in body["claims"])
    assert any(c["evidence_ids"] for c in body["claims"])
    for measure in ("residue", "lexicon", "grounding"):
        assert body["scorecard"]["measures"][measure]["passed"], measure
    assert "SOC 2" not in body["text"] and "REST API" not in body["text"]


def test_rewrite_never_names_a_confidential_customer(sample_client: TestClient) -> None:
    from app.corpus.loaders import load_paths
    from tests.conftest import CASE_NOTES

    secret = [n.customer for n, _ in load_paths([CASE_NOTES]).notes if not n.publishable]
    body = sample_client.post(
        "/v1/rewrites", headers=auth(RW), json={"copy": COPY, "title": "CFO"}
    ).json()
    assert body["evidence"]
    assert not [name for name in secret if name in str(body)]


def test_score_flags_an_invented_number_for_a_read_only_key(sample_client: TestClient) -> None:
    response = sample_client.post(
        "/v1/scores",
        headers=auth(RO),
        json={
            "source": COPY,
            "rewrite": "Finance teams cut costs 40% and closed the books in 4 days [PS-014].",
            "title": "CFO",
            "evidence": [{"id": "PS-014", "text": "Month-end close went from 9 days to 4."}],
        },
    )
    assert response.status_code == 200, response.text
    grounding = response.json()["measures"]["grounding"]
    assert not grounding["passed"]
    flagged = [span["text"] for span in grounding["spans"]]
    assert any("40%" in text for text in flagged) and not any("4 days" in t for t in flagged)


def test_score_rejects_unknown_title_and_non_finite_thresholds(sample_client: TestClient) -> None:
    base = {"source": COPY, "rewrite": "Close faster."}
    unknown = sample_client.post(
        "/v1/scores", headers=auth(RO), json={**base, "title": "Chief Vibes"}
    )
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unknown_title"
    nan = sample_client.post(
        "/v1/scores",
        headers={**auth(RO), "Content-Type": "application/json"},
        content=b'{"source": "a b c d e", "rewrite": "x", "thresholds": {"residue": NaN}}',
    )
    assert nan.status_code in (400, 422)


def test_score_rejects_goals_the_title_does_not_have_and_blank_terms(
    sample_client: TestClient,
) -> None:
    base = {"source": COPY, "rewrite": "Close faster.", "title": "CFO"}
    for extra, field in (
        ({"goals": ["faster-close", "not-a-goal"]}, "goals.1"),
        ({"goals": ["faster-close"], "title": None}, "goals"),
        ({"must_remove": ["OCR", " "]}, "must_remove"),
    ):
        response = sample_client.post("/v1/scores", headers=auth(RO), json={**base, **extra})
        assert response.status_code == 422, response.text
        assert response.json()["error"]["details"][0]["field"] == field, response.text
    known = sample_client.post(
        "/v1/scores", headers=auth(RO), json={**base, "goals": ["faster-close"]}
    )
    assert known.status_code == 200


def test_titles_lists_every_profile(sample_client: TestClient) -> None:
    titles = sample_client.get("/v1/titles", headers=auth(RO)).json()
    assert {"CFO", "CIO", "CISO"} <= {t["name"] for t in titles}
    assert all(t["goals"] for t in titles)


def test_readyz_reports_store_and_grounded_engine(sample_client: TestClient) -> None:
    ready = sample_client.get("/readyz").json()
    assert ready["ready"] and ready["store"]["ok"] and ready["auto_engine"] == "grounded"
    assert "chunks" in ready["store"]["detail"] and not ready["llm"]["ok"]


def test_score_with_an_unknown_measure_in_thresholds_is_422_naming_it(
    sample_client: TestClient,
) -> None:
    response = sample_client.post(
        "/v1/scores",
        headers=auth(RO),
        json={"source": COPY, "rewrite": "Close faster.", "thresholds": {"bogus": 1}},
    )
    assert response.status_code == 422
    assert "bogus" in response.text
    assert [d["field"] for d in response.json()["error"]["details"]] == ["thresholds"]


def test_score_honours_lexicon_and_readability_overrides(sample_client: TestClient) -> None:
    rewrite = "Leverage our seamless platform to close the books in days."
    base = {"source": COPY, "rewrite": rewrite, "title": "CFO"}
    default = sample_client.post("/v1/scores", headers=auth(RO), json=base).json()
    assert not default["measures"]["lexicon"]["passed"]
    loose = sample_client.post(
        "/v1/scores",
        headers=auth(RO),
        json={**base, "thresholds": {"lexicon": 5, "readability": 0}},
    ).json()
    assert loose["measures"]["lexicon"]["passed"] and loose["measures"]["lexicon"]["threshold"] == 5
    assert not loose["measures"]["readability"]["passed"]
