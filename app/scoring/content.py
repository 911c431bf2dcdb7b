"""Content kept: is the rewrite about *this* product, or generic executive talk that fits any?

As content preservation is measured in style-transfer research: embed the rewrite and its
source (offline MiniLM, product name removed from both) and compare the rewrite's similarity
to its own content (the source, or the evidence it cites) with its mean similarity to other
sources (the rest of an eval suite, or the sample datasheets). Generic copy is as close to
every source as to its own: its margin is near zero.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

Embed = Callable[[list[str]], np.ndarray]


def strip_product(text: str, product: str | None) -> str:
    if not product:
        return text
    return re.sub(rf"(?i)(?<!\w){re.escape(product)}(?!\w)", "", text)


class ContentReference:
    """Embeddings of reference sources, computed once and reused for every score. `embed`
    should remember what it embeds (MiniLMModel.embed_cached): sources and notes recur across
    guard rounds, titles and evals."""

    def __init__(self, embed: Embed, texts: Sequence[str]) -> None:
        self.embed = embed
        self.texts = list(texts)
        self.vectors = embed(self.texts) if self.texts else np.zeros((0, 1), dtype=np.float32)

    def margin(
        self, rewrite: str, source: str, product: str | None, evidence: Sequence[str] = ()
    ) -> tuple[float, float, float]:
        """(margin, similarity to its own content, mean similarity to other references).

        Its own content is the source or the evidence it cites, whichever is closer: copy
        built from a customer's measured outcome keeps the product's content even when it
        shares no words with a one-line feature list.
        """
        texts = [strip_product(t, product) for t in (rewrite, source, *evidence)]
        vectors = self.embed(texts)
        own = float(np.max(vectors[1:] @ vectors[0]))
        if len(self.vectors) == 0:
            return own, own, 0.0
        sims = self.vectors @ vectors[0]
        # The source itself may be in the reference set (eval suites): leave it out.
        others = [
            float(s) for s, t in zip(sims, self.texts, strict=True) if t.strip() != source.strip()
        ]
        mean_other = float(np.mean(others)) if others else 0.0
        return own - mean_other, own, mean_other
