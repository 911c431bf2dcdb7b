"""Batch units on an existing Ray cluster: one actor per worker, holding the services.

`RayExecutor` is a `UnitExecutor` (app.batch_exec) for `run_batch`. Each of its `workers`
actors builds the services (title profiles, store client, embedder, scorer, pipeline) once,
from the driver's settings, then rewrites one unit at a time from the input's bytes with the
same `compute_item` the local threads run, and hands back the unit's manifest line and files.
Actors write nothing: the driver writes outputs and the manifest, so a kill -9 of the driver
and `--resume`, or a unit Ray ran twice, behave exactly as on one machine.

Ray is an optional extra (`pip install 'primed[ray]'`), imported here only when asked for.
Every worker must reach the same case notes: on one machine the embedded store is read from
several processes; on a cluster, set PRIMED_CHROMA_URL to a Chroma server every node reaches.
"""

from __future__ import annotations

import logging
import os
import socket
import tempfile
import threading
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

from app.batch import BatchItem, ManifestLine, UnitResult, compute_item
from app.batch_exec import ClosingExecutor
from app.config import Settings
from app.errors import ClusterUnavailableError, InvalidInputError

READY_TIMEOUT = 600.0  # seconds for every actor to load the embedder and open the store


def require_ray(option: str = "--ray-address") -> ModuleType:
    """The `ray` module, or one usage error saying how to install it."""
    try:
        import ray
    except ImportError as exc:
        raise InvalidInputError(
            f"{option} needs Ray, an optional extra: pip install 'primed[ray]' "
            "(or `make install-ray` in a checkout)"
        ) from exc
    module: ModuleType = ray  # typed the same whether or not mypy sees Ray's stubs
    return module


def last_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else type(error).__name__


def probe(address: str, timeout: float = 10.0) -> None:
    """Fail in seconds, not minutes, when nothing listens at HOST:PORT (ray.init would retry
    for several minutes); `auto` finds the local cluster by itself or fails at once."""
    if address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as exc:
        raise ClusterUnavailableError(
            f"cannot reach the Ray cluster at {address}: {exc.strerror or exc} (is `ray start "
            "--head` running there, and is the port open?)"
        ) from exc


def worker_fields(settings: Settings) -> dict[str, Any]:
    """The settings the driver's environment chose, for actors on any node; the data dir
    made absolute (a worker's working folder is not the driver's). An actor holds one CPU, so
    it embeds on one thread unless PRIMED_EMBED_THREADS says otherwise."""
    fields = settings.model_dump(exclude_unset=True, exclude={"ray_address"})
    fields["data_dir"] = settings.data_dir.resolve()
    fields.setdefault("embed_threads", 1)
    return fields


class UnitWorker:
    """One Ray actor: the services, built once, and one unit at a time."""

    def __init__(self, fields: dict[str, Any], max_chars: int) -> None:
        from app.services import Services

        self.services = Services(Settings(_env_file=None, **fields))
        self.max_chars = max_chars

    def ready(self) -> tuple[str, int]:
        """Build the pipeline now; this node's name and the case-note chunks its store holds."""
        _ = self.services.pipeline
        return socket.gethostname(), self.services.store.count()

    def run(self, item: BatchItem, content: bytes, engine: str) -> UnitResult:
        with tempfile.TemporaryDirectory(prefix="primed-unit-") as folder:
            local = Path(folder) / item.path.name  # same suffix, and messages name item.relative
            local.write_bytes(content)
            pipeline = self.services.pipeline
            return compute_item(replace(item, path=local), pipeline, engine, self.max_chars)


class RayExecutor(ClosingExecutor):
    """`workers` UnitWorker actors on the cluster at `address` (auto, HOST:PORT, ray://...)."""

    def __init__(self, address: str, settings: Settings, workers: int = 1) -> None:
        self.ray = require_ray()
        self.address = address
        self.workers = workers
        self._lock = threading.Lock()
        self._load = [0] * workers
        self._owns_connection = self._connect()
        try:
            self._actors = self._start(settings)
        except BaseException:
            self.close()
            raise

    @property
    def slots(self) -> int:
        return self.workers

    def _connect(self) -> bool:
        if self.ray.is_initialized():
            return False
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        probe(self.address)
        try:
            self.ray.init(
                address=self.address,
                namespace="primed",
                logging_level=logging.WARNING,
                log_to_driver=False,
            )
        except Exception as exc:
            raise ClusterUnavailableError(
                f"cannot reach the Ray cluster at {self.address}: {last_line(exc)}"
            ) from exc
        return True

    def _start(self, settings: Settings) -> list[Any]:
        cpus = self.ray.cluster_resources().get("CPU", 0)
        if cpus < self.workers:
            raise ClusterUnavailableError(
                f"the Ray cluster at {self.address} has {cpus:g} CPUs: --workers "
                f"{self.workers} needs one each"
            )
        actor = self.ray.remote(num_cpus=1, max_restarts=2, max_task_retries=2)(UnitWorker)
        fields, max_chars = worker_fields(settings), settings.max_copy_chars
        actors = [actor.remote(fields, max_chars) for _ in range(self.workers)]
        try:
            ready = self.ray.get([a.ready.remote() for a in actors], timeout=READY_TIMEOUT)
        except Exception as exc:
            raise ClusterUnavailableError(
                f"Ray workers could not start on {self.address}: {last_line(exc)}"
            ) from exc
        empty = sorted({host for host, chunks in ready if chunks == 0})
        if empty:
            raise ClusterUnavailableError(
                f"Ray workers on {', '.join(empty)} see no case notes in their store: on a "
                "cluster set PRIMED_CHROMA_URL to a Chroma server every node can reach"
            )
        return actors

    def submit(self, item: BatchItem, engine: str) -> Future[UnitResult]:
        result: Future[UnitResult] = Future()
        try:
            content = item.path.read_bytes()
        except OSError as exc:
            line = ManifestLine(
                input=item.relative,
                sha256=item.sha256,
                title=item.title,
                status="failed",
                error=f"cannot read the file ({exc.strerror})",
            )
            result.set_result(UnitResult(line=line))
            return result
        with self._lock:  # the actor with the fewest units queued
            index = min(range(self.workers), key=self._load.__getitem__)
            self._load[index] += 1
        remote: Future[Any] = self._actors[index].run.remote(item, content, engine).future()

        def settle(done: Future[Any]) -> None:
            with self._lock:
                self._load[index] -= 1
            error = done.exception()
            if error is None:
                result.set_result(done.result())
            else:
                result.set_exception(
                    ClusterUnavailableError(
                        f"a Ray worker failed on {item.relative}: {last_line(error)} (finished "
                        "units are in the manifest: run again with --resume)"
                    )
                )

        remote.add_done_callback(settle)
        return result

    def close(self) -> None:
        for actor in getattr(self, "_actors", []):
            try:
                self.ray.kill(actor)
            except Exception:  # already gone with its node: nothing to stop
                pass
        if self._owns_connection and self.ray.is_initialized():
            self.ray.shutdown()
