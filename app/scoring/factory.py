"""Build a Scorer from Settings: lexicons, titles, thresholds and the content reference set."""

from __future__ import annotations

from collections.abc import Sequence

from app.config import Settings
from app.corpus.embedder import load_minilm
from app.documents import SUPPORTED_SUFFIXES, read_document
from app.scoring.content import ContentReference
from app.scoring.lexicon import load_lexicons
from app.scoring.scorecard import Scorer, ScoringConfig
from app.scoring.wordlists import WordLists
from app.titles import TitleRegistry


def reference_texts(settings: Settings) -> list[str]:
    """The sample datasheets: the default 'other sources' for content kept."""
    folder = settings.samples_dir / "datasheets"
    paths = sorted(p for p in folder.glob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES)
    # Shipped reference data, not user copy: the copy size limit does not apply to it.
    return [read_document(p, max_chars=1_000_000) for p in paths]


def build_scorer(
    settings: Settings,
    titles: TitleRegistry | None = None,
    references: Sequence[str] | None = None,
    embed: bool = True,
) -> Scorer:
    content = None
    if embed:
        model = load_minilm(settings.embed_threads)
        texts = list(references) if references is not None else reference_texts(settings)
        content = ContentReference(model.embed_cached, texts)
    return Scorer(
        load_lexicons(settings.lexicons_dir),
        titles or TitleRegistry.from_dir(settings.titles_dir),
        ScoringConfig.load(settings.resources_dir / "corpora" / "scoring.yaml"),
        WordLists.load(settings.resources_dir / "corpora" / "wordlists.yaml"),
        content,
    )
