"""`primed titles`: the executive titles primed writes for."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from app.cli.context import Context, FormatOption, OutputFormat, console


def register(app: typer.Typer) -> None:
    app.command("titles")(list_titles)


def list_titles(fmt: FormatOption = OutputFormat.text) -> None:
    """List title profiles: names, aliases and the goals each executive states."""
    registry = Context().titles
    if fmt is OutputFormat.json:
        console.print_json(json.dumps([p.model_dump(mode="json") for p in registry]))
        return
    if fmt is OutputFormat.md:
        for p in registry:
            console.print(f"## {p.name} ({p.full_name})", markup=False)
            console.print(f"Aliases: {', '.join(p.aliases)}", markup=False)
            for goal in p.goals:
                console.print(f"- {goal.text}", markup=False)
            console.print()
        return
    table = Table()
    for column in ("title", "full name", "aliases", "goals"):
        table.add_column(column, overflow="fold")
    for p in registry:
        table.add_row(p.name, p.full_name, ", ".join(p.aliases), "\n".join(g.text for g in p.goals))
    console.print(table)
