"""What every import command shows: a progress bar, the problems by row, and a summary table."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any, cast

from rich.console import Console as Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from museumshare.core.imports import ImportSummary, Problem

SHOWN = 50
# on_row(stage, done, total): called as each row is checked and as each is saved.
OnRow = Callable[[str, int, int], None]


def console_for(stdout: Any) -> Console:
    # Messages quote the file, whose square brackets are text, not rich markup.
    return Console(file=cast(IO[str], stdout), highlight=False, markup=False)


@contextmanager
def progress_bar(console: Console, name: str) -> Iterator[OnRow]:
    with Progress(
        TextColumn("{task.description} {task.fields[name]}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("Reading", name=name, total=None)

        def on_row(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        yield on_row


def report(
    console: Console,
    summary: ImportSummary,
    *,
    title: str,
    warnings: Iterable[Problem] = (),
    more: Iterable[tuple[str, int]] = (),
) -> None:
    """Errors and warnings by row (the first few of each), then the counts."""
    for label, problems in (("Error", list(summary.errors)), ("Warning", list(warnings))):
        for problem in problems[:SHOWN]:
            console.print(f"{label}: {problem}" + (f" ({problem.ref})" if problem.ref else ""))
        if len(problems) > SHOWN:
            console.print(f"… and {len(problems) - SHOWN:,} more {label.lower()}s.")
    table = Table(title=title, show_header=False)
    for label, value in (
        ("Rows read", summary.rows_read),
        ("Created", summary.created),
        ("Updated", summary.updated),
        ("Unchanged", summary.unchanged),
        ("Rejected", summary.rejected),
        *more,
    ):
        table.add_row(label, f"{value:,}")
    console.print(table)
    if summary.rejects_path:
        console.print(f"Rejected rows written to {summary.rejects_path}")
