"""The map of partnership activity: the page, its data for the script, and the downloads.

Every figure comes from `atlas.aggregate`; these views only choose, sort, colour and present it,
so the map, the table under it and both downloads always show the same numbers.
"""

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from museumshare.atlas import aggregate
from museumshare.atlas.forms import COLD_SPOT_BASES, LEVEL_LABELS, LEVEL_NOUNS, MapFilterForm
from museumshare.core import exports, geography, years
from museumshare.needs import aggregate as needs_aggregate

# Five classes from light to dark (ColorBrewer YlGnBu), legible on screen and in print; the
# lightest still stands apart from the grey of the areas with none.
PALETTE = ("#d9f0c6", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
NONE_COLOUR = "#efeee9"
SPREAD = {1: (2,), 2: (1, 3), 3: (1, 2, 4), 4: (1, 2, 3, 4), 5: (0, 1, 2, 3, 4)}
COLD_SPOTS_SHOWN = 12


@dataclass(frozen=True)
class ColourClass:
    low: int
    high: int
    colour: str

    @property
    def label(self) -> str:
        return f"{self.low:,}" if self.low == self.high else f"{self.low:,} to {self.high:,}"


@dataclass(frozen=True)
class Row:
    """One area of the table and the map, with its colour and where to read more."""

    code: str
    name: str
    value: int
    colour: str
    register: str
    drill: str


def round_number(value: float) -> int:
    """The nearest of 1, 2, 2.5, 5 times a power of ten (whole numbers below ten stay as they are)."""
    if value < 10:
        return max(1, round(value))
    power = 10 ** math.floor(math.log10(value))
    steps = [1, 2, 2.5, 5, 10] if power >= 10 else [1, 2, 5, 10]
    return int(min((step * power for step in steps), key=lambda candidate: abs(candidate - value)))


def class_breaks(values: Sequence[int], classes: int = len(PALETTE)) -> list[ColourClass]:
    """Up to five classes of the areas with any, each holding about as many areas (quantiles),
    their limits rounded so the legend reads 1 to 10, 11 to 25, 26 to 50 rather than 1 to 13."""
    positive = sorted(value for value in values if value > 0)
    if not positive:
        return []
    highest = positive[-1]
    limits: list[int] = []
    for step in range(1, classes):
        cut = round_number(positive[math.ceil(step * len(positive) / classes) - 1])
        if cut < highest and (not limits or cut > limits[-1]):
            limits.append(cut)
    limits.append(highest)
    # Fewer classes than colours take colours spread across the scale, none of them the palest.
    colours = [PALETTE[i] for i in SPREAD[len(limits)]]
    lows = [1, *(limit + 1 for limit in limits[:-1])]
    return [ColourClass(low, high, colour) for low, high, colour in zip(lows, limits, colours, strict=True)]


def colour_of(value: int, classes: Sequence[ColourClass]) -> str:
    for colour_class in classes:
        if value <= colour_class.high:
            return colour_class.colour if value > 0 else NONE_COLOUR
    return NONE_COLOUR


SORT_KEYS = {
    "value": (lambda row: (-row.value, row.name)),
    "value_asc": (lambda row: (row.value, row.name)),
    "name": (lambda row: (row.name, row.code)),
    "name_desc": (lambda row: (row.name, row.code)),
}


def _rows(form: MapFilterForm, areas: Sequence[aggregate.Area], classes: Sequence[ColourClass]) -> list[Row]:
    level, sort = form.cleaned_data["level"], form.cleaned_data["sort"]
    drill = _drill_url(form) if level == "upper_tier" else ""
    rows = []
    for area in areas:
        register = _register_url(form, level, area.code)
        rows.append(
            Row(
                code=area.code,
                name=area.name,
                value=area.value,
                colour=colour_of(area.value, classes),
                register=register,
                drill="" if register else drill,
            )
        )
    return sorted(rows, key=SORT_KEYS[sort], reverse=sort == "name_desc")


def _register_url(form: MapFilterForm, level: str, code: str) -> str:
    """The activities register filtered to an area and, where it can be, to the map's filters."""
    params: dict[str, str] = {}
    districts = geography.districts_by_code()
    if level == "nation":
        nations = {d.nation_code: d.nation for d in districts.values()}
        if code not in nations:
            return ""
        params["nation"] = nations[code]
    elif level == "region":
        params["region"] = code
    elif code in districts:
        # Unitary and metropolitan authorities are districts too; a county is not, and the
        # register has no filter for one: its popup offers the map of its districts instead.
        params["local_authority"] = code
    else:
        return ""
    filters = form.filters()
    if filters.year_from is not None and filters.year_from == filters.year_to:
        params["year"] = years.slug(filters.year_from)
    if filters.kind:
        params["kind"] = filters.kind
    if filters.organisation is not None:
        params["organisation"] = filters.organisation.slug
    return reverse("activities:list") + "?" + urlencode(params)


def _drill_url(form: MapFilterForm) -> str:
    query = QueryDict(mutable=True)
    query.update(form.data)
    query["level"] = "district"
    return reverse("atlas:map") + "?" + str(query.urlencode())


@dataclass(frozen=True)
class NeedArea:
    """An area with open needs the reader may see, and the needs board showing them."""

    code: str
    name: str
    value: int
    board: str


def _open_needs(request: HttpRequest, level: str) -> list[NeedArea]:
    return [
        NeedArea(area.code, area.name, area.value, needs_aggregate.board_url(level, area))
        for area in needs_aggregate.open_needs(user=request.user, level=level)
    ]


@dataclass(frozen=True)
class Figures:
    rows: list[Row]
    classes: list[ColourClass]


def _figures(request: HttpRequest, form: MapFilterForm) -> Figures:
    data = form.cleaned_data
    areas = aggregate.areas(user=request.user, level=data["level"], measure=data["measure"], filters=form.filters())
    classes = class_breaks([area.value for area in areas])
    return Figures(rows=_rows(form, areas, classes), classes=classes)


def _invalid(form: MapFilterForm) -> HttpResponse:
    problems = [str(error) for errors in form.errors.values() for error in errors]
    return HttpResponse(
        "These filters cannot be used: " + " ".join(problems), status=400, content_type="text/plain; charset=utf-8"
    )


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    form = MapFilterForm(request.GET)
    context: dict[str, Any] = {"form": form, "cold_spot_bases": COLD_SPOT_BASES}
    if not form.is_valid():
        return render(request, "atlas/map.html", context)
    data = form.cleaned_data
    filters = form.filters()
    figures = _figures(request, form)
    cold_spots = aggregate.cold_spots(user=request.user, filters=filters, basis=data["cold"])
    organisation = form.chosen_organisation()
    if data["cold"] == "activities":
        cold_meaning = "no partnership activity took place"
    elif organisation is None:
        cold_meaning = "no loan from a national museum went"
    else:
        cold_meaning = f"no loan from {organisation.name} went"
    abroad = (
        aggregate.countries(user=request.user, measure=data["measure"], filters=filters)
        if data["scope"] != "uk"
        else []
    )
    open_needs = _open_needs(request, data["level"])
    query = request.GET.copy()
    unsorted = query.copy()
    unsorted.pop("sort", None)
    context |= {
        "level": data["level"],
        "level_label": LEVEL_LABELS[data["level"]],
        "noun": LEVEL_NOUNS[data["level"]],
        "measure_label": aggregate.MEASURES[data["measure"]],
        "years_label": form.years_label(),
        "described": form.described(),
        "sort": data["sort"],
        "rows": figures.rows,
        "area_count": len(geography.area_names(data["level"])),
        "classes": figures.classes,
        "none_colour": NONE_COLOUR,
        "cold_spots": cold_spots[:COLD_SPOTS_SHOWN],
        "more_cold_spots": cold_spots[COLD_SPOTS_SHOWN:],
        "cold_spot_count": len(cold_spots),
        "cold_meaning": cold_meaning,
        # Unmet need, beside the cold spots: where museums have asked for help, at the map's level.
        "open_needs": open_needs[:COLD_SPOTS_SHOWN],
        "more_open_needs": open_needs[COLD_SPOTS_SHOWN:],
        "open_need_total": needs_aggregate.total_open(user=request.user),
        "countries": sorted(abroad, key=lambda country: (-country.value, country.name)),
        "query": query.urlencode(),
        "unsorted_query": unsorted.urlencode(),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, "atlas/map.html", context)


@require_GET
def map_data(request: HttpRequest) -> HttpResponse:
    """Everything the page's script draws, for the filters in the query string."""
    form = MapFilterForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    data = form.cleaned_data
    filters = form.filters()
    figures = _figures(request, form)
    flows = aggregate.flows(user=request.user, filters=filters) if data["flows"] else []
    cold_spots = aggregate.cold_spots(user=request.user, filters=filters, basis=data["cold"])
    body = {
        "level": data["level"],
        "measure": aggregate.MEASURES[data["measure"]],
        "years": form.years_label(),
        "areas": [asdict(row) for row in figures.rows],
        "classes": [{"label": c.label, "low": c.low, "high": c.high, "colour": c.colour} for c in figures.classes],
        "none_colour": NONE_COLOUR,
        "points": [asdict(point) for point in aggregate.points(user=request.user, filters=filters)],
        "flows": [asdict(flow) for flow in flows],
        "cold_spots": [asdict(spot) for spot in cold_spots],
        "open_needs": [asdict(area) for area in _open_needs(request, data["level"])],
    }
    return JsonResponse(body)


@require_GET
def areas_csv(request: HttpRequest) -> HttpResponse:
    form = MapFilterForm(request.GET)
    if not form.is_valid():
        return _invalid(form)
    data = form.cleaned_data
    rows = [(row.code, row.name, row.value) for row in _figures(request, form).rows]
    header = ["Code", LEVEL_NOUNS[data["level"]].capitalize(), aggregate.MEASURES[data["measure"]]]
    return exports.download(fmt="csv", name_parts=form.name_parts(), header=header, rows=rows)


@require_GET
def areas_geojson(request: HttpRequest) -> HttpResponse:
    """The boundaries of the chosen areas with their figures, for a GIS."""
    form = MapFilterForm(request.GET)
    if not form.is_valid():
        return _invalid(form)
    data = form.cleaned_data
    measure = aggregate.MEASURES[data["measure"]]
    by_code = {row.code: row for row in _figures(request, form).rows}
    features = []
    for feature in geography.boundaries(data["level"])["features"]:
        row = by_code.get(feature["properties"]["code"])
        if row is None:
            continue
        properties = {"code": row.code, "name": row.name, "measure": measure, "value": row.value}
        features.append({"type": "Feature", "properties": properties, "geometry": feature["geometry"]})
    # In the table's order, so the file and the page read alike.
    order = {code: index for index, code in enumerate(by_code)}
    features.sort(key=lambda feature: order[feature["properties"]["code"]])
    collection = {
        "type": "FeatureCollection",
        "name": f"{measure} by {LEVEL_NOUNS[data['level']]}, {form.years_label()}",
        "features": features,
    }
    response = HttpResponse(json.dumps(collection, separators=(",", ":")), content_type="application/geo+json")
    name = exports.filename(*form.name_parts(), extension="geojson")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
