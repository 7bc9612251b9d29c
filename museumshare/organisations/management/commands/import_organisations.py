from pathlib import Path
from typing import Any

from museumshare.core import console as ui
from museumshare.core.console import ImportCommand, OnRow
from museumshare.core.services import Actor
from museumshare.organisations.importer import import_organisations


class Command(ImportCommand):
    help = "Import organisations from a Mapping Museums CSV or a museumshare CSV (see docs/csv-format.md)."

    def run(self, *, path: Path, actor: Actor, skip_invalid: bool, rejects_path: Path | None, on_row: OnRow) -> Any:
        return import_organisations(
            path=path, actor=actor, skip_invalid=skip_invalid, rejects_path=rejects_path, on_row=on_row
        )

    def report(self, console: ui.Console, summary: Any) -> None:
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
