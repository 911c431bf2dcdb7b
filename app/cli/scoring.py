"""`primed score` and `primed eval`: score one rewrite, or run an eval suite into reports."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from app.cli.context import Context, FormatOption, OutputFormat, console, err_console
from app.cli.evidence import load_evidence
from app.documents import read_document
from app.errors import InvalidInputError, ResourceError
from app.scores import ScoreCard
from app.scoring.scorecard import ScoreInput

KIND_STYLES = {
    "residue": "bold red",
    "must-remove": "bold red",
    "lexicon-error": "red",
    "lexicon-warning": "yellow",
    "lexicon-suggestion": "dim yellow",
    "rare-word": "underline",
    "product-subject": "magenta",
}


def register(app: typer.Typer) -> None:
    app.command()(score)
    app.command("eval")(run_eval)


def score(
    rewrite_file: Annotated[Path, typer.Argument(help="The rewrite to score (text, md, html...).")],
    source: Annotated[Path, typer.Option("--source", "-s", help="The original product copy.")],
    title: Annotated[str | None, typer.Option("--title", "-t", help="Executive title.")] = None,
    product: Annotated[
        str | None,
        typer.Option("--product", help="Product name (exempt; default: guessed from the source)."),
    ] = None,
    evidence: Annotated[
        Path | None,
        typer.Option("--evidence", "-e", help="Evidence: a JSON list, or case-note files/folder."),
    ] = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Score a rewrite against its source: jargon left, grounding, title fit, readability."""
    from app.scoring.factory import build_scorer

    ctx = Context()
    limit = ctx.settings.max_copy_chars
    source_text = read_document(source, limit)
    if product is None:  # as `primed rewrite` does, so both give the same scorecard
        product = guessed_product(ctx, source_text)
    data = ScoreInput(
        source=source_text,
        rewrite=read_document(rewrite_file, limit),
        title=title,
        product=product,
        evidence=load_evidence(evidence) if evidence else [],
    )
    if title:
        ctx.titles.get(title)
    card = build_scorer(ctx.settings, ctx.titles).score(data)
    if fmt is OutputFormat.json:
        console.print_json(card.model_dump_json())
    elif fmt is OutputFormat.md:
        console.print(scorecard_markdown(card), markup=False, highlight=False)
    else:
        print_scorecard(card, data.rewrite)
    if not card.passed:
        raise typer.Exit(1)


def guessed_product(ctx: Context, source: str) -> str | None:
    """The product the source copy is about, found as `primed rewrite` finds it (among the
    store's offerings, else the name its headline gives); said on stderr."""
    from app.offering import resolve_offering

    offerings: dict[str, tuple[str, ...]] = {}
    settings = ctx.settings
    if settings.chroma_url or settings.chroma_path.exists():  # never create a store
        try:
            offerings = {name: o.aliases for name, o in ctx.store.offerings().items()}
        except Exception:  # noqa: BLE001 - no store answers: the copy's headline may name it
            offerings = {}
    name = resolve_offering(source, offerings).name
    if name:
        err_console.print(
            f"product: {escape(name)} (guessed from the source; --product to set it)",
            highlight=False,
        )
    return name


def scorecard_markdown(card: ScoreCard) -> str:
    lines = [
        f"**{'PASS' if card.passed else 'FAIL'}** ({card.words} words)",
        "",
        "| measure | value | threshold | | reason |",
        "|---|---|---|---|---|",
    ]
    for m in card.measures.values():
        sign = "<=" if m.direction == "max" else ">="
        value = "n/a" if m.value is None else f"{m.value:g}"
        verdict = "✅" if m.passed else "❌"
        lines.append(f"| {m.name} | {value} | {sign} {m.threshold:g} | {verdict} | {m.reason} |")
    return "\n".join(lines)


def print_scorecard(card: ScoreCard, rewrite: str) -> None:
    highlighted = Text(rewrite)
    for measure in card.measures.values():
        for span in measure.spans:
            if span.end > span.start and span.kind in KIND_STYLES:
                highlighted.stylize(KIND_STYLES[span.kind], span.start, span.end)
    console.print(highlighted)
    table = Table(title=f"{'PASS' if card.passed else 'FAIL'}: {card.words} words")
    for column in ("measure", "value", "threshold", "", "reason"):
        table.add_column(column, overflow="fold")
    for m in card.measures.values():
        sign = "<=" if m.direction == "max" else ">="
        value = "n/a" if m.value is None else f"{m.value:g}"
        mark = "[green]pass[/]" if m.passed else "[bold red]FAIL[/]"
        table.add_row(m.name, value, f"{sign} {m.threshold:g}", mark, escape(m.reason))
    console.print(table)


