"""The messaging kit on the real sample store: every title covered, only the offering's own
notes cited, every cited sentence found in its note, gaps exact, no confidential name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.citing import shown
from app.config import Settings
from app.corpus.ingest import ingest_paths
from app.corpus.store import CaseNoteStore
from app.domain import Evidence
from app.errors import NotFoundError
from app.kit.build import KitBuilder
from app.kit.models import Kit
from app.kit.notes import offering_notes, resolve
from app.kit.render import render_html, render_markdown
from app.scoring.factory import build_scorer
from app.scoring.scorecard import Scorer
from app.titles import TitleRegistry
from tests.conftest import CASE_NOTES
from tests.leaks import leaked


@pytest.fixture(scope="module")
def scorer(titles: TitleRegistry) -> Scorer:
    return build_scorer(Settings(_env_file=None), titles)  # type: ignore[call-arg]


def kit_for(store: CaseNoteStore, offering: str, titles: TitleRegistry, scorer: Scorer) -> Kit:
    return KitBuilder(scorer).build(offering, offering_notes(store, offering), list(titles))


def checkable(kit: Kit, notes: list[Evidence]) -> list[str]:
    """Cited lines whose sources are not this offering's notes or not in the note's text."""
    by_id = {n.note_id: shown(n.text, n) for n in notes}
    wrong = []
    lines = kit.cited_lines()
    sources = [s for line in lines for s in line.sources]
    sources += [s for t in kit.titles for s in t.summary_sources]
    for source in sources:
        text = by_id.get(source.note_id)
        if text is None:
            wrong.append(f"{source.note_id}: not a note about {kit.offering}")
            continue
        for sentence in source.sentences:
            if sentence.rstrip(".") not in text:
                wrong.append(f"{source.note_id}: {sentence!r} is not in the note")
    for line in lines:
        for note_id in line.note_ids:
            if f"{note_id}]" not in line.text and f"{note_id}," not in line.text:
                wrong.append(f"{line.text!r} does not cite {note_id}")
    return wrong


def test_every_sample_offering_gets_a_kit_for_all_nine_titles_citing_only_its_notes(
    sample_store: CaseNoteStore, titles: TitleRegistry, scorer: Scorer
) -> None:
    offerings = sample_store.offerings()
    assert len(offerings) >= 5
    for offering in offerings:
        notes = offering_notes(sample_store, offering)
        kit = kit_for(sample_store, offering, titles, scorer)
        assert [t.title_id for t in kit.titles] == [p.id for p in titles]
        assert len(kit.matrix) == sum(len(p.goals) for p in titles)
        assert kit.cited_lines(), f"{offering}: no goal supported by any note"
        assert checkable(kit, notes) == [], offering
        for title in kit.titles:
            for goal in title.goals:
                assert set(goal.note_ids) <= {n.note_id for n in notes}
        rendered = render_markdown(kit) + render_html(kit) + kit.model_dump_json()
        assert leaked(rendered) == [], offering


def test_each_supported_goal_has_questions_from_its_problems_scenarios_and_stories(
    sample_store: CaseNoteStore, titles: TitleRegistry, scorer: Scorer
) -> None:
    kit = kit_for(sample_store, "LedgerFlow", titles, scorer)
    cfo = next(t for t in kit.titles if t.title_id == "cfo")
    profile = titles.get("CFO")
    assert cfo.goals, "LedgerFlow's notes support no CFO goal"
    for goal in cfo.goals:
        asked = {q for p in profile.problems if p.blocks == goal.goal_id for q in p.questions}
        assert 2 <= len(goal.questions) <= 4 and set(goal.questions) <= asked
        # A scenario without a note showing it lived stands only alone (the goal's first need).
        assert all(s.source for s in goal.scenarios) or len(goal.scenarios) == 1
        ledger = {n.note_id for n in offering_notes(sample_store, "LedgerFlow")}
        assert {s.source.note_id for s in goal.scenarios if s.source} <= ledger
        served = {n.id for n in profile.needs if n.serves == goal.goal_id}
        assert {s.need_id for s in goal.scenarios} <= served
        assert all(s.text.startswith("What if") for s in goal.scenarios)
        # The stories are the goal's best notes, as many as it has, at most two.
        told = [s.note_id for s in goal.stories]
        assert told == goal.note_ids[: min(2, len(goal.note_ids))]
        for story in goal.stories:
            assert f"[{story.note_id}]" in story.result.text
    # The matrix and the title sections agree: a cell counts the notes of its goal.
    for cell in (c for c in kit.matrix if c.title_id == "cfo"):
        found = next((g for g in cfo.goals if g.goal_id == cell.goal_id), None)
        assert cell.notes == (len(found.note_ids) if found else 0)
        assert (cell.best is None) == (found is None)
    assert {g.goal_id for g in cfo.gaps}.isdisjoint({g.goal_id for g in cfo.goals})


def test_a_keyword_alone_does_not_make_a_result_support_a_goal(
    sample_store: CaseNoteStore, titles: TitleRegistry, scorer: Scorer
) -> None:
    # PS-007's journal-entry result mentions "budget support for faculties": the CIO's IT
    # budget goal shares the keyword "budget" but the result says nothing about IT's costs.
    kit = kit_for(sample_store, "LedgerFlow", titles, scorer)
    cio = next(c for c in kit.matrix if c.title_id == "cio" and c.goal_id == "lower-run-cost")
    assert cio.notes == 0 and cio.best is None


def test_deleting_a_goals_only_supporting_note_turns_it_into_a_gap(
    tmp_path: Path, titles: TitleRegistry, scorer: Scorer
) -> None:
    notes_dir = tmp_path / "notes"
    notes_dir.mkdir()
    for path in CASE_NOTES.glob("*.md"):
        if "offering: LedgerFlow" in path.read_text(encoding="utf-8"):
            shutil.copy(path, notes_dir / path.name)
    store = CaseNoteStore(Settings(data_dir=tmp_path / "data", _env_file=None))  # type: ignore[call-arg]
    assert ingest_paths([notes_dir], store, titles).ok
    before = kit_for(store, "LedgerFlow", titles, scorer)
    single = next(c for c in before.matrix if c.notes == 1)
    assert single.best is not None
    only = single.best.note_ids[0]
    where = (single.title_id, single.goal_id)
    assert where not in {(g.title_id, g.goal_id) for g in before.gaps}

    store.delete_note(only)
    after = kit_for(store, "LedgerFlow", titles, scorer)
    cell = next(
        c for c in after.matrix if (c.title_id, c.goal_id) == (single.title_id, single.goal_id)
    )
    assert cell.notes == 0 and cell.best is None
    assert any((g.title_id, g.goal_id) == (single.title_id, single.goal_id) for g in after.gaps)
    assert only not in json.dumps(after.model_dump())
    assert after.notes == before.notes - 1


def test_an_offering_is_found_by_any_case_and_an_unknown_one_lists_those_with_notes(
    sample_store: CaseNoteStore,
) -> None:
    assert resolve(sample_store, "ledgerflow") == "LedgerFlow"
    with pytest.raises(NotFoundError, match="no case notes about 'Brightvault'.*LedgerFlow"):
        resolve(sample_store, "Brightvault")
