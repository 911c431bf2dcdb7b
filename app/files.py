"""File helpers every layer may use: a file's SHA-256, a write that never leaves half a file,
and where an installed package keeps its data files."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import secrets
import tempfile
from pathlib import Path

from app.errors import InvalidInputError

BLOCK = 1 << 20


def file_sha256(path: Path) -> str:
    """The file's SHA-256 as hex, read 1 MiB at a time (model weights are hundreds of MiB)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


_TEMP_NAME = re.compile(r"\..+\.[0-9a-f]{16}\.tmp")


def is_temp_name(name: str) -> bool:
    """Is this the name of a temp file write_atomic left behind (a crash between write and
    rename)? `.<name>.<16 hex digits>.tmp`, nothing else."""
    return _TEMP_NAME.fullmatch(name) is not None


def write_atomic(path: Path, text: str) -> None:
    """Write to a unique temp file beside `path`, fsync, then rename over it. The file is
    created with mode 0666 less the umask, like the manifest (mkstemp would make it 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def check_writable(folder: Path, option: str = "--out") -> None:
    """Create the folder and write a probe file in it, so a read-only or full disk is one plain
    error before any work starts rather than a failure at the end of it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".primed-probe-", suffix=".tmp")
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InvalidInputError(f"{option} {folder}: cannot write there ({reason})") from exc


def package_dir(package: str) -> Path | None:
    """The folder of an installed package, found without importing it (None: not installed)."""
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]) if locations else None
