from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from museumshare.core import years
from museumshare.reports import files
from museumshare.returns.models import ReportingYear


class Command(BaseCommand):
    help = (
        "Write the Museum Partnership Report for a year: its latest published version, or, before the "
        "report is published, the draft computed now (see docs/report.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", help="The reporting year, like 2020/21.")
        parser.add_argument("--format", choices=files.FORMATS, default="json", help="The format (default: json).")
        parser.add_argument("--output", default="-", help="The file to write, or - for standard output (the default).")
        parser.add_argument(
            "--draft",
            action="store_true",
            help="The figures computed now, even for a published year: to check a correction before publishing it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        fmt: str = options["format"]
        output: str = options["output"]
        try:
            year = ReportingYear.objects.get(year=years.parse(options["year"]))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except ReportingYear.DoesNotExist:
            raise CommandError(f"{options['year']} is not a reporting year in museumshare.") from None
        binary = fmt in files.BINARY
        if output == "-" and binary and self.stdout.isatty():
            raise CommandError(
                f"The {fmt} format is not text: give a file with --output, or send the output to a file or a pipe."
            )
        content, version = files.year_file(year, fmt, live=options["draft"])
        if version is not None:
            self.stderr.write(f"{year.label}, version {version.version}, published {files.published_on(version.data)}.")
        elif options["draft"]:
            self.stderr.write(f"Draft: {year.label} computed now.")
        else:
            self.stderr.write(f"Draft: {year.label} is not published; the figures may still change.")
        self.write(content, output, binary=binary)

    def write(self, content: bytes, output: str, *, binary: bool) -> None:
        if output != "-":
            Path(output).write_bytes(content)
            self.stderr.write(f"Written to {output}.")
        elif not binary:
            self.stdout.write(content.decode(), ending="")
        else:
            # The bytes, beneath the text wrapper; a stream with none (StringIO) cannot take them.
            buffer = getattr(self.stdout, "buffer", None)
            if buffer is None:
                raise CommandError("This output takes text only: give a file with --output.")
            buffer.write(content)
            buffer.flush()
