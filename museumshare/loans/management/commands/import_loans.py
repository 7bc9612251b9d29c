from pathlib import Path
from typing import Any

from museumshare.core import console as ui
from museumshare.core.console import ImportCommand, OnRow
from museumshare.core.services import Actor
from museumshare.loans.importer import import_loans


class Command(ImportCommand):
    help = "Import historic loans from a CSV or Excel file, one row per object lent (see docs/loans.md)."

    def run(self, *, path: Path, actor: Actor, skip_invalid: bool, rejects_path: Path | None, on_row: OnRow) -> Any:
        return import_loans(path=path, actor=actor, skip_invalid=skip_invalid, rejects_path=rejects_path, on_row=on_row)

    def report(self, console: ui.Console, summary: Any) -> None:
        ui.report(
            console,
            summary,
            title=f"Loans import summary ({summary.format})",
            more=[("Objects created", summary.objects_created)],
        )
