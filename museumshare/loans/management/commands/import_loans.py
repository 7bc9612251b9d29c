from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from museumshare.accounts.models import User
from museumshare.core import console as ui
from museumshare.core.imports import ImportFailed
from museumshare.loans.importer import ImportSummary, import_loans


class Command(BaseCommand):
    help = "Import historic loans from a CSV or Excel file, one row per object lent (see docs/loans.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows and write the rejected ones, with their errors, to a CSV.",
        )
        parser.add_argument("--rejects", type=Path, help="Where to write rejected rows.")
        parser.add_argument("--as", dest="actor", metavar="EMAIL", help="The person the audit log records.")

    def handle(self, *args: Any, **options: Any) -> None:
        console = ui.console_for(self.stdout)
        actor = None
        if options["actor"]:
            actor = User.objects.filter(email__iexact=options["actor"]).first()
            if actor is None:
                raise CommandError(f"No one has the email address {options['actor']}.")
        path: Path = options["path"]
        with ui.progress_bar(console, path.name) as on_row:
            try:
                summary = import_loans(
                    path=path,
                    actor=actor,
                    skip_invalid=options["skip_invalid"],
                    rejects_path=options["rejects"],
                    on_row=on_row,
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
            title=f"Loans import summary ({summary.format})",
            more=[("Objects created", summary.objects_created)],
        )
