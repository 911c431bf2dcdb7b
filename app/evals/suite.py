"""Eval suites (evals/suites/*.yaml): golden cases validated against titles and case notes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints

from app.corpus.loaders import load_paths
from app.domain import CaseNote, EvidenceStatus, Strict
from app.errors import InvalidInputError, ResourceError
from app.scoring.scorecard import MEASURES
from app.titles import TitleRegistry
from app.yamlio import load_yaml_model

CaseId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]


class Reference(Strict):
    """A hand-written rewrite: what a good answer looks like (and what the scorer is tested on)."""

    text: str = Field(min_length=1)
    evidence: list[str] = Field(default_factory=list)


class Expect(Strict):
    """What a rewrite engine's output must show, beyond its scorecard."""

    evidence_status: EvidenceStatus | None = None
    never: list[str] = Field(
        default_factory=list, description="Text that must not appear anywhere (case-insensitive)."
    )
    cited: bool | None = Field(
        default=None, description="True: at least one claim cites a note; False: none does."
    )


class EvalCase(Strict):
    id: CaseId
    offering: str = Field(description="The offering the copy is about (cited notes must be).")
    product: str | None = Field(
        default=None, description="Passed to the pipeline; None lets it tell from the copy."
    )
    title: str
    industry: str | None = None
    copy_text: str = Field(alias="copy", min_length=1)
    must_remove: list[str] = Field(default_factory=list)
    goals: list[str] = Field(default_factory=list)
    thresholds: dict[str, float] = Field(default_factory=dict)
    reference: Reference | None = None
    expect_fail: list[str] = Field(default_factory=list)
    expect: Expect = Field(default_factory=Expect)


class Suite(Strict):
    name: str
    description: str = ""
    cases: list[EvalCase] = Field(min_length=1)


def load_suites(path: Path) -> tuple[str, str, list[EvalCase]]:
    """One suite file, or every *.yaml in a folder merged: (name, description, cases)."""
    if path.is_dir():
        files = sorted(path.glob("*.yaml"))
        if not files:
            raise InvalidInputError(f"{path}: no suite files (*.yaml)")
        suites = [load_yaml_model(f, Suite) for f in files]
        name = path.name
        description = "; ".join(s.name for s in suites)
    elif path.is_file():
        suites = [load_yaml_model(path, Suite)]
        name, description = suites[0].name, suites[0].description
    else:
        raise InvalidInputError(f"{path}: no such suite file or folder")
    cases = [case for suite in suites for case in suite.cases]
    check_unique_ids([case.id for case in cases], str(path))
    return name, description, cases


def check_unique_ids(ids: list[str], where: str) -> None:
    """Suites merged from a folder must not reuse a case id (reports key cases by id)."""
    seen: set[str] = set()
    for case_id in ids:
        if case_id in seen:
            raise ResourceError(f"{where}: case id '{case_id}' appears twice")
        seen.add(case_id)


def validate_cases(
    cases: list[EvalCase], titles: TitleRegistry, notes: dict[str, CaseNote]
) -> None:
    """Every title, goal, measure name and cited note must exist; one error lists them all."""
    problems: list[str] = []
    for case in cases:
        try:
            profile = titles.get(case.title)
        except InvalidInputError as exc:
            problems.append(f"{case.id}: {exc}")
            continue
        problems += [
            f"{case.id}: goal '{g}' is not a {profile.name} goal"
            for g in case.goals
            if profile.goal(g) is None
        ]
        problems += [
            f"{case.id}: unknown measure '{m}'"
            for m in [*case.thresholds, *case.expect_fail]
            if m not in MEASURES
        ]
        if case.reference:
            problems += [
                f"{case.id}: reference cites unknown note {n}"
                for n in case.reference.evidence
                if n not in notes
            ]
    if problems:
        raise ResourceError("invalid eval suite: " + "; ".join(problems))


def load_notes(folder: Path) -> dict[str, CaseNote]:
    result = load_paths([folder])
    if result.errors:
        raise ResourceError(f"case notes for evals have errors: {result.errors[0]}")
    return {note.id: note for note, _ in result.notes}
