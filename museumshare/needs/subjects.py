"""The subjects a need or an offer is about: the Mapping Museums subject list.

They are read from the register file museumshare ships (its `Subject_Matter` column), so a need
about "Arts-Fine_and_decorative_arts" matches the museums the register files under that subject,
and the list never drifts from the register's own words.
"""

import csv
from functools import cache

from museumshare.organisations.importer import MAPPING_MUSEUMS_FILE


@cache
def subjects() -> tuple[str, ...]:
    """Every subject of the shipped register, sorted: "Archaeology-Roman", "Arts-Ceramics"…"""
    with MAPPING_MUSEUMS_FILE.open(encoding="utf-8", newline="") as f:
        return tuple(sorted({row["Subject_Matter"].strip() for row in csv.DictReader(f)} - {""}))


def label(subject: str) -> str:
    """A subject in words: "Arts-Fine_and_decorative_arts" is "Arts: Fine and decorative arts"."""
    area, _, rest = subject.replace("_", " ").partition("-")
    return f"{area}: {rest.replace('-', ', ')}" if rest else area


def choices() -> list[tuple[str, str]]:
    return [(subject, label(subject)) for subject in subjects()]
