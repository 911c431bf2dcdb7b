"""`primed keys create` and `primed serve`'s refusal to start without keys."""

from __future__ import annotations

import re

import pytest

from app.api.security import KeyRing, parse_keys
from tests.cli_helpers import primed


def test_keys_create_prints_a_key_and_an_entry_that_matches_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = primed(capsys, "keys", "create", "--label", "cms", "--read-only")
    assert code == 0
    key = re.search(r"key:\s+(\S+)", out)
    entry = re.search(r"entry:\s+(\S+)", out)
    assert key and entry and entry.group(1).startswith("cms:ro:")
    principal = KeyRing(parse_keys(entry.group(1))).identify(key.group(1))
    assert principal is not None and principal.label == "cms" and not principal.can_write()
    assert key.group(1) not in entry.group(1)


def test_keys_create_rejects_a_label_with_separators(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = primed(capsys, "keys", "create", "--label", "a:b,c")
    assert code == 2 and "--label" in err


def test_serve_without_keys_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = primed(capsys, "serve", "--port", "1")
    assert code == 2
    assert "no API keys configured" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_serve_with_a_malformed_key_entry_is_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRIMED_API_KEYS", "cms:rw:not-a-hash")
    code, _, err = primed(capsys, "serve")
    assert code == 2 and "PRIMED_API_KEYS entry 1" in err and "not-a-hash" not in err
