"""Unmet need on the map: open needs (open or in conversation) by area of the UK.

A need counts where the organisation that posted it is, at any level of the ONS 2025 geography
the map shows: nation, region, county or unitary authority, or local authority district. Only the
needs the reader may see are counted (`Need.objects.visible_to`): a private need counts only for
its own organisation's people, analysts and administrators. One GROUP BY query on the ONS codes
the register copies onto every organisation; no geometry is touched.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from museumshare.core import geography
from museumshare.needs.models import Need

LEVELS = ("nation", "region", "upper_tier", "district")
# The organisation's field naming its area at each level; nations are stored by name (England).
AREA_FIELD = {
    "nation": "organisation__nation",
    "region": "organisation__region_code",
    "upper_tier": "organisation__upper_tier_code",
    "district": "organisation__district_code",
}
# The needs board's filter for an area of each level: nations by name, the others by code.
BOARD_FILTER = {"nation": "nation", "region": "region", "upper_tier": "county", "district": "local_authority"}


@dataclass(frozen=True)
class Area:
    """A UK area by its GSS code, and how many open needs are there."""

    code: str
    name: str
    value: int


def open_needs(*, user: Any, level: str, kind: str = "") -> list[Area]:
    """Every area of `level` with open needs `user` may see, the most first, then by name."""
    if level not in LEVELS:
        raise ValueError(f"No such level: {level!r}.")
    needs = Need.objects.visible_to(user).unmet()
    if kind:
        needs = needs.filter(kind=kind)
    field = AREA_FIELD[level]
    rows = needs.exclude(**{field: ""}).values_list(field).annotate(n=Count("pk")).order_by()
    names = geography.area_names(level)
    if level == "nation":
        code_of = {name: code for code, name in names.items()}
        counted = [(code_of.get(value, ""), n) for value, n in rows]
    else:
        counted = list(rows)
    found = [Area(code, names[code], n) for code, n in counted if code in names and n > 0]
    return sorted(found, key=lambda area: (-area.value, area.name))


def total_open(*, user: Any) -> int:
    """How many open needs `user` may see, wherever they are."""
    return Need.objects.visible_to(user).unmet().count()


def board_url(level: str, area: Area) -> str:
    """The needs board showing the open needs of `area`, which `open_needs` found at `level`."""
    value = area.name if level == "nation" else area.code
    return reverse("needs:board") + "?" + urlencode({BOARD_FILTER[level]: value})
