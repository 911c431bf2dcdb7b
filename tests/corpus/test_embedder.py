"""The packaged MiniLM embedder: verified, offline, normalised, and order-preserving."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from app.corpus.embedder import (
    MAX_BATCH_TOKENS,
    MODEL_FILE,
    MODEL_PACKAGE,
    TOKENIZER_FILE,
    TOKENIZER_PACKAGE,
    MiniLMEmbeddingFunction,
    MiniLMModel,
    length_batches,
    load_minilm,
    package_file,
    spread,
    verify_sha256,
)
from app.errors import ResourceError


def test_embeddings_are_unit_length_384_dims() -> None:
    vectors = load_minilm().embed(["close the books faster", "", "x" * 5000])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_paraphrases_are_closer_than_unrelated_text() -> None:
    a, b, c = load_minilm().embed(
        [
            "Month-end close went from 9 days to 4.",
            "We now close the books in four days, not nine.",
            "The switch has 48 ports of 200GbE.",
        ]
    )
    assert float(a @ b) > 0.5 > float(a @ c)


def test_batching_and_padding_do_not_change_vectors() -> None:
    texts = [
        "short",
        "a much longer sentence about invoice matching and receipts " * 5,
        "mid length",
    ]
    model = load_minilm()
    together = model.embed(texts, batch_size=3)
    alone = np.vstack([model.embed([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-4)


def test_length_batches_keep_padding_under_a_quarter_and_cover_every_text() -> None:
    lengths = [12, 250, 14, 13, 240, 30, 11, 256, 15]
    batches = length_batches(lengths, batch_size=32)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        padded = len(batch) * max(lengths[i] for i in batch)
        assert padded <= 1.25 * sum(lengths[i] for i in batch)
    # Short texts are not padded to the long ones' length: they share a batch of their own.
    assert {0, 2, 3, 6, 8} <= set(next(b for b in batches if 0 in b))
    assert all(len(b) <= 2 for b in length_batches([10] * 5, batch_size=2))
    # Long texts go in smaller batches: the arena keeps the largest run's memory per thread.
    assert all(len(b) * 256 <= MAX_BATCH_TOKENS for b in length_batches([256] * 40, 32))


def test_a_lone_batch_is_spread_over_the_threads_and_several_are_left_alone() -> None:
    assert spread([[0, 1, 2, 3, 4]], 2) == [[0, 1, 2], [3, 4]]
    assert spread([[0]], 2) == [[0]]
    assert spread([[0, 1], [2]], 2) == [[0, 1], [2]]


def test_cached_embeddings_equal_fresh_ones_and_are_computed_once() -> None:
    model = load_minilm()
    texts = [
        "Invoices matched without a person.",
        "Close in four days.",
        "Invoices matched without a person.",
    ]
    runs: list[int] = []
    original = model._embed_batch

    def counted(batch: list[list[int]], release_memory: bool) -> np.ndarray:
        runs.append(len(batch))
        return original(batch, release_memory)

    model._embed_batch = counted  # type: ignore[method-assign]
    try:
        first = model.embed_cached(texts)
        embedded = sum(runs)
        again = model.embed_cached(list(reversed(texts)))
    finally:
        del model._embed_batch
    assert embedded == 2  # the repeated text once
    assert sum(runs) == embedded  # the second call ran nothing
    np.testing.assert_allclose(first, model.embed(texts), atol=1e-5)
    np.testing.assert_allclose(again, first[::-1], atol=0)


def test_texts_that_differ_only_past_what_the_model_reads_are_embedded_once() -> None:
    model = MiniLMModel(
        package_file(MODEL_PACKAGE, MODEL_FILE),
        package_file(TOKENIZER_PACKAGE, TOKENIZER_FILE),
        threads=1,
    )
    sheet = "Invoice capture matches receipts to purchase orders across every entity. " * 30
    texts = [sheet + "\n\nEdition 1.", sheet + "\n\nEdition 2.", "Edition 3. " + sheet]
    runs: list[list[list[int]]] = []
    original = model._embed_batch

    def counted(batch: list[list[int]], release_memory: bool) -> np.ndarray:
        runs.append(batch)
        return original(batch, release_memory)

    model._embed_batch = counted  # type: ignore[method-assign]
    try:
        first = model.embed_cached(texts[:1])
        second = model.embed_cached(texts[1:2])  # differs past token 256: nothing new to run
        assert sum(len(b) for b in runs) == 1
        third = model.embed_cached(texts[2:])  # differs inside the first 256 tokens: embedded
    finally:
        del model._embed_batch
    assert sum(len(b) for b in runs) == 2
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(second, model.embed(texts[1:2]), atol=1e-5)
    assert not np.allclose(third, first, atol=1e-5)
    assert list(model._cache) == texts  # each text is remembered under its own words too


def test_the_cache_forgets_the_oldest_texts_beyond_its_size() -> None:
    model = MiniLMModel(
        package_file(MODEL_PACKAGE, MODEL_FILE),
        package_file(TOKENIZER_PACKAGE, TOKENIZER_FILE),
        threads=1,
        cache_size=2,
    )
    model.embed_cached(["one", "two", "three"])
    assert list(model._cache) == ["two", "three"]
    assert len(model._token_cache) == 2


def test_callers_on_many_threads_get_the_same_vectors_as_one_caller() -> None:
    model = load_minilm()
    groups = [
        [f"Team {i} closed the books in {i} days." for i in range(j, j + 5)] for j in range(8)
    ]
    serial = [model.embed(g) for g in groups]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(model.embed, groups))
    for a, b in zip(serial, parallel, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_releasing_arena_memory_after_large_runs_keeps_vectors_identical() -> None:
    model = load_minilm()
    texts = ["The finance team closed the books in four days after consolidation. " * 12] * 16
    kept = model.embed(texts)
    released = model.embed(texts, release_memory=True)
    np.testing.assert_allclose(kept, released, atol=1e-6)


def test_text_past_256_tokens_is_truncated_not_rejected() -> None:
    long_text = "invoice " * 1000
    vector = load_minilm().embed([long_text])
    assert vector.shape == (1, 384)


def test_tampered_model_file_is_refused(tmp_path: Path) -> None:
    original = package_file(MODEL_PACKAGE, MODEL_FILE)
    fake = tmp_path / "model.onnx"
    fake.write_bytes(original.read_bytes()[:-1] + b"\x00")
    with pytest.raises(ResourceError, match="SHA-256"):
        verify_sha256(fake, "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6")


def test_missing_package_is_a_clear_error() -> None:
    with pytest.raises(ResourceError, match="not installed"):
        package_file("primed_no_such_package", "model.onnx")


def test_embedding_function_round_trips_through_its_config() -> None:
    function = MiniLMEmbeddingFunction(batch_size=8)
    rebuilt = MiniLMEmbeddingFunction.build_from_config(function.get_config())
    assert rebuilt.batch_size == 8 and not function.is_legacy()
    assert len(function(["hello"])[0]) == 384


def test_importing_the_embedder_writes_no_environment_and_registers_nothing() -> None:
    import subprocess
    import sys

    script = (
        "import os, sys\n"
        "os.environ.pop('ORT_DISABLE_TELEMETRY', None)\n"
        "from chromadb.utils.embedding_functions import known_embedding_functions as known\n"
        "import app.corpus.embedder as e\n"
        "name = e.MiniLMEmbeddingFunction.name()\n"
        "ort = 'onnxruntime' in sys.modules\n"
        "print('ORT_DISABLE_TELEMETRY' in os.environ, name in known, ort)\n"
        "e.minilm_function()\n"
        "print(name in known)\n"
        "e.load_minilm()\n"
        "print(os.environ.get('ORT_DISABLE_TELEMETRY'), 'onnxruntime' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:3] == ["False False False", "True", "1 True"]


def test_only_a_long_lived_stores_embedding_releases_memory(tmp_path: Path) -> None:
    from app.config import Settings
    from app.services import Services

    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    server = Services(settings, long_lived=True).store.embedding_function
    command = Services(settings).store.embedding_function
    assert server.release_memory and not command.release_memory
