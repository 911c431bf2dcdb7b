"""primed never touches the network: ingest and search run with no network and a fresh HOME.

The commands run as real subprocesses inside a new network namespace (`unshare -n`, when the
machine allows it) and with a Python audit hook that logs every socket connect or DNS lookup;
any logged call other than to a Unix socket fails the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CASE_NOTES, copy_samples

AUDIT_HOOK = """
import os, sys
_log = os.environ["NETWORK_AUDIT_LOG"]
def _hook(event, args):
    if event in ("socket.connect", "socket.getaddrinfo", "socket.sendto"):
        with open(_log, "a") as handle:
            handle.write(f"{event} {args!r}\\n")
sys.addaudithook(_hook)
"""


def network_namespace_prefix() -> list[str]:
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


def test_ingest_and_search_work_without_network_or_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(AUDIT_HOOK)
    log = tmp_path / "network.log"
    notes = tmp_path / "notes"
    copy_samples(notes, 10)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "PYTHONPATH": str(hook_dir),
        "NETWORK_AUDIT_LOG": str(log),
        "PRIMED_DATA_DIR": str(tmp_path / "data"),
        "HF_HUB_OFFLINE": "0",
    }
    primed = [*network_namespace_prefix(), sys.executable, "-m", "app.cli.main"]
    cwd = CASE_NOTES.parents[2]
    # The hook must see a lookup when one happens, or its silence below proves nothing.
    probe = "import socket\ntry: socket.getaddrinfo('example.invalid', 80)\nexcept OSError: pass"
    subprocess.run([sys.executable, "-c", probe], env=env, check=True, timeout=60)
    assert "socket.getaddrinfo" in log.read_text()
    log.unlink()
    ingest = subprocess.run(
        [*primed, "ingest", str(notes)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ingest.returncode == 0, ingest.stderr
    search = subprocess.run(
        [*primed, "search", "faster month-end close", "--title", "CFO", "--format", "json"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert search.returncode == 0, search.stderr
    assert '"note_id"' in search.stdout
    calls = log.read_text().splitlines() if log.exists() else []
    outward = [c for c in calls if "family=1," not in c]  # family 1 = AF_UNIX
    assert outward == [], f"network calls attempted: {outward[:5]}"
    assert not any(home.iterdir()), f"wrote into HOME: {list(home.iterdir())}"


@pytest.mark.skipif(not network_namespace_prefix(), reason="needs `unshare -n` (root)")
def test_network_namespace_really_has_no_network() -> None:
    probe = "import socket; socket.getaddrinfo('pypi.org', 443)"
    result = subprocess.run(
        [*network_namespace_prefix(), sys.executable, "-c", probe], capture_output=True
    )
    assert result.returncode != 0
