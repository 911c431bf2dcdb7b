"""An answer cut at the length limit is salvaged, not thrown away; the limit grows with copy."""

from __future__ import annotations

import pytest

from app.config import Settings
from app.domain import TitleProfile
from app.engines.base import EngineContext
from app.engines.llm import LLMEngine, LLMError, llm_client, parse_answer, salvage
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
    assert limit(30) == limit(10) <= 600  # a long feature list does not buy a longer answer
    small = LLMEngine(settings.model_copy(update={"llm_max_tokens": 200}), llm_client(settings))
    features = [Feature(id=f"F{i}", statement=f"feature {i} does a thing") for i in range(8)]
    assert small.answer_tokens(EngineContext("copy", profile, None, None, features, [])) == 200


# Recorded from SmolLM2-135M on llama.cpp (json_object + schema): a raw line break inside the
# headline string, thirteen feature ids, and an empty sentence beside a real one.
RECORDED = (
    '{ "headline": "Close the books in days, not weeks.\n'
    'LedgerFlow automates the financial close for multi-entity groups." ,"sentences": '
    '[{"text": "Closing of books is now done in days.", "kind": "goal", '
    '"evidence_ids": ["PS-014"], "feature_ids": ["F1","F2","F3","F4","F5","F6","F7","F8",'
    '"F9","F10","F11","F12","F13"]}, {"text": "  ", "kind": "need", "evidence_ids": [], '
    '"feature_ids": []}]}'
)


def test_a_sloppy_but_complete_answer_is_kept_within_the_drafts_limits() -> None:
    draft, salvaged = parse_answer(RECORDED, "stop")
    assert not salvaged
    assert draft.headline == (
        "Close the books in days, not weeks. "
        "LedgerFlow automates the financial close for multi-entity groups."
    )
    assert [s.text for s in draft.sentences] == ["Closing of books is now done in days."]
    assert len(draft.sentences[0].feature_ids) == 12


def test_an_answer_that_is_not_a_draft_names_the_first_problem() -> None:
    with pytest.raises(LLMError, match=r"does not fit the draft schema .*sentences"):
        parse_answer('{"headline": "Close the books", "sentences": "none"}', "stop")
    with pytest.raises(LLMError, match="was cut at the answer limit"):
        parse_answer('{"headline": "Close the books in days", "sentences": [{"text": "Mo', "length")
