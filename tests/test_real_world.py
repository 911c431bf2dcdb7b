"""Trust on real-world text: realistic datasheets and case notes (first person, headings,
bullets, quotes, competitors named, planted instructions), grounded engine, real chromadb.

The ground truth is corpora/samples/real-world/manifest.yaml (which offering each datasheet is
about, whether notes exist) plus hostile notes in tests/data/hostile_notes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.config import PROJECT_ROOT, Settings
from app.corpus.ingest import ingest_paths
from app.corpus.loaders import load_paths
from app.corpus.store import CaseNoteStore
from app.documents import read_document
from app.domain import CaseNote, Rewrite
from app.engines.registry import build_engines
from app.pipeline import Pipeline, RewriteRequest
from app.retrieve import Retriever
from app.scoring.factory import build_scorer
from app.scoring.support import key_words
from app.titles import TitleRegistry
from tests.conftest import CASE_NOTES

REAL_WORLD = PROJECT_ROOT / "corpora" / "samples" / "real-world"
HOSTILE = Path(__file__).parent / "data" / "hostile_notes"
MANIFEST: dict[str, Any] = yaml.safe_load((REAL_WORLD / "manifest.yaml").read_text())
SHEETS = [(d["file"], t) for d in MANIFEST["datasheets"] for t in d["titles"]]
NOTES: dict[str, CaseNote] = {
    n.id: n for n, _ in load_paths([CASE_NOTES, REAL_WORLD / "case_notes", HOSTILE]).notes
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, titles: TitleRegistry) -> Pipeline:
    """Tidy samples, real-world notes and hostile notes in one real embedded store."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("world"), _env_file=None)  # type: ignore[call-arg]
    store = CaseNoteStore(settings)
    summary = ingest_paths([CASE_NOTES, REAL_WORLD / "case_notes", HOSTILE], store, titles)
    assert summary.ok, summary.errors
    scorer = build_scorer(settings, titles)
    return Pipeline(settings, Retriever(store, titles), scorer, build_engines(settings, scorer))


@pytest.fixture(scope="module")
def rewrites(world: Pipeline) -> dict[tuple[str, str], Rewrite]:
    """Every real-world datasheet for each title its manifest names (grounded engine)."""
    found: dict[tuple[str, str], Rewrite] = {}
    for name, title in SHEETS:
        copy = read_document(REAL_WORLD / "datasheets" / name, 20_000)
        request = RewriteRequest.model_validate(
            {"copy": copy, "title": title, "engine": "grounded"}
        )
        found[(name, title)] = world.rewrite(request)
    return found


def entry(name: str) -> dict[str, Any]:
    return next(d for d in MANIFEST["datasheets"] if d["file"] == name)


def cited_notes(result: Rewrite) -> Iterator[CaseNote]:
    for claim in result.claims:
        for note_id in claim.evidence_ids:
            yield NOTES[note_id]


def test_the_real_world_set_is_large_enough_to_mean_something() -> None:
    assert len(MANIFEST["datasheets"]) >= 20
    assert sum(not d["has_notes"] for d in MANIFEST["datasheets"]) >= 5


def test_no_rewrite_cites_a_note_about_another_offering(
    rewrites: dict[tuple[str, str], Rewrite],
) -> None:
    wrong = [
        (name, title, note.id, note.offering)
        for (name, title), result in rewrites.items()
        for note in cited_notes(result)
        if note.offering != entry(name)["offering"]
    ]
    assert not wrong


def test_the_offering_is_told_from_the_headline_not_the_most_named_competitor(
    rewrites: dict[tuple[str, str], Rewrite],
) -> None:
    # Prometheus has notes in this store and is named 18 times on this page; Chronolake twice.
    result = rewrites[("chronolake-for-prometheus-users.html", "CTO")]
    assert result.product == "Chronolake"
    assert {n.offering for n in cited_notes(result)} == {"Chronolake"}


