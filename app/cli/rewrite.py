"""`primed rewrite`: one piece of product copy, rewritten for one executive title."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from app.cli.context import Context, FormatOption, OutputFormat, console, err_console
from app.documents import checked_text, decode_text, read_document
from app.domain import Rewrite
from app.engines.base import ENGINE_CHOICES
from app.errors import InvalidInputError
from app.pipeline import RewriteRequest
from app.render import render_markdown


def register(app: typer.Typer) -> None:
    app.command()(rewrite)


def rewrite(
    file: Annotated[
        str, typer.Argument(help="Copy file (md, txt, html, pdf, docx), or - for stdin.")
    ],
    title: Annotated[str, typer.Option("--title", "-t", help="Executive title, e.g. CFO.")],
    industry: Annotated[
        str | None, typer.Option("--industry", "-i", help="Prefer evidence from this industry.")
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", "-E", help=f"One of: {', '.join(ENGINE_CHOICES)}.")
    ] = "auto",
    product: Annotated[
        str | None, typer.Option("--product", help="The offering (default: guessed).")
    ] = None,
    fmt: FormatOption = OutputFormat.md,
) -> None:
    """Rewrite feature-heavy copy into the goals, problems and needs of an executive title."""
    ctx = Context()
    limit = ctx.settings.max_copy_chars
    if file == "-":
        name = "standard input"
        copy = checked_text(decode_text(sys.stdin.buffer.read(), name), name, limit)
    else:
        name = file
        copy = read_document(Path(file), limit)
    request = RewriteRequest(
        copy_text=copy, title=title, industry=industry, engine=engine, product=product
    )
    try:
        result = ctx.pipeline.rewrite(request)
    except InvalidInputError as exc:
        if exc.field != "copy":
            raise
        raise InvalidInputError(f"{name}: {exc}", exc.field) from exc  # which file said so
    if fmt is OutputFormat.json:
        console.print_json(result.model_dump_json())
        return
    console.print(render_markdown(result), markup=False, highlight=False)
    if fmt is OutputFormat.text:
        print_scorecard_table(result)
    for warning in result.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)


def print_scorecard_table(result: Rewrite) -> None:
    table = Table(title="scorecard")
    for column in ("measure", "value", "", "reason"):
        table.add_column(column, overflow="fold")
    for m in result.scorecard.measures.values():
        value = "n/a" if m.value is None else f"{m.value:g}"
        table.add_row(m.name, value, "pass" if m.passed else "FAIL", escape(m.reason))
    console.print(table)
