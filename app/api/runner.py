"""Runs batch jobs one after another in a background thread, with app.batch's work units.

On start it picks up every job a previous process left queued or running; a stop (server
shutdown) lets units in flight finish and leaves the job `running`, to be resumed next time.
With PRIMED_RAY_ADDRESS set, units run on that Ray cluster's actors (app.batch_ray), started
with the first job and kept for the next ones; this process still writes outputs and manifests.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import TYPE_CHECKING

from app.api.jobs import JobStore
from app.batch import plan, run_batch
from app.services import Services

if TYPE_CHECKING:
    from app.batch_ray import RayExecutor

log = logging.getLogger("primed.api.jobs")


class JobRunner:
    def __init__(self, jobs: JobStore, services: Services, workers: int) -> None:
        self.jobs = jobs
        self.services = services
        self.workers = workers
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._ray: RayExecutor | None = None

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
        if self._ray is not None:
            self._ray.close()
            self._ray = None

    def executor(self) -> RayExecutor | None:
        """The Ray executor when PRIMED_RAY_ADDRESS is set (connected on first use), else None:
        units run on this process's threads."""
        address = self.services.settings.ray_address
        if address is None:
            return None
        if self._ray is None:
            from app.batch_ray import RayExecutor, require_ray

            require_ray("PRIMED_RAY_ADDRESS")
            self._ray = RayExecutor(address, self.services.settings, self.workers)
        return self._ray

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
                if self._ray is not None:  # reconnect for the next job: the cluster may be back
                    self._ray.close()
                    self._ray = None

    def run(self, job_id: str) -> None:
        record = self.jobs.get(job_id)
        if record.status not in ("queued", "running"):
            return
        if record.cancel_requested:
            self.jobs.set_status(job_id, "cancelled")
            return
        if record.status == "queued" and not self.jobs.start(job_id):
            return  # cancelled while it left the queue
        folder = self.jobs.folder(job_id)
        batch = plan(folder / "in", folder / "out", record.titles, resume=True)

        def should_stop() -> bool:
            return self._stopping.is_set() or self.jobs.cancel_requested(job_id)

        ran = run_batch(
            batch,
            self.services.pipeline,
            record.engine,
            folder / "out",
            self.services.settings.max_copy_chars,
            workers=self.workers,
            should_stop=should_stop,
            executor=self.executor(),
        )
        if ran == len(batch.items):  # every unit finished, a late cancel request or not
            self.jobs.set_status(job_id, "done")
        elif self.jobs.cancel_requested(job_id):
            self.jobs.set_status(job_id, "cancelled")
        elif not self._stopping.is_set():
            self.jobs.set_status(job_id, "done")
