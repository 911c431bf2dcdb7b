"""The packaged MiniLM embedder: verified, offline, normalised, and order-preserving."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.corpus.embedder import (
    MODEL_FILE,
    MODEL_PACKAGE,
    MiniLMEmbeddingFunction,
    load_minilm,
    package_file,
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


def test_releasing_arena_memory_after_large_runs_keeps_vectors_identical() -> None:
    model = load_minilm()
    texts = ["The finance team closed the books in four days after consolidation. " * 12] * 16
    kept = model.embed(texts)
    model.release_after_large_runs = True
    try:
        released = model.embed(texts)
    finally:
        model.release_after_large_runs = False
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
