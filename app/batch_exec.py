"""Where batch units run: the interface `run_batch` drives, and its in-process thread pool.

An executor takes a unit and an engine name and hands back a future of its `UnitResult`
(manifest line + files to write); it never writes outputs or the manifest itself, so the
driver's resume logic is the same whether units run on threads here or on Ray actors
(`app.batch_ray.RayExecutor`). `slots` is how many units it runs at once: `run_batch` keeps
at most twice that many in flight.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

from app.batch import BatchItem, UnitResult, compute_item

if TYPE_CHECKING:
    from app.pipeline import Pipeline


class UnitExecutor(Protocol):
    @property
    def slots(self) -> int: ...

    def submit(self, item: BatchItem, engine: str) -> Future[UnitResult]: ...


class ClosingExecutor:
    """A `with` block stops the executor's workers however it ends."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class LocalExecutor(ClosingExecutor):
    """`workers` threads in this process sharing one pipeline (LLM calls overlap; ONNX
    releases the GIL)."""

    def __init__(self, pipeline: Pipeline, max_chars: int, workers: int = 1) -> None:
        self.pipeline = pipeline
        self.max_chars = max_chars
        self.workers = workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="primed-batch")

    @property
    def slots(self) -> int:
        return self.workers

    def submit(self, item: BatchItem, engine: str) -> Future[UnitResult]:
        return self._pool.submit(compute_item, item, self.pipeline, engine, self.max_chars)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
