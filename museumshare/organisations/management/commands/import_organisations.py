from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from museumshare.organisations.importer import ImportFailed, ImportSummary, import_organisations

SHOWN = 50


class Command(BaseCommand):
    help = "Import organisations from a Mapping Museums CSV or a museumshare CSV (see docs/csv-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows and write the rejected ones, with their errors, to a CSV.",
        )
        parser.add_argument("--rejects", type=Path, help="Where to write rejected rows.")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        path: Path = options["path"]
        with Progress(
            TextColumn("Reading {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task(path.name, total=None)

            def advance() -> None:
                progress.advance(task)

            try:
                with path.open(encoding="utf-8-sig", errors="replace") as f:
                    progress.update(task, total=max(sum(1 for _ in f) - 1, 0))
                summary = import_organisations(
                    path=path,
                    skip_invalid=options["skip_invalid"],
                    rejects_path=options["rejects"],
                    on_row=advance,
                )
            except FileNotFoundError:
                raise CommandError(f"There is no file at {path}.") from None
            except ImportFailed as failure:
                if failure.summary:
                    self._report(console, failure.summary)
                raise CommandError(str(failure)) from None
        self._report(console, summary)

    def _report(self, console: Console, summary: ImportSummary) -> None:
        for label, problems in (("Error", summary.errors), ("Warning", summary.warnings)):
            for problem in problems[:SHOWN]:
                console.print(f"{label}: {problem}" + (f" ({problem.ref})" if problem.ref else ""))
            if len(problems) > SHOWN:
                console.print(f"… and {len(problems) - SHOWN} more {label.lower()}s.")
        table = Table(title=f"Import summary ({summary.format} format)", show_header=False)
        for label, value in (
            ("Rows read", summary.rows_read),
            ("Created", summary.created),
            ("Updated", summary.updated),
            ("Unchanged", summary.unchanged),
            ("Rejected", summary.rejected),
            ("Warnings", len(summary.warnings)),
            ("Flagged for review", summary.flagged_for_review),
            ("National bodies grouped", summary.national_bodies),
        ):
            table.add_row(label, f"{value:,}")
        console.print(table)
        if summary.rejects_path:
            console.print(f"Rejected rows written to {summary.rejects_path}")
