from pathlib import Path
from typing import Any

from museumshare.activities.importer import import_activities
from museumshare.core.console import ImportCommand, OnRow
from museumshare.core.services import Actor


class Command(ImportCommand):
    help = "Import activities from a CSV or Excel file (see docs/activities-import.md)."

    def run(self, *, path: Path, actor: Actor, skip_invalid: bool, rejects_path: Path | None, on_row: OnRow) -> Any:
        return import_activities(
            path=path, actor=actor, skip_invalid=skip_invalid, rejects_path=rejects_path, on_row=on_row
        )
