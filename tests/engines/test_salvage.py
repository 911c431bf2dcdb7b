"""An answer cut at the length limit is salvaged, not thrown away; the limit grows with copy."""

from __future__ import annotations

from app.config import Settings
from app.domain import TitleProfile
from app.engines.base import EngineContext
from app.engines.llm import LLMEngine, llm_client, salvage
from app.features import Feature
from app.titles import TitleRegistry

WHOLE = (
    '{"headline": "Close the books in days", "sentences": ['
    '{"text": "Month-end close went from 9 days to 4 [PS-014].", "kind": "goal", '
    '"evidence_ids": ["PS-014"], "feature_ids": ["F1"]}, '
    '{"text": "Your team reviews exceptions only.", "kind": "need", "evidence_ids": [], '
    '"feature_ids": ["F2"]}'
)


def test_an_answer_cut_mid_sentence_keeps_every_complete_sentence() -> None:
    cut = WHOLE + ', {"text": "Invoice exceptions fell by'
    draft = salvage(cut)
    assert draft is not None
    assert draft.headline == "Close the books in days"
    assert [s.text for s in draft.sentences] == [
        "Month-end close went from 9 days to 4 [PS-014].",
        "Your team reviews exceptions only.",
    ]


def test_an_answer_cut_before_any_sentence_is_not_salvaged() -> None:
    assert salvage('{"headline": "Close the books in days", "sentences": [{"text": "Mon') is None
    assert salvage("not json at all") is None


def test_the_answer_limit_grows_with_the_copy_up_to_the_setting(titles: TitleRegistry) -> None:
    settings = Settings(  # type: ignore[call-arg]
        llm_base_url="http://127.0.0.1:9/v1", llm_max_tokens=600, _env_file=None
    )
    engine = LLMEngine(settings, llm_client(settings))
    profile: TitleProfile = titles.get("CFO")

    def limit(n: int) -> int:
        features = [Feature(id=f"F{i}", statement=f"feature {i} does a thing") for i in range(n)]
        return engine.answer_tokens(EngineContext("copy", profile, None, None, features, []))

    assert limit(1) < limit(4) < limit(8) <= 600
    assert limit(30) == 600
