"""Runs batch jobs one after another in a background thread, with app.batch's work units.

On start it picks up every job a previous process left queued or running; a stop (server
shutdown) lets units in flight finish and leaves the job `running`, to be resumed next time.
"""

from __future__ import annotations

import logging
import queue
import threading

from app.api.jobs import JobStore
from app.batch import plan, run_batch
from app.services import Services

log = logging.getLogger("primed.api.jobs")


class JobRunner:
    def __init__(self, jobs: JobStore, services: Services, workers: int) -> None:
        self.jobs = jobs
        self.services = services
        self.workers = workers
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        for job_id in self.jobs.unfinished():
            log.info("resuming batch job %s", job_id)
            self._queue.put(job_id)
        self._thread = threading.Thread(target=self._loop, name="primed-jobs", daemon=True)
        self._thread.start()

    def submit(self, job_id: str) -> None:
        self._queue.put(job_id)

    def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            job_id = self._queue.get()
            if job_id is None:
                return
            try:
                self.run(job_id)
            except Exception as exc:  # a job that cannot run is recorded, the runner goes on
                log.exception("batch job %s failed", job_id)
                self.jobs.set_status(job_id, "failed", f"{type(exc).__name__}: {exc}")

    def run(self, job_id: str) -> None:
        record = self.jobs.get(job_id)
        if record.status not in ("queued", "running"):
            return
        if record.cancel_requested:
            self.jobs.set_status(job_id, "cancelled")
            return
        if record.status == "queued":
            self.jobs.set_status(job_id, "running")
        folder = self.jobs.folder(job_id)
        batch = plan(folder / "in", folder / "out", record.titles, resume=True)

        def should_stop() -> bool:
            return self._stopping.is_set() or self.jobs.cancel_requested(job_id)

        run_batch(
            batch,
            self.services.pipeline,
            record.engine,
            folder / "out",
            self.services.settings.max_copy_chars,
            workers=self.workers,
            should_stop=should_stop,
        )
        if self.jobs.cancel_requested(job_id):
            self.jobs.set_status(job_id, "cancelled")
        elif not self._stopping.is_set():
            self.jobs.set_status(job_id, "done")
