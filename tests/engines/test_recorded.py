"""A recorded SmolLM2 answer pins what the guard does with a weak model's draft (no server)."""

from __future__ import annotations

import json
from pathlib import Path

from app.config import Settings
from app.domain import Draft
from app.engines.base import EngineContext
from app.features import extract_features
from app.guard import check_citations, drop_failing, guard_failures
from app.retrieve import Retriever
from app.scoring.factory import build_scorer
from app.titles import TitleRegistry

RECORDING = Path(__file__).parent / "recordings" / "smollm2-draft.json"
COPY = (
    "LedgerFlow offers real-time GL sync via REST API, multi-entity consolidation, automated "
    "3-way matching with OCR, SOC 2 Type II and a 99.95% uptime SLA."
)


def test_recorded_weak_model_draft_parses_fails_the_guard_and_is_dropped(
    titles: TitleRegistry, sample_retriever: Retriever
) -> None:
    from app.pipeline import evidence_texts
    from app.scoring.scorecard import ScoreInput

    recorded = json.loads(RECORDING.read_text())
    draft = Draft.model_validate_json(recorded["content"])  # the wire format parses as-is
    scorer = build_scorer(Settings(_env_file=None), titles)  # type: ignore[call-arg]
    profile = titles.get("CFO")
    evidence = sample_retriever.retrieve("consolidation", "CFO", k=3, offering="LedgerFlow")
    context = EngineContext(COPY, profile, "LedgerFlow", None, extract_features(COPY), evidence)

    def score(d: Draft):  # type: ignore[no-untyped-def]
        return scorer.score(
            ScoreInput(
                source=COPY,
                rewrite=d.text,
                title="CFO",
                product="LedgerFlow",
                evidence=evidence_texts(context.evidence),
                claims=d.claims,
            )
        )

    # The model cited PS-001 for an invented sentence: the note does not support it.
    checked = check_citations(draft, evidence, "LedgerFlow")
    assert "PS-001" in checked.removed or "PS-001" not in {e.note_id for e in evidence}
    card = score(checked.draft)
    assert "grounding" in guard_failures(card)  # invented numbers
    flagged = {s.text for s in card.measures["grounding"].spans}
    assert any("3.5 million" in text for text in flagged)
    kept = drop_failing(checked.draft, card, profile)
    assert "grounding" not in guard_failures(score(kept))
    assert not kept.sentences  # the only sentence was invented
