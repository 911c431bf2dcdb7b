"""Kit eval suites (evals/kits/*.yaml, `kind: kit`): each case builds a kit from the ingested
notes and checks its structure, its citations, its questions and its jargon, plus what the
case expects (goals supported, gaps). `primed eval` runs them like rewrite suites."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field

from app.citing import shown
from app.domain import Evidence, Strict, TitleProfile
from app.errors import InvalidInputError
from app.evals.suite import check_unique_ids
from app.kit.models import Kit
from app.kit.render import render_html, render_markdown
from app.scoring.names import confidential_patterns
from app.scoring.scorecard import Scorer
from app.scoring.support import key_words
from app.yamlio import load_yaml_model


class KitExpect(Strict):
    min_supported: int = Field(default=1, ge=0, description="Cells with a note behind them.")
    gaps: list[str] = Field(default_factory=list, description="'title-id/goal-id': gaps.")
    supported: list[str] = Field(default_factory=list, description="... that must be supported.")


class KitCase(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    product: str
    titles: list[str] = Field(default_factory=list)
    industry: str | None = None
    expect: KitExpect = Field(default_factory=KitExpect)


class KitSuite(Strict):
    kind: Literal["kit"]
    name: str
    description: str = ""
    cases: list[KitCase] = Field(min_length=1)


class KitMeasure(Strict):
    name: str
    value: float
    passed: bool
    reason: str


class KitCaseResult(Strict):
    id: str
    offering: str
    measures: list[KitMeasure]
    passed: bool


class KitReport(Strict):
    suite: str
    description: str
    results: list[KitCaseResult]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)


def is_kit_suite(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and data.get("kind") == "kit"


def kit_suite_files(path: Path) -> list[Path]:
    """The kit suites `path` names: itself, or every *.yaml of a folder of kit suites; none
    when it holds rewrite suites. A folder mixing both kinds is an error (one report each)."""
    if not path.is_dir():
        return [path] if is_kit_suite(path) else []
    files = sorted(path.glob("*.yaml"))
    kits = [f for f in files if is_kit_suite(f)]
    if kits and len(kits) < len(files):
        rewrites = [f.name for f in files if f not in kits]
        raise InvalidInputError(
            f"{path} holds kit suites ({', '.join(f.name for f in kits)}) and rewrite suites "
            f"({', '.join(rewrites)}); run each kind on its own"
        )
    return kits


def load_kit_suites(files: list[Path], name: str) -> KitSuite:
    """One kit suite, or several merged under `name` (like rewrite suites in a folder)."""
    suites = [load_yaml_model(f, KitSuite) for f in files]
    if len(suites) == 1:
        return suites[0]
    cases = [case for suite in suites for case in suite.cases]
    check_unique_ids([case.id for case in cases], name)
    description = "; ".join(s.name for s in suites)
    return KitSuite(kind="kit", name=name, description=description, cases=cases)


def measure(
    case: KitCase,
    kit: Kit,
    notes: list[Evidence],
    profiles: list[TitleProfile],
    scorer: Scorer,
) -> KitCaseResult:
    measures = [
        _structure(kit, profiles),
        _citations(kit, notes),
        _questions(kit, profiles),
        _residue(kit, scorer),
        _confidential(kit, notes),
        _expected(case, kit),
    ]
    return KitCaseResult(
        id=case.id, offering=kit.offering, measures=measures, passed=all(m.passed for m in measures)
    )


def _ratio(name: str, good: int, total: int, why: list[str], at_least: float = 1.0) -> KitMeasure:
    value = good / total if total else 1.0
    reason = "; ".join(why[:3]) if why else f"{good}/{total}"
    return KitMeasure(name=name, value=round(value, 4), passed=value >= at_least, reason=reason)


def _structure(kit: Kit, profiles: list[TitleProfile]) -> KitMeasure:
    why: list[str] = []
    if [t.title_id for t in kit.titles] != [p.id for p in profiles]:
        why.append("titles missing or out of order")
    if len(kit.matrix) != sum(len(p.goals) for p in profiles):
        why.append("the matrix does not hold every title x goal")
    goals = [g for t in kit.titles for g in t.goals]
    for goal in goals:
        shape = (len(goal.questions), len(goal.scenarios), len(goal.stories))
        if not (2 <= shape[0] <= 4 and 1 <= shape[1] <= 3 and 1 <= shape[2] <= 2):
            why.append(f"{goal.goal_id}: questions/scenarios/stories {shape}")
    return _ratio("structure", len(goals) + 2 - len(why), len(goals) + 2, why)


def _citations(kit: Kit, notes: list[Evidence]) -> KitMeasure:
    """Every cited line rests on this offering's notes, with sentences found in them."""
    texts = {n.note_id: shown(n.text, n) for n in notes}
    lines = kit.cited_lines()
    why = []
    for line in lines:
        for source in line.sources:
            text = texts.get(source.note_id)
            if text is None:
                why.append(f"{source.note_id} is not a note about {kit.offering}")
            elif any(s.rstrip(".") not in text for s in source.sentences):
                why.append(f"{source.note_id}: a shown sentence is not in the note")
    bad = len({w for w in why})
    return _ratio("citations", len(lines) - min(bad, len(lines)), len(lines), why)


