"""The indicator catalogue the annual return asks for, loaded from data/indicators.csv."""

import csv
from pathlib import Path

from museumshare.returns.derive import RULES

CATALOGUE_FILE = Path(__file__).parent / "data" / "indicators.csv"


def catalogue() -> list[dict[str, object]]:
    """Each indicator's fields, in the order of the return; every one the register can derive has its rule."""
    with CATALOGUE_FILE.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    return [
        {
            "code": row["code"],
            "section": row["section"],
            "name": row["name"],
            "unit": row["unit"],
            "definition": row["definition"],
            "position": 10 * (n + 1),
            "rule": row["code"] if row["code"] in RULES else "",
        }
        for n, row in enumerate(rows)
    ]


def ensure_catalogue() -> int:
    """Load the catalogue when the table is empty (the migration loads it; a test database flushed
    between tests loses it). Returns how many indicators were loaded."""
    from museumshare.returns.models import Indicator

    if Indicator.objects.exists():
        return 0
    return len(Indicator.objects.bulk_create(Indicator(**fields) for fields in catalogue()))
