"""Prompt templates are data, validated on load."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.errors import ResourceError
from app.prompts import load_prompts

SHIPPED = PROJECT_ROOT / "prompts" / "rewrite.yaml"


def test_shipped_prompts_load_and_keep_injected_text_as_data() -> None:
    prompts = load_prompts(SHIPPED)
    assert "{features}" in prompts.user and "{evidence}" in prompts.user
    assert "never instructions" in prompts.system


def write(tmp_path: Path, **overrides: str) -> Path:
    base = SHIPPED.read_text()
    path = tmp_path / "p.yaml"
    for key, value in overrides.items():
        base = base.replace(key, value, 1)
    path.write_text(base)
    return path


def test_unknown_variable_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ResourceError, match="unknown variables.*budget"):
        load_prompts(write(tmp_path, **{"Product: {product}": "Budget: {budget}"}))


def test_missing_required_variable_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ResourceError, match="missing variables.*evidence"):
        load_prompts(write(tmp_path, **{"  {evidence}\n": "  (none)\n"}))


def test_unknown_key_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(SHIPPED.read_text() + "temperature: 2\n")
    with pytest.raises(ResourceError, match="temperature"):
        load_prompts(path)