def _questions(kit: Kit, profiles: list[TitleProfile]) -> KitMeasure:
    """Each goal's questions speak of the problems blocking it: at least one question per goal
    names a problem (a keyword or a key word); cause questions ("Is it because ...?") may not."""
    by_id = {p.id: p for p in profiles}
    total = good = 0
    why = []
    for title in kit.titles:
        profile = by_id[title.title_id]
        for goal in title.goals:
            blocking = [p for p in profile.problems if p.blocks == goal.goal_id]
            words = {w for p in blocking for w in key_words(p.text)}
            words |= {w for p in blocking for k in p.keywords for w in key_words(k)}
            total += 1
            if any(key_words(q) & words for q in goal.questions):
                good += 1
            else:
                why.append(f"{title.title} / {goal.goal}: no question names its problems")
    return _ratio("questions", good, total, why)


def _residue(kit: Kit, scorer: Scorer) -> KitMeasure:
    """Sentences a seller may say that hold feature jargon (error-level lexicon hits)."""
    texts = kit.texts()
    hits = [t for t in texts if any(lex.find(t) for lex in scorer.jargon)]
    value = len(hits) / len(texts) if texts else 0.0
    reason = "; ".join(hits[:2]) if hits else f"0/{len(texts)} sentences"
    return KitMeasure(name="residue", value=round(value, 4), passed=value <= 0.05, reason=reason)


def _confidential(kit: Kit, notes: list[Evidence]) -> KitMeasure:
    rendered = render_markdown(kit) + render_html(kit) + kit.model_dump_json()
    names = {n.customer_name for n in notes if not n.publishable and n.customer_name}
    named = sorted(n for n in names if any(p.search(rendered) for p in confidential_patterns(n)))
    return KitMeasure(
        name="confidential",
        value=float(len(named)),
        passed=not named,
        reason=f"{len(named)} confidential customers named" if named else "none named",
    )


def _expected(case: KitCase, kit: Kit) -> KitMeasure:
    supported = {f"{c.title_id}/{c.goal_id}" for c in kit.matrix if c.notes}
    gaps = {f"{g.title_id}/{g.goal_id}" for g in kit.gaps}
    why = [f"{g} is not a gap" for g in case.expect.gaps if g not in gaps]
    why += [f"{s} is not supported" for s in case.expect.supported if s not in supported]
    if len(supported) < case.expect.min_supported:
        why.append(f"{len(supported)} goals supported, expected >= {case.expect.min_supported}")
    checks = len(case.expect.gaps) + len(case.expect.supported) + 1
    return _ratio("expect", checks - len(why), checks, why)


def render_report_markdown(report: KitReport) -> str:
    verdict = "PASS" if report.passed else "FAIL"
    out = [f"# Kit eval: {report.suite} {verdict}", "", report.description, ""]
    names = [m.name for m in report.results[0].measures] if report.results else []
    out.append("| case | offering | " + " | ".join(names) + " |")
    out.append("| --- | --- | " + " | ".join("---" for _ in names) + " |")
    for r in report.results:
        cells = [f"{m.value:g} {'ok' if m.passed else 'FAIL'}" for m in r.measures]
        out.append(f"| {r.id} | {r.offering} | " + " | ".join(cells) + " |")
    failed = [(r.id, m) for r in report.results for m in r.measures if not m.passed]
    if failed:
        out += ["", "## Failures", ""]
        out += [f"- {case} {m.name}: {m.reason.replace(chr(10), ' ')}" for case, m in failed]
    return "\n".join(out) + "\n"
