"""`primed kit` and `primed offerings`: the messaging kit for one offering, and which
offerings the store has notes about."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.markup import escape
from rich.table import Table

from app.cli.context import Context, FormatOption, OutputFormat, console, err_console
from app.errors import InvalidInputError
from app.files import check_writable
from app.kit.notes import summarise_offerings
from app.kit.service import FILES, KitFormat, KitRequest, make_kit, write_kit


def register(app: typer.Typer) -> None:
    app.command("kit")(kit)
    app.command("offerings")(offerings)


def kit(
    product: Annotated[str, typer.Option("--product", "-p", help="The offering (or an alias).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for kit.md/json/html.")],
    title: Annotated[
        list[str] | None,
        typer.Option("--title", "-t", help="A title to cover (repeat); default: every title."),
    ] = None,
    industry: Annotated[
        str | None, typer.Option("--industry", "-i", help="Tell stories from this industry first.")
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", "-E", help="grounded, llm or auto.")
    ] = "grounded",
    fmt: Annotated[
        list[str] | None,
        typer.Option("--format", "-f", help="md, json or html (repeat); default: all three."),
    ] = None,
) -> None:
    """Write the sales-primed messaging kit for an offering: conversation list (title x goal,
    with gaps), and per title a summary, diagnostic questions, usage scenarios and stories."""
    formats = fmt or list(FILES)
    unknown = [f for f in formats if f not in FILES]
    if unknown:
        raise InvalidInputError(f"unknown --format {', '.join(unknown)}: use md, json or html")
    if engine not in ("grounded", "llm", "auto"):
        raise InvalidInputError(f"unknown --engine '{engine}': use grounded, llm or auto")
    if out.exists() and not out.is_dir():
        raise InvalidInputError(f"--out {out} is a file, not a folder")
    check_writable(out)  # before the kit is built, not after
    ctx = Context()
    request = KitRequest.model_validate(
        {"product": product, "titles": title or [], "industry": industry, "engine": engine}
    )
    with console.status(f"building the kit for {product}..."):
        result = make_kit(ctx, request)
    paths = write_kit(result, out, cast(list[KitFormat], formats))
    supported = sum(cell.notes > 0 for cell in result.matrix)
    console.print(
        f"{result.offering}: {len(result.titles)} titles, {supported}/{len(result.matrix)} goals "
        f"with a story, {len(result.gaps)} gaps, {result.notes} notes",
        markup=False,
    )
    for path in paths:
        console.print(f"wrote {path}", markup=False, highlight=False)
    for warning in result.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)


def offerings(fmt: FormatOption = OutputFormat.text) -> None:
    """Offerings with case notes in the store, with note counts per title and industry."""
    found = summarise_offerings(Context().store)
    if fmt is OutputFormat.json:
        console.print_json(json.dumps([o.model_dump() for o in found]))
        return
    if fmt is OutputFormat.md:
        for o in found:
            titles = ", ".join(f"{t} {n}" for t, n in o.by_title.items())
            console.print(f"- **{o.name}**: {o.notes} notes ({titles})", markup=False)
        return
    table = Table()
    for column in ("offering", "notes", "by title", "by industry"):
        table.add_column(column, overflow="fold")
    for o in found:
        table.add_row(
            o.name,
            str(o.notes),
            ", ".join(f"{t} {n}" for t, n in o.by_title.items()),
            ", ".join(f"{i} {n}" for i, n in o.by_industry.items()),
        )
    console.print(table)
