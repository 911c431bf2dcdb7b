from __future__ import annotations

import pytest

from app.config import PROJECT_ROOT, Settings
from app.scoring.factory import build_scorer
from app.scoring.scorecard import Scorer
from app.titles import TitleRegistry


@pytest.fixture(scope="session")
def scorer(titles: TitleRegistry) -> Scorer:
    """The real scorer: shipped lexicons, titles, thresholds, embedder and sample datasheets."""
    settings = Settings(resources_dir=PROJECT_ROOT, _env_file=None)  # type: ignore[call-arg]
    return build_scorer(settings, titles)
