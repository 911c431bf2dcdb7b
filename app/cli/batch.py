"""`primed batch`: rewrite a folder of datasheets for one or more titles, resumably."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from app.cli.context import Context, console, err_console
from app.engines.base import ENGINE_CHOICES


def register(app: typer.Typer) -> None:
    app.command()(batch)


def batch(
    in_dir: Annotated[
        Path, typer.Argument(help="Folder of datasheets (md, txt, html, pdf, docx).")
    ],
    title: Annotated[
        list[str], typer.Option("--title", "-t", help="Title(s); repeat for several.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for rewrites and manifest.")],
    engine: Annotated[
        str, typer.Option("--engine", "-E", help=f"One of: {', '.join(ENGINE_CHOICES)}.")
    ] = "auto",
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, max=64, help="Parallel units.")
    ] = 1,
    resume: Annotated[bool, typer.Option("--resume", help="Finish an interrupted batch.")] = False,
    ray_address: Annotated[
        str | None,
        typer.Option(
            "--ray-address",
            help="Run units on an existing Ray cluster: auto, HOST:PORT or ray://HOST:PORT "
            "(default PRIMED_RAY_ADDRESS; needs pip install 'primed\\[ray]').",
        ),
    ] = None,
) -> None:
    """Rewrite every datasheet in a folder for each title: one .md and .json per input x title,
    manifest.jsonl, summary.md and summary.html. Exit 1 when any unit failed."""
    from app.batch import check_folders, check_ready, plan, run_batch
    from app.batch_report import render_html, render_markdown, summary_rows, totals, written_line
    from app.errors import InvalidInputError
    from app.files import check_writable, write_atomic

    ctx = Context()
    # Everything that would fail every unit is checked before the first one runs: usage
    # errors (exit 2) first, then the store (exit 3), then whether --out can be written.
    address = ray_address_for(ray_address, ctx.settings.ray_address)
    title_ids = [p.id for p in ctx.titles.get_many(title)]
    check_folders(in_dir, out)
    pipeline = ctx.pipeline
    work = plan(in_dir, out, title_ids, resume)
    if not work.units and not work.unsupported:
        raise InvalidInputError(f"{in_dir}: no files to rewrite (.md, .txt, .html, .pdf, .docx)")
    if warning := check_ready(pipeline, engine, ctx.store):
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    check_writable(out)
    columns = (
        TextColumn("batch"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with ExitStack() as stack:
        executor = None
        if address is not None and work.items:
            from app.batch_ray import RayExecutor

            executor = stack.enter_context(RayExecutor(address, ctx.settings, workers))
            err_console.print(f"on the Ray cluster at {address}: {workers} worker(s)")
        progress = stack.enter_context(Progress(*columns, console=err_console))
        total = len(work.items) + len(work.unsupported)
        task = progress.add_task("batch", total=total, rate="")
        started = progress.get_time()

        def done(_line: object) -> None:
            progress.advance(task)
            finished = progress.tasks[0].completed
            elapsed = max(progress.get_time() - started, 1e-6)
            progress.update(task, rate=f"{finished / elapsed:.1f}/s")

        max_chars = ctx.settings.max_copy_chars
        try:
            run_batch(work, pipeline, engine, out, max_chars, workers, done, executor=executor)
        except KeyboardInterrupt:
            progress.stop()
            err_console.print(
                f"interrupted: every finished unit is kept in {out}; run the same command with "
                "--resume to finish",
                highlight=False,
            )
            sys.exit(130)  # said once, here: not the generic "interrupted" line as well
    rows = summary_rows(out, work.units)
    write_atomic(out / "summary.md", render_markdown(rows))
    write_atomic(out / "summary.html", render_html(rows))
    t = totals(rows)
    console.print(
        f"{t['units']} units: {written_line(t)}, {t['failed']} failed, "
        f"{work.skipped} already done. Summary: {out / 'summary.html'}",
        highlight=False,
    )
    for row in rows:
        if row.status != "ok":
            err_console.print(
                f"[red]failed:[/] {escape(row.input)}: {escape(row.error or '')}", highlight=False
            )
    if t["failed"]:
        raise typer.Exit(1)


def ray_address_for(option: str | None, configured: str | None) -> str | None:
    """--ray-address, else PRIMED_RAY_ADDRESS; checked, and Ray importable, before any work."""
    from app.batch_ray import require_ray
    from app.config import check_ray_address
    from app.errors import InvalidInputError

    if option is None:
        if configured is not None:
            require_ray("PRIMED_RAY_ADDRESS")
        return configured
    try:
        address = check_ray_address(option)
    except ValueError as exc:
        raise InvalidInputError(f"--ray-address: {exc}") from exc
    require_ray()
    return address
