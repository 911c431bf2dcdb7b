"""Run the real `primed` entry point in-process and capture what a user would see."""

from __future__ import annotations

import pytest

from app.cli.main import run


def primed(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `primed ARGS...`."""
    with pytest.raises(SystemExit) as exited:
        run(list(args))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err
