"""What the report's tests share: returns whose totals are DCMS's published figures (PRODUCT.md).

People who saw the national collection in the UK: just over 22 million in 2019/20 and at least
1.3 million in 2020/21; formal networks: 348 in 2017/18 and 438 in 2020/21, with none reported in
between. They are split between two museums' returns to show that the report adds them up.
"""

import pytest

from museumshare.core.services import System
from museumshare.organisations.models import Organisation
from museumshare.returns.importer import import_returns_content

COMMAND_LINE = System("command-line import")

ROWS = [
    # organisation, year, indicator, value
    ("A", "2017/18", "formal_networks", 200),
    ("B", "2017/18", "formal_networks", 148),
    ("A", "2017/18", "audience_uk", 10_000_000),
    ("B", "2017/18", "audience_uk", 8_400_000),
    ("A", "2019/20", "audience_uk", 12_000_000),
    ("B", "2019/20", "audience_uk", 10_050_000),
    ("A", "2019/20", "display_objects", 40_000),
    ("A", "2020/21", "audience_uk", 800_000),
    ("B", "2020/21", "audience_uk", 500_000),
    ("A", "2020/21", "formal_networks", 250),
    ("B", "2020/21", "formal_networks", 188),
    ("A", "2020/21", "display_objects", 40_150),
    ("A", "2020/21", "apprenticeships", 66),
]


@pytest.fixture
def published_figures(register: dict[str, Organisation]) -> tuple[Organisation, Organisation]:
    first, second = Organisation.objects.national_bodies().order_by("name")[:2]
    refs = {"A": first.external_id, "B": second.external_id}
    lines = ["organisation,year,indicator,value"] + [f"{refs[o]},{y},{code},{v}" for o, y, code, v in ROWS]
    import_returns_content(name="returns.csv", content="\n".join(lines).encode(), actor=COMMAND_LINE)
    return first, second
