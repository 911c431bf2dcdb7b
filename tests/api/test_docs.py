"""/docs and /redoc work offline: every script, style sheet and icon is served by primed."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*['"]([^'"]+)['"]""")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_reference_no_external_host(sample_client: TestClient, page: str) -> None:
    response = sample_client.get(page)
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    html = response.text
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    assets = [a or b for a, b in ASSET.findall(html)]
    assert any(a.endswith(".js") for a in assets), assets
    for asset in assets:
        assert asset.startswith("/") and not asset.startswith("//"), asset
        served = sample_client.get(asset)
        assert served.status_code == 200 and served.content, asset


def test_docs_need_no_key_and_can_be_turned_off(sample_client: TestClient) -> None:
    assert sample_client.get("/openapi.json").status_code == 200
    from app.api.main import create_app
    from tests.api.conftest import api_settings

    settings = api_settings(sample_client.app.state.primed.settings.data_dir, api_docs=False)
    with TestClient(create_app(settings)) as client:
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert client.get(path).status_code == 404, path
