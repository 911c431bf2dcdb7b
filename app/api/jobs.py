"""Batch jobs that outlive the server: metadata in SQLite, documents and outputs on disk.

A job folder holds `in/` (the uploaded documents under server-made names: `0007.md`) and
`out/` (the batch outputs and `manifest.jsonl`, see app.batch). The manifest is the truth
about finished units, so progress and results are read from it and a restarted server
resumes a job exactly where the manifest says it stopped.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.api.schemas import BatchJob, JobStatus
from app.batch import Manifest, ManifestLine
from app.engines.base import EngineName
from app.errors import NotFoundError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    status TEXT NOT NULL,
    engine TEXT NOT NULL,
    titles TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    error TEXT
);
CREATE TABLE IF NOT EXISTS documents (
    job_id TEXT NOT NULL REFERENCES jobs(id),
    idx INTEGER NOT NULL,
    name TEXT NOT NULL,
    stored TEXT NOT NULL,
    PRIMARY KEY (job_id, idx)
);
"""
UNFINISHED = ("queued", "running")


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass(frozen=True)
class Upload:
    """One document of a new job: its display name, the suffix we keep, and its bytes."""

    name: str
    suffix: str
    content: bytes


@dataclass(frozen=True)
class JobRecord:
    id: str
    owner: str
    status: JobStatus
    engine: EngineName
    titles: list[str]
    created_at: str
    started_at: str | None
    finished_at: str | None
    cancel_requested: bool
    error: str | None


class JobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.db_path = root / "jobs.sqlite3"
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
        self._sweep()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = sqlite3.connect(self.db_path, timeout=30)
            db.row_factory = sqlite3.Row
            try:
                with db:  # one transaction: committed on success, rolled back on error
                    yield db
            finally:
                db.close()

    def _sweep(self) -> None:
        """Remove folders a crash left without a job row (created, never registered)."""
        with self._connect() as db:
            known = {row["id"] for row in db.execute("SELECT id FROM jobs")}
        for folder in self.root.iterdir():
            if folder.is_dir() and folder.name not in known:
                shutil.rmtree(folder, ignore_errors=True)

    def folder(self, job_id: str) -> Path:
        return self.root / job_id

    def create(self, owner: str, engine: str, titles: list[str], uploads: list[Upload]) -> str:
        """Write the documents, then register the job: a crash in between leaves no job."""
        job_id = uuid.uuid4().hex
        staging = self.root / f".staging-{job_id}"
        inputs = staging / "in"
        inputs.mkdir(parents=True)
        stored = []
        for index, upload in enumerate(uploads):
            name = f"{index:04d}{upload.suffix}"
            (inputs / name).write_bytes(upload.content)
            stored.append((job_id, index, upload.name, name))
        staging.rename(self.folder(job_id))
        with self._connect() as db:
            db.execute(
                "INSERT INTO jobs (id, owner, status, engine, titles, created_at) "
                "VALUES (?, ?, 'queued', ?, ?, ?)",
                (job_id, owner, engine, json.dumps(titles), now()),
            )
            db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?)", stored)
        return job_id

    def get(self, job_id: str, owner: str | None = None) -> JobRecord:
        """The job; NotFoundError when it does not exist or belongs to another owner."""
        with self._connect() as db:
            row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None or (owner is not None and row["owner"] != owner):
            shown = job_id if len(job_id) <= 64 else job_id[:64] + "..."
            raise NotFoundError(f"no batch job '{shown}'")
        return JobRecord(
            id=row["id"],
            owner=row["owner"],
            status=row["status"],
            engine=row["engine"],
            titles=json.loads(row["titles"]),
            created_at=row["created_at"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            cancel_requested=bool(row["cancel_requested"]),
            error=row["error"],
        )

    def documents(self, job_id: str) -> dict[str, tuple[int, str]]:
        """Stored file name -> (index, the name the client gave)."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT idx, name, stored FROM documents WHERE job_id = ? ORDER BY idx", (job_id,)
            ).fetchall()
        return {row["stored"]: (row["idx"], row["name"]) for row in rows}

    def unfinished(self) -> list[str]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT id FROM jobs WHERE status IN ('queued', 'running') ORDER BY created_at"
            ).fetchall()
        return [row["id"] for row in rows]

    def set_status(self, job_id: str, status: JobStatus, error: str | None = None) -> None:
        column = "started_at" if status == "running" else "finished_at"
        with self._connect() as db:
            db.execute(
                f"UPDATE jobs SET status = ?, error = ?, {column} = ? WHERE id = ?",
                (status, error, now(), job_id),
            )

    def start(self, job_id: str) -> bool:
        """Queued -> running; False when the job is no longer queued (a cancel got there
        first), so a cancelled job never runs."""
        with self._connect() as db:
            moved = db.execute(
                "UPDATE jobs SET status = 'running', started_at = ? "
                "WHERE id = ? AND status = 'queued'",
                (now(), job_id),
            ).rowcount
        return moved == 1

    def request_cancel(self, job_id: str) -> None:
        """Flag the job; a queued job is cancelled at once, a running one after its units in
        flight finish."""
        with self._connect() as db:
            db.execute("UPDATE jobs SET cancel_requested = 1 WHERE id = ?", (job_id,))
            db.execute(
                "UPDATE jobs SET status = 'cancelled', finished_at = ? "
                "WHERE id = ? AND status = 'queued'",
                (now(), job_id),
            )

    def cancel_requested(self, job_id: str) -> bool:
        with self._connect() as db:
            row = db.execute("SELECT cancel_requested FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return bool(row and row["cancel_requested"])

    def lines(self, job_id: str) -> dict[tuple[str, str], ManifestLine]:
        """The latest manifest line per (stored input, title): a retried unit counts once."""
        return Manifest(self.folder(job_id) / "out").latest()

    def view(
        self, record: JobRecord, lines: dict[tuple[str, str], ManifestLine] | None = None
    ) -> BatchJob:
        """The job as the API shows it; `lines` when the caller has just read the manifest."""
        documents = len(self.documents(record.id))
        lines = self.lines(record.id) if lines is None else lines
        units = documents * len(record.titles)
        return BatchJob(
            id=record.id,
            status=record.status,
            engine=record.engine,
            titles=record.titles,
            documents=documents,
            units=units,
            done=len(lines),
            failed=sum(1 for line in lines.values() if line.status != "ok"),
            progress=round(len(lines) / units, 4) if units else 1.0,
            created_at=record.created_at,
            started_at=record.started_at,
            finished_at=record.finished_at,
            error=record.error,
        )