def test_datasheets_without_notes_get_copy_with_no_citation_and_say_why(
    rewrites: dict[tuple[str, str], Rewrite],
) -> None:
    without = [key for key in rewrites if not entry(key[0])["has_notes"]]
    with_body = [key for key in without if rewrites[key].claims]
    # A real rewrite, not a headline alone, for most: the copy's plain promises and needs.
    assert len(with_body) >= 0.75 * len(without), sorted(set(without) - set(with_body))
    for name, title in without:
        result = rewrites[(name, title)]
        assert result.evidence_status in ("none_for_offering", "offering_unknown"), name
        assert not result.evidence and not any(c.evidence_ids for c in result.claims)
        assert all(not c.supported for c in result.claims)
        assert "No case note" not in result.text, "a placeholder is not copy"
        assert result.scorecard.measures["grounding"].passed, (name, title)
        assert any("no case note" in w or "could not tell" in w for w in result.warnings)


def normalised(text: str) -> str:
    return " ".join(re.sub(r"[\"“”]", "", text).split()).rstrip(".").lower()


def found_in_note(sentence: str, note: CaseNote) -> bool:
    """The support sentence is the note's own text: names may be described, quotes dropped,
    a full stop added."""
    pattern = re.escape(normalised(sentence))
    for label in {note.describe_customer().lower(), "the customer's", "the customer"}:
        pattern = pattern.replace(re.escape(label), r".+?")
    return re.search(pattern, normalised(note.body)) is not None


def test_offerings_with_measured_notes_get_claims_a_reader_can_check(
    rewrites: dict[tuple[str, str], Rewrite],
) -> None:
    measured = {n["offering"] for n in MANIFEST["notes"] if n["measured"]}
    pairs = [
        key
        for key in rewrites
        if entry(key[0])["offering"] in measured & {"Chronolake", "Launchwell", "SignalPath"}
    ][:6]
    assert len(pairs) == 6
    checkable = 0
    for key in pairs:
        result = rewrites[key]
        claims = [c for c in result.claims if c.evidence_ids and c.supports]
        for claim in claims:
            note = NOTES[claim.evidence_ids[0]]
            assert all(found_in_note(s, note) for s in claim.supports), (key, claim.supports)
        checkable += bool(claims)
    assert checkable >= 5


def test_a_need_in_the_profiles_words_cites_a_note_only_when_the_note_says_all_of_it(
    rewrites: dict[tuple[str, str], Rewrite],
) -> None:
    """A need sentence is the title profile's words. "Your team can know which services and
    teams drive infrastructure cost [RW-001]" rested on "Monitoring infrastructure cost down
    60%": half its key words were in the note, and none of its meaning."""
    loose = []
    for key, result in rewrites.items():
        for claim in result.claims:
            profile_words = claim.text.startswith(("Your team ", "With "))
            if claim.kind != "need" or not claim.evidence_ids or not profile_words:
                continue
            said = " ".join(NOTES[i].body for i in claim.evidence_ids)
            missing = key_words(claim.text) - key_words(said)
            if missing:
                loose.append((key, claim.text, sorted(missing)))
    # None is cited today: no note uses every word of a need. The old engine cited several.
    assert not loose
    cto = rewrites[("chronolake-for-prometheus-users.html", "CTO")]
    assert cto.claims and any(c.evidence_ids for c in cto.claims)  # it still cites results
    assert not any("drive infrastructure cost" in c.text and c.evidence_ids for c in cto.claims)


def test_no_rewrite_ships_a_fragment(rewrites: dict[tuple[str, str], Rewrite]) -> None:
    broken = {
        key: result.scorecard.measures["wellformed"].reason
        for key, result in rewrites.items()
        if not result.scorecard.measures["wellformed"].passed
    }
    assert not broken


def test_a_planted_instruction_in_a_note_never_reaches_the_copy(world: Pipeline) -> None:
    copy = (
        "LedgerFlow offers real-time GL sync via REST API, multi-entity consolidation, automated "
        "3-way matching with OCR, SOC 2 Type II and a 99.95% uptime SLA."
    )
    for title in ("CFO", "COO"):
        request = RewriteRequest.model_validate(
            {"copy": copy, "title": title, "industry": "logistics"}
        )
        result = world.rewrite(request)
        shown = " ".join(
            [
                result.text,
                *(c.text + " ".join(c.supports) for c in result.claims),
                *(e.snippet + " ".join(e.supports) for e in result.evidence),
            ]
        ).lower()
        for planted in ("globex", "900%", "ignore previous", "$9m", "75%", "im_start", "disregard"):
            assert planted not in shown, (title, planted)


