from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from museumshare.core import console as ui
from museumshare.organisations.importer import ImportFailed, ImportSummary, import_organisations


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
        console = ui.console_for(self.stdout)
        path: Path = options["path"]
        with ui.progress_bar(console, path.name) as on_row:
            try:
                summary = import_organisations(
                    path=path, skip_invalid=options["skip_invalid"], rejects_path=options["rejects"], on_row=on_row
                )
            except ImportFailed as failure:
                if failure.summary:
                    self._report(console, failure.summary)
                raise CommandError(str(failure)) from None
        self._report(console, summary)

    def _report(self, console: ui.Console, summary: ImportSummary) -> None:
        ui.report(
            console,
            summary,
            title=f"Import summary ({summary.format} format)",
            warnings=summary.warnings,
            more=[
                ("Warnings", len(summary.warnings)),
                ("Flagged for review", summary.flagged_for_review),
                ("National bodies grouped", summary.national_bodies),
            ],
        )
