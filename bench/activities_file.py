"""A CSV of synthetic activities between real organisations of the Mapping Museums register.

Every organisation is a real row of the register that ships with museumshare, named by its id or
its exact name; the activities, dates and figures are made up, the same ones for the same count.
The benchmarks time `import_activities` on it (`make bench`).
"""

import csv
import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from museumshare.organisations.importer import MAPPING_MUSEUMS_FILE, NATIONAL_MUSEUMS_FILE

COLUMNS = [
    "ref", "title", "kind", "lead", "partners", "start_date", "end_date", "status", "description", "visitors",
    "participants", "objects", "funding_amount", "funder", "themes", "not_pre_planned", "digital",
    "evidence_links", "visibility", "places",
]  # fmt: skip
KINDS = [
    "loan_display_uk", "Touring exhibition", "co_produced_exhibition", "long_term_loan", "placement",
    "Mentoring", "internship", "sector_training", "research_project", "learning_programme",
    "community_partnership", "Digital project",
]  # fmt: skip
ROLES = ["", " (host)", " (funder)", " (participant)", " (partner)"]
PLACES = ["E08000021", "W06000015", "S12000036", "N09000003", "E09000033", "France", "US", "DE"]
THEMES = ["portraits", "industry", "landscape", "wellbeing", "migration", "climate", "textiles"]


def organisations() -> list[tuple[str, str]]:
    with MAPPING_MUSEUMS_FILE.open(encoding="utf-8", newline="") as f:
        rows = [(row["museum_id"], row["Name_of_museum"].strip()) for row in csv.DictReader(f)]
    with NATIONAL_MUSEUMS_FILE.open(encoding="utf-8", newline="") as f:
        # The import renames some national sites after their bodies (Geffrye Museum to Museum of the Home).
        bodies = [row["body_name"] for row in csv.DictReader(f)]
    # Only names no other organisation has can stand for their museum; the rest go by id.
    counts = Counter(name.casefold() for name in [*(name for _, name in rows), *bodies])
    return [(ref, name if counts[name.casefold()] == 1 else ref) for ref, name in rows]


def rows(count: int, seed: int = 2020) -> list[dict[str, str]]:
    rng = random.Random(seed)
    register = organisations()

    def who() -> str:
        ref, name = rng.choice(register)
        return name if rng.random() < 0.4 else ref

    def partners() -> str:
        chosen = dict(rng.choice(register) for _ in range(rng.randrange(4)))
        return "; ".join((name if rng.random() < 0.4 else ref) + rng.choice(ROLES) for ref, name in chosen.items())

    result = []
    for number in range(1, count + 1):
        start = date(2018, 4, 1) + timedelta(days=rng.randrange(1500))
        end = start + timedelta(days=rng.randrange(0, 400)) if rng.random() < 0.8 else None
        spellings = [start.isoformat(), f"{start.day}/{start.month}/{start.year}", f"{start.day} {start:%B %Y}"]
        result.append(
            {
                "ref": f"bench-{number:06d}",
                "title": f"Partnership {number}: {rng.choice(THEMES)}",
                "kind": rng.choice(KINDS),
                "lead": who(),
                "partners": partners(),
                "start_date": rng.choice(spellings),
                "end_date": end.isoformat() if end else "",
                "status": rng.choice(["active", "Completed", "planned", ""]),
                "description": "Made-up activity for a benchmark." if rng.random() < 0.5 else "",
                "visitors": str(rng.randrange(50_000)) if rng.random() < 0.6 else "",
                "participants": f"{rng.randrange(2_000):,}" if rng.random() < 0.5 else "",
                "objects": str(rng.randrange(300)) if rng.random() < 0.3 else "",
                "funding_amount": f"£{rng.randrange(100, 50_000):,}.{rng.randrange(100):02d}"
                if rng.random() < 0.3
                else "",
                "funder": "Arts Council England" if rng.random() < 0.2 else "",
                "themes": ", ".join(rng.sample(THEMES, rng.randrange(3))),
                "not_pre_planned": rng.choice(["", "false", "yes", "no"]),
                "digital": rng.choice(["", "true", "false"]),
                "evidence_links": "https://example.org/report.pdf" if rng.random() < 0.2 else "",
                "visibility": rng.choice(["public", "partners", "private", ""]),
                "places": "; ".join(rng.choice(PLACES) for _ in range(rng.randrange(3))),
            }
        )
    return result


def write(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows(count))
    return path