def test_kits_from_real_notes_cite_only_plain_accounts_of_the_offerings_own_notes(
    world: Pipeline, titles: TitleRegistry
) -> None:
    from app.kit.build import KitBuilder
    from app.kit.notes import offering_notes
    from app.text import split_sentences

    store = world.retriever.store
    for offering in ("Chronolake", "Launchwell", "SignalPath"):
        notes = offering_notes(store, offering)
        own = {n.note_id for n in notes}
        kit = KitBuilder(world.scorer).build(offering, notes, list(titles))
        assert kit.cited_lines(), offering
        for line in kit.cited_lines():
            assert set(line.note_ids) <= own, (offering, line.text)
            assert len(split_sentences(line.text)) == 1, line.text  # nothing glued on
        shown = [
            sentence
            for title in kit.titles
            for goal in title.goals
            for scenario in goal.scenarios
            if scenario.source is not None
            for sentence in scenario.source.sentences
        ]
        for sentence in shown:  # where a scenario is lived: never a hedge or someone's statistic
            assert not re.search(r"Gartner|estimate|we think|projection|\?$", sentence), sentence
        text = kit.model_dump_json()
        assert "900%" not in text and "Globex" not in text


class Recorded:
    """The llm engine's answer replayed from a recording of Qwen2.5-Coder-1.5B on llama.cpp
    (tests/engines/recordings): the pipeline's guard is what is tested, not the model."""

    name = "llm"
    uses_evidence = True
    guarded = True
    revisable = True

    def __init__(self, recording: str) -> None:
        import json

        from app.engines.llm import parse_answer

        path = Path(__file__).parent / "engines" / "recordings" / recording
        data = json.loads(path.read_text())
        self.draft, _ = parse_answer(data["content"], data["finish"])
        self.datasheet = PROJECT_ROOT / data["datasheet"]
        self.title = data["title"]

    @property
    def model(self) -> str:
        return "qwen2.5-coder-1.5b"

    def generate(self, _context: Any) -> Any:
        return self.draft

    def revise(self, _context: Any, draft: Any, _problems: Any) -> Any:
        return draft


def replay(world: Pipeline, recording: str) -> tuple[Rewrite, Recorded]:
    from app.pipeline import Engines

    engine = Recorded(recording)
    base = world.engines
    engines = Engines(
        create=lambda name: engine if name == "llm" else base.create(name),
        auto=lambda: "llm",
        fallback=base.fallback,
    )
    pipeline = Pipeline(world.settings, world.retriever, world.scorer, engines, max_rounds=0)
    copy = read_document(engine.datasheet, 20_000)
    request = RewriteRequest.model_validate({"copy": copy, "title": engine.title, "engine": "llm"})
    return pipeline.rewrite(request), engine


def test_a_model_draft_whose_results_fail_is_completed_with_the_notes_cited_results(
    world: Pipeline,
) -> None:
    result, engine = replay(world, "qwen-launchwell-platform-vpe.json")
    # The model's own sentences cited notes that do not say what it wrote; its plain need
    # sentence survives, and the notes' results are added exactly as the facts hold them.
    assert result.engine == "llm" and result.model == "qwen2.5-coder-1.5b"
    assert any("added 2 cited result(s)" in w for w in result.warnings), result.warnings
    model_sentences = {s.text for s in engine.draft.sentences}
    assert any(c.text in model_sentences for c in result.claims)
    cited = [c for c in result.claims if c.evidence_ids]
    assert cited and all(c.supports for c in cited)
    assert all(c.evidence_ids[0].startswith("RW-") for c in cited)
    for name in ("residue", "lexicon", "grounding", "content_kept", "wellformed"):
        assert result.scorecard.measures[name].passed, (name, result.text)


def test_a_model_draft_with_nothing_usable_falls_back_to_grounded_and_says_so(
    world: Pipeline,
) -> None:
    result, _ = replay(world, "qwen-ledgerflow-close-cfo.json")
    assert result.engine == "grounded"
    assert any("nothing usable survived the guard" in w for w in result.warnings)
    assert not any("added" in w and "cited result" in w for w in result.warnings)
