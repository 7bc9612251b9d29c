from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from museumshare.core import console as ui
from museumshare.core.imports import ImportFailed
from museumshare.core.services import Actor, System
from museumshare.returns.importer import STATUSES, ImportSummary, import_returns


class Command(BaseCommand):
    help = (
        "Import past years' returns from a CSV or Excel file with the columns organisation, year, indicator, "
        "value and optionally note: all or nothing (see docs/returns-spreadsheets.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--status",
            choices=[str(status) for status in STATUSES],
            default=str(STATUSES[0]),
            help="The status the imported returns take (default approved; locked in a year that is not open).",
        )
        parser.add_argument("--as", dest="actor", metavar="EMAIL", help="The person the audit log records.")

    def handle(self, *args: Any, **options: Any) -> None:
        console = ui.console_for(self.stdout)
        actor: Actor = System("command-line import")
        if options["actor"]:
            user = get_user_model().objects.filter(email__iexact=options["actor"]).first()
            if user is None:
                raise CommandError(f"No one has the email address {options['actor']}.")
            actor = user
        path: Path = options["path"]
        with ui.progress_bar(console, path.name) as on_row:
            try:
                summary = import_returns(path=path, status=options["status"], actor=actor, on_row=on_row)
            except ImportFailed as failure:
                if failure.summary:
                    self.report(console, failure.summary)
                raise CommandError(str(failure)) from None
        self.report(console, summary)

    def report(self, console: ui.Console, summary: ImportSummary) -> None:
        ui.report(
            console,
            summary,
            title=f"Returns import summary ({summary.format})",
            more=[("Years created", summary.years_created), ("Values written", summary.values_written)],
        )
