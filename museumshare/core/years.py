"""UK financial years, as the sector reports them: 2020/21 runs from 1 April 2020 to 31 March 2021.

A reporting year is held as the calendar year it starts in (2020 for 2020/21).
"""

import re
from datetime import date

FIRST, LAST = 1900, 2099
LABEL = re.compile(r"^\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*$")


def start(year: int) -> date:
    return date(year, 4, 1)


def end(year: int) -> date:
    return date(year + 1, 3, 31)


def label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def slug(year: int) -> str:
    """The year as it is written in a web address: 2020-21."""
    return label(year).replace("/", "-")


def of(day: date) -> int:
    """The reporting year a day falls in."""
    return day.year if day.month >= 4 else day.year - 1


def overlapping(first: date, last: date | None, today: date | None = None) -> list[int]:
    """The reporting years a period overlaps; an open period runs to today (or its start, if later)."""
    last = last or max(first, today or date.today())
    return list(range(of(first), of(last) + 1))


def parse(text: str) -> int:
    """2020 from '2020/21', '2020-21' or '2020/2021'; ValueError for anything else."""
    match = LABEL.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a reporting year like 2020/21.")
    first, second = int(match.group(1)), match.group(2)
    if not FIRST <= first <= LAST:
        raise ValueError(f"'{text}' is outside the years museumshare records ({label(FIRST)} to {label(LAST)}).")
    if int(second) % 100 != (first + 1) % 100:
        raise ValueError(f"'{text}' is not a reporting year: the second year must follow the first.")
    return first
