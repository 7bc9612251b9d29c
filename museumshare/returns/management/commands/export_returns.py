from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from museumshare.core import years
from museumshare.returns.importer import export_csv, export_xlsx
from museumshare.returns.models import ReportingYear


class Command(BaseCommand):
    help = (
        "Write a year's returns in the format import_returns reads: one row per value, as CSV, "
        "or as an Excel workbook when the output file ends .xlsx (see docs/returns-spreadsheets.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", help="The reporting year, like 2019/20.")
        parser.add_argument(
            "--output", type=Path, help="The file to write (.csv or .xlsx); CSV to the screen if not given."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            year = ReportingYear.objects.get(year=years.parse(options["year"]))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except ReportingYear.DoesNotExist:
            raise CommandError(f"{options['year']} is not a reporting year in museumshare.") from None
        output: Path | None = options["output"]
        if output is None:
            export_csv(year=year, out=self.stdout)
            return
        if output.suffix.lower() == ".xlsx":
            count = export_xlsx(year=year, out=output)
        else:
            with output.open("w", encoding="utf-8", newline="") as out:
                count = export_csv(year=year, out=out)
        # Beside the file, not in it: a message on the screen.
        self.stderr.write(f"{count:,} values of {year.label} written to {output}.")
