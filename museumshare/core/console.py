"""What every import command shows: a progress bar, the problems by row, and a summary table."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console as Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from museumshare.accounts.models import User
from museumshare.core.imports import ImportFailed, ImportSummary, Problem
from museumshare.core.services import Actor, System

SHOWN = 50
# on_row(stage, done, total): called as each row is checked and as each is saved.
OnRow = Callable[[str, int, int], None]
# Who an import acts as when run from the command line without --as: the command line may do anything.
COMMAND_LINE = System("command-line import")


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


class ImportCommand(BaseCommand):
    """A management command that imports a file: progress bar, errors by row, summary, --skip-invalid."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows and write the rejected ones, with their errors, to a CSV.",
        )
        parser.add_argument("--rejects", type=Path, help="Where to write rejected rows.")
        parser.add_argument("--as", dest="actor", metavar="EMAIL", help="The person the import acts as.")

    def run(self, *, path: Path, actor: Actor, skip_invalid: bool, rejects_path: Path | None, on_row: OnRow) -> Any:
        raise NotImplementedError

    def report(self, console: Console, summary: Any) -> None:
        report(console, summary, title=f"Import summary ({summary.format})")

    def handle(self, *args: Any, **options: Any) -> None:
        console = console_for(self.stdout)
        # Without --as the command line acts as itself, as it may; with it, as that person, with what
        # they may do, and the audit log names them.
        actor: Actor = COMMAND_LINE
        if options["actor"]:
            person = User.objects.filter(email__iexact=options["actor"]).first()
            if person is None:
                raise CommandError(f"No one has the email address {options['actor']}.")
            actor = person
        path: Path = options["path"]
        with progress_bar(console, path.name) as on_row:
            try:
                summary = self.run(
                    path=path,
                    actor=actor,
                    skip_invalid=options["skip_invalid"],
                    rejects_path=options["rejects"],
                    on_row=on_row,
                )
            except ImportFailed as failure:
                if failure.summary:
                    self.report(console, failure.summary)
                raise CommandError(str(failure)) from None
        self.report(console, summary)
