"""What every spreadsheet import shares: its errors, its summary and its file of rejected rows.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first record row 2.
"""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Generic, TypeVar

from django.db import models

from museumshare.core import exports
from museumshare.core.text import fold


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str
    ref: str = ""

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ImportSummary:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[Problem] = field(default_factory=list)
    rejects_path: Path | None = None
    format: str = ""
    # The file's own columns, and its rows that have errors, by row number: the rejects file.
    header: list[str] = field(default_factory=list)
    rejects: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len({problem.row for problem in self.errors})

    def rejects_csv(self) -> str:
        """The rejected rows as CSV: `row`, the file's own columns, and `errors`."""
        out = io.StringIO()
        write_rejects(out, self.header, self.rejects, self.errors)
        return out.getvalue()

    def save_rejects(self, path: Path) -> None:
        """Write the rejected rows to `path`, for the person to correct and import again."""
        self.rejects_path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.rejects_csv(), encoding="utf-8")


Summary = TypeVar("Summary", bound=ImportSummary)


class ImportFailed(Exception, Generic[Summary]):
    """The file cannot be imported at all, or has row errors and `skip_invalid` was not given."""

    def __init__(self, message: str, summary: Summary | None = None) -> None:
        super().__init__(message)
        self.summary = summary


def read_file(path: Path) -> bytes:
    """The bytes of the file at `path`, or ImportFailed saying why it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ImportFailed(f"There is no file at {path}.") from None
    except OSError as exc:
        raise ImportFailed(f"{path} cannot be read: {exc.strerror}.") from None


@cache
def vocabulary(choices: type[models.TextChoices]) -> dict[str, str]:
    """A vocabulary's codes by folded code and by folded label, so 'Historic house' works too."""
    return {fold(str(label)): str(code) for code, label in choices.choices} | {
        fold(str(code)): str(code) for code in choices.values
    }


def write_rejects(
    out: IO[str], header: Sequence[str], rows: Iterable[tuple[int, Mapping[str, str]]], errors: Iterable[Problem]
) -> None:
    """The rows that have errors, as CSV: their row number, their original columns, and what is wrong."""
    by_row: dict[int, list[str]] = {}
    for problem in errors:
        by_row.setdefault(problem.row, []).append(str(problem))
    writer = csv.writer(out)
    writer.writerow(exports.row(["row", *header, "errors"]))
    for number, raw in rows:
        if number in by_row:
            writer.writerow(exports.row([number, *(raw.get(col, "") for col in header), "; ".join(by_row[number])]))
