"""`primed ingest`, `primed search` and `primed notes delete`: the case-note corpus."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from app.cli.context import Context, FormatOption, OutputFormat, console, err_console
from app.domain import Evidence
from app.errors import InvalidInputError
from app.redaction import redact_evidence

notes_app = typer.Typer(help="Manage ingested case notes.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(search)
    app.add_typer(notes_app, name="notes")


def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Case-note files or folders (.md, .jsonl, .csv).")
    ],
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Load case notes into the store. Unchanged notes are skipped; changed notes are replaced."""
    from app.corpus.ingest import ingest_paths

    missing = [path for path in paths if not path.exists()]
    if missing:  # a typo, not a bad note: nothing is ingested
        raise InvalidInputError(f"{missing[0]}: no such file or folder")
    ctx = Context()
    with Progress(
        TextColumn("ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("notes"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=fmt is OutputFormat.json,
    ) as progress:
        task = progress.add_task("ingest", total=None)
        summary = ingest_paths(
            paths,
            ctx.store,
            ctx.titles,
            on_total=lambda n: progress.update(task, total=n),
            on_progress=lambda n: progress.advance(task, n),
        )
    if fmt is OutputFormat.json:
        console.print_json(summary.model_dump_json())
    else:
        console.print(
            f"notes: {summary.notes} ({summary.added} added, {summary.updated} updated, "
            f"{summary.unchanged} unchanged)  chunks written: {summary.chunks_written}  "
            f"skipped files: {len(summary.skipped_files)}  errors: {len(summary.errors)}",
            highlight=False,
        )
        for error in summary.errors:
            err_console.print(f"[red]bad note:[/] {escape(error)}", highlight=False)
    if not summary.notes and not summary.errors:
        raise InvalidInputError(
            f"no case notes (.md, .jsonl, .csv) in {', '.join(str(p) for p in paths)}"
        )
    if not summary.ok:
        raise typer.Exit(1)


def search(
    title: Annotated[
        str, typer.Option("--title", "-t", help="Executive title, e.g. CFO or 'VP of Sales'.")
    ],
    text: Annotated[
        str | None, typer.Argument(help="A feature or outcome to find evidence for.")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", "-f", help="A datasheet (md, txt, html, pdf, docx): evidence per feature."
        ),
    ] = None,
    industry: Annotated[
        str | None, typer.Option("--industry", "-i", help="Prefer this industry.")
    ] = None,
    k: Annotated[
        int | None,
        typer.Option("-k", min=1, max=50, help="Evidence chunks per query [PRIMED_RETRIEVE_K]."),
    ] = None,
    fmt: FormatOption = OutputFormat.text,
    show_customer_names: Annotated[
        bool,
        typer.Option(
            "--show-customer-names",
            help="INTERNAL USE ONLY: show the real names of non-publishable customers (by "
            "default they are replaced by their description). Never paste this output into "
            "external copy.",
        ),
    ] = False,
) -> None:
    """Find case-note evidence for a feature (or every feature of a datasheet) for one title.
    Customers that are not publishable appear only by their description."""
    ctx = Context()
    ctx.titles.get(title)  # a bad title is named before anything else is done
    k = k or ctx.settings.retrieve_k
    if (text is None) == (file is None):
        raise InvalidInputError("give either search TEXT or --file DATASHEET, not both or neither")
    shown = _internal_view if show_customer_names else redact_evidence
    if file is not None:
        search_features(ctx, file, title, industry, k, fmt, shown)
        return
    assert text is not None
    results = [shown(e) for e in ctx.retriever.retrieve(text, title, industry, k)]
    if fmt is OutputFormat.json:
        console.print_json(json.dumps([_as_json(e) for e in results]))
    elif fmt is OutputFormat.md:
        console.print(render_markdown(results), markup=False, highlight=False)
    else:
        print_table(results)
    if not results:
        err_console.print("no evidence found above the relevance floor")


def _internal_view(evidence: Evidence) -> Evidence:
    """--show-customer-names: the text as written and the real name in place of the
    description (`customer_name` stays in JSON so it is plain that this is internal)."""
    return evidence.model_copy(update={"customer": evidence.customer_name or evidence.customer})


def _as_json(evidence: Evidence) -> dict[str, object]:
    exclude = None if evidence.customer_name else {"customer_name"}
    return evidence.model_dump(mode="json", exclude=exclude)


def search_features(
    ctx: Context,
    file: Path,
    title: str,
    industry: str | None,
    k: int,
    fmt: OutputFormat,
    shown: Callable[[Evidence], Evidence],
) -> None:
    from app.documents import read_document
    from app.features import extract_features

    features = extract_features(read_document(file, ctx.settings.max_copy_chars))
    if not features:
        raise InvalidInputError(f"{file}: found no feature statements to search for")
    found = [
        (f, [shown(e) for e in ctx.retriever.retrieve(f.statement, title, industry, k)])
        for f in features
    ]
    if fmt is OutputFormat.json:
        payload = [
            {"feature": f.model_dump(), "evidence": [_as_json(e) for e in ev]} for f, ev in found
        ]
        console.print_json(json.dumps(payload))
        return
    profile = ctx.titles.get(title)
    console.print(f"[bold]{file.name}[/]: {len(features)} features, evidence for {profile.name}")
    for feature, evidence in found:
        console.print(f"\n[bold cyan]{feature.id}[/] {escape(feature.statement)}", highlight=False)
        if not evidence:
            console.print("   (no evidence above the relevance floor)")
        for ev in evidence:
            console.print(
                f"   [green]{ev.score:.2f}[/] [bold]{ev.note_id}[/] {escape(ev.customer)} "
                f"({ev.industry}, {ev.filter}): {escape(ev.outcome or ev.text[:160])}",
                highlight=False,
            )


def render_markdown(results: list[Evidence]) -> str:
    lines = []
    for rank, ev in enumerate(results, start=1):
        lines.append(
            f"{rank}. **[{ev.note_id}]** {ev.customer} ({ev.industry}, {ev.offering}; "
            f"score {ev.score:.2f}, filter {ev.filter})\n   > {ev.text}"
        )
    return "\n".join(lines)


def print_table(results: list[Evidence]) -> None:
    """One row per evidence chunk; the outcome sentence stands for the chunk (use --format md or
    json for the full text)."""
    table = Table(show_lines=True, expand=True)
    table.add_column("#", width=2)
    table.add_column("score", width=5)
    table.add_column("note / customer", ratio=2, overflow="fold")
    table.add_column("industry / offering / filter", ratio=2, overflow="fold")
    table.add_column("evidence", ratio=5, overflow="fold")
    for rank, ev in enumerate(results, start=1):
        snippet = ev.outcome or (ev.text[:240] + ("..." if len(ev.text) > 240 else ""))
        table.add_row(
            str(rank),
            f"{ev.score:.2f}",
            f"{ev.note_id}\n{escape(ev.customer)}",
            f"{ev.industry}\n{ev.offering}\n{ev.filter}",
            escape(snippet),
        )
    console.print(table)


@notes_app.command("delete")
def delete(
    note_id: Annotated[str, typer.Argument(help="The case-note id, e.g. PS-014.")],
) -> None:
    """Remove a case note (all its chunks) from the store."""
    removed = Context().store.delete_note(note_id)
    console.print(f"deleted {note_id} ({removed} chunks)", highlight=False)