def run_eval(
    suite: Annotated[Path, typer.Argument(help="A suite file, or a folder of suites.")],
    engine: Annotated[
        list[str], typer.Option("--engine", "-E", help="Engine(s) to run; repeat for several.")
    ],
    report: Annotated[
        Path, typer.Option("--report", "-r", help="Folder for report.{json,md,html}.")
    ],
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="An earlier report.json to compare with.")
    ] = None,
    fail_on_regression: Annotated[
        bool, typer.Option("--fail-on-regression", help="Exit 1 when a regression is found.")
    ] = False,
    tolerance: Annotated[
        float, typer.Option("--tolerance", min=0.0, help="Allowed worsening of a mean (relative).")
    ] = 0.02,
    notes: Annotated[
        Path | None, typer.Option("--notes", help="Case notes the suite cites [samples].")
    ] = None,
) -> None:
    """Run a suite through engines and write report.json, report.md and report.html."""
    from app.evals.compare import compare, load_report
    from app.evals.render import render_html, render_markdown
    from app.evals.run import pipeline_engine, reference_engine, run_suite
    from app.evals.suite import load_notes, load_suites, validate_cases
    from app.files import check_writable
    from app.kit.evals import kit_suite_files
    from app.scoring.factory import build_scorer

    if fail_on_regression and baseline is None:
        raise InvalidInputError("--fail-on-regression needs --baseline (an earlier report.json)")
    ctx = Context()
    with given_by_user():
        kits = kit_suite_files(suite)
    if kits:
        if baseline is not None or fail_on_regression:
            raise InvalidInputError(
                "kit suites are not compared with a baseline: drop --baseline and "
                "--fail-on-regression (a failing kit case already exits 1)"
            )
        if set(engine) != {"grounded"}:
            raise InvalidInputError("kit suites build kits with the grounded engine: -E grounded")
        check_writable(report, "--report")
        run_kit_eval(ctx, kits, suite.name, report)
        return
    with given_by_user():
        name, description, cases = load_suites(suite)
        user_notes = load_notes(notes) if notes else None
    samples = ctx.settings.samples_dir
    case_notes = (
        user_notes
        if user_notes is not None
        else {
            **load_notes(samples / "case_notes"),
            **load_notes(samples / "real-world" / "case_notes"),
        }
    )
    with given_by_user():
        validate_cases(cases, ctx.titles, case_notes)
    available = {"reference": reference_engine(case_notes)}
    for engine_name in ("grounded", "naive", "llm"):
        if engine_name in engine:
            available[engine_name] = pipeline_engine(ctx.pipeline, engine_name)
    unknown = [e for e in engine if e not in available]
    if unknown:
        raise InvalidInputError(
            f"unknown engine {', '.join(unknown)}; available: reference, grounded, naive, llm"
        )
    old = load_report(baseline) if baseline else None
    check_writable(report, "--report")  # before the work, not after it
    scorer = build_scorer(ctx.settings, ctx.titles, references=[c.copy_text for c in cases])
    engines = {e: available[e] for e in dict.fromkeys(engine)}
    with Progress(
        TextColumn("eval"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task("eval", total=len(cases) * len(engines))
        result = run_suite(
            name, description, cases, engines, scorer, on_progress=lambda: progress.advance(task)
        )
    if old is not None and baseline is not None:
        result.comparison = compare(result, old, str(baseline), tolerance)
    report.mkdir(parents=True, exist_ok=True)
    (report / "report.json").write_text(result.model_dump_json(indent=2), encoding="utf-8")
    (report / "report.md").write_text(render_markdown(result), encoding="utf-8")
    (report / "report.html").write_text(render_html(result), encoding="utf-8")
    for summary in result.summaries:
        console.print(
            f"{summary.engine}: {summary.passed}/{summary.cases} passed, "
            f"{summary.as_expected}/{summary.cases} as expected, {summary.errors} errors, "
            f"{summary.fallbacks} fell back to grounded",
            highlight=False,
        )
    console.print(f"reports: {report / 'report.html'}", highlight=False)
    regressions = result.comparison.regressions if result.comparison else []
    for line in regressions:
        err_console.print(f"[red]regression:[/] {escape(line)}", highlight=False)
    if fail_on_regression and regressions:
        raise typer.Exit(1)


@contextmanager
def given_by_user() -> Iterator[None]:
    """A file the user named on the command line (a suite, its notes): what is wrong with it is
    bad input (exit 2), not a data file of primed's own that is missing or broken (exit 3)."""
    try:
        yield
    except ResourceError as exc:
        raise InvalidInputError(str(exc)) from exc


def run_kit_eval(ctx: Context, suites: list[Path], name: str, report: Path) -> None:
    """Kit suites (`kind: kit`): build each case's kit from the store, write report.json and
    report.md, exit 1 when a case fails."""
    from app.kit.evals import KitReport, load_kit_suites, measure, render_report_markdown
    from app.kit.notes import offering_notes
    from app.kit.service import KitRequest, make_kit

    with given_by_user():
        loaded = load_kit_suites(suites, name)
    results = []
    for case in loaded.cases:
        request = KitRequest(product=case.product, titles=case.titles, industry=case.industry)
        kit = make_kit(ctx, request)
        profiles = [ctx.titles.get(t.title_id) for t in kit.titles]
        notes = offering_notes(ctx.store, kit.offering)
        results.append(measure(case, kit, notes, profiles, ctx.scorer))
    result = KitReport(suite=loaded.name, description=loaded.description, results=results)
    report.mkdir(parents=True, exist_ok=True)
    (report / "report.json").write_text(result.model_dump_json(indent=2), encoding="utf-8")
    (report / "report.md").write_text(render_report_markdown(result), encoding="utf-8")
    passed = sum(r.passed for r in results)
    console.print(f"kits: {passed}/{len(results)} cases passed", highlight=False)
    console.print(f"reports: {report / 'report.md'}", highlight=False)
    if not result.passed:
        raise typer.Exit(1)
