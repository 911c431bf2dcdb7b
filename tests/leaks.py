"""Which confidential (non-publishable) sample customers a piece of output names."""

from __future__ import annotations

from functools import lru_cache

from app.corpus.loaders import load_paths
from app.scoring.names import confidential_patterns
from tests.conftest import CASE_NOTES


@lru_cache(maxsize=1)
def confidential_customers() -> tuple[str, ...]:
    notes = load_paths([CASE_NOTES]).notes
    return tuple(sorted({note.customer for note, _ in notes if not note.publishable}))


def leaked(text: str) -> list[str]:
    """Confidential customers named in `text`, in full or by their short name."""
    return [
        name
        for name in confidential_customers()
        if any(pattern.search(text) for pattern in confidential_patterns(name))
    ]
