"""The kit's llm engine against the real llama.cpp server: the model writes each title's
summary through the guarded pipeline, or the grounded summary stays and a warning says so."""

from __future__ import annotations

import pytest

from app.config import Settings
from app.corpus.store import CaseNoteStore
from app.kit.service import KitRequest, make_kit
from app.services import Services
from tests.conftest import LlamaServer
from tests.leaks import leaked

pytestmark = [pytest.mark.server, pytest.mark.slow]


def test_llm_kit_summary_is_written_by_the_model_or_said_to_be_grounded(
    llama: LlamaServer, sample_store: CaseNoteStore
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        data_dir=sample_store.settings.data_dir,
        llm_base_url=llama.url,
        llm_model="smollm2",
        llm_response_format="json_object",
        llm_max_tokens=300,
        llm_timeout=120,
        llm_revise_rounds=1,
        llm_seed=7,
        _env_file=None,
    )
    before = llama.completions()
    kit = make_kit(
        Services(settings), KitRequest(product="LedgerFlow", titles=["CFO"], engine="llm")
    )
    assert llama.completions() > before, "the model was never asked"
    cfo = kit.titles[0]
    assert kit.engine == "llm" and cfo.goals
    if cfo.engine == "llm":
        assert cfo.model == "smollm2" and cfo.summary_sources
    else:
        assert any("grounded summary is shown" in w for w in kit.warnings), kit.warnings
    assert leaked(kit.model_dump_json()) == []
