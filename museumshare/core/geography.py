"""Where a point is in the UK: district, upper-tier authority, region and nation (ONS 2025).

Point-in-polygon with shapely over the ONS super-generalised district boundaries shipped in
`core/data`. The generalised coastline leaves some seaside museums just outside every
district, so a point within `COASTAL_TOLERANCE_KM` of one is placed in the nearest.
`boundaries(level)` gives the areas of each level, simplified, for maps.
"""

import csv
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points
from shapely.strtree import STRtree

DATA_DIR = Path(__file__).resolve().parent / "data"
DISTRICTS_FILE = DATA_DIR / "uk_local_authority_districts_2025.geojson"
NATIONS_FILE = DATA_DIR / "uk_countries_2025.geojson"
REGIONS_FILE = DATA_DIR / "uk_regions_and_nations_2025.geojson"
UPPER_TIER_FILE = DATA_DIR / "uk_upper_tier_local_authorities_2025.geojson"
LOOKUP_FILE = DATA_DIR / "uk_local_authority_districts_2025_lookup.csv"
COASTAL_TOLERANCE_KM = 5.0
EARTH_RADIUS_KM = 6371.0088

NATIONS = ("England", "Scotland", "Wales", "Northern Ireland")
# Crown Dependencies: in the British Isles but outside the UK and its ONS boundaries. The
# annual report counts them as international; the register keeps their ISO country code.
CROWN_DEPENDENCY_POSTCODES = {"JE": "JE", "GY": "GG", "IM": "IM"}


@dataclass(frozen=True)
class District:
    code: str
    name: str
    upper_tier_code: str
    upper_tier_name: str
    region_code: str
    region_name: str
    nation_code: str
    nation: str


@dataclass(frozen=True)
class Boundaries:
    districts: tuple[District, ...]
    polygons: tuple[BaseGeometry, ...]
    tree: STRtree


@cache
def districts_by_code() -> dict[str, District]:
    with LOOKUP_FILE.open(encoding="utf-8", newline="") as f:
        return {
            row["lad25cd"]: District(
                code=row["lad25cd"],
                name=row["lad25nm"],
                upper_tier_code=row["utla25cd"],
                upper_tier_name=row["utla25nm"],
                region_code=row["rgncd"],
                region_name=row["rgnnm"],
                nation_code=row["ctrycd"],
                nation=row["ctrynm"],
            )
            for row in csv.DictReader(f)
        }


@cache
def district_index() -> Boundaries:
    lookup = districts_by_code()
    features = json.loads(DISTRICTS_FILE.read_text(encoding="utf-8"))["features"]
    districts = tuple(lookup[f["properties"]["areacd"]] for f in features)
    # The generalised source has small self-intersections; containment tests need valid shapes.
    polygons = tuple(shapely.make_valid(shape(f["geometry"])) for f in features)
    return Boundaries(districts=districts, polygons=polygons, tree=STRtree(polygons))


def regions() -> list[tuple[str, str]]:
    """(code, name) of the 12 regions: nine English regions, then Scotland, Wales and NI."""
    seen = {d.region_code: d.region_name for d in districts_by_code().values()}
    return sorted(seen.items())


def upper_tier_authorities() -> list[tuple[str, str]]:
    seen = {d.upper_tier_code: d.upper_tier_name for d in districts_by_code().values()}
    return sorted(seen.items(), key=lambda item: item[1])


def districts() -> list[District]:
    return sorted(districts_by_code().values(), key=lambda d: d.name)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def is_valid_coordinate(lat: float, lon: float) -> bool:
    return -90 <= lat <= 90 and -180 <= lon <= 180


def in_british_isles(lat: float, lon: float) -> bool:
    """A generous box around the UK, the Channel Islands and the Isle of Man."""
    return 49.0 <= lat <= 61.5 and -11.0 <= lon <= 2.5


def locate_many(points: Sequence[tuple[float, float]]) -> list[District | None]:
    """The district of each (latitude, longitude), or None outside every district."""
    if not points:
        return []
    bounds = district_index()
    geoms = shapely.points([(lon, lat) for lat, lon in points])
    found: list[District | None] = [None] * len(points)
    point_index, polygon_index = bounds.tree.query(geoms, predicate="intersects")
    for p, g in zip(point_index.tolist(), polygon_index.tolist(), strict=True):
        if found[p] is None:
            found[p] = bounds.districts[g]
    for i, (lat, lon) in enumerate(points):
        if found[i] is None:
            found[i] = _nearest_within_tolerance(bounds, lat, lon)
    return found


def locate(lat: float, lon: float) -> District | None:
    return locate_many([(lat, lon)])[0]


def _nearest_within_tolerance(bounds: Boundaries, lat: float, lon: float) -> District | None:
    point = Point(lon, lat)
    # A degree of longitude is at least 35 km at UK latitudes, so 0.2° covers 5 km in any direction.
    candidates = bounds.tree.query(point.buffer(0.2))
    best: tuple[float, District] | None = None
    for index in candidates.tolist():
        nearest = nearest_points(bounds.polygons[index], point)[0]
        km = distance_km(lat, lon, nearest.y, nearest.x)
        if km <= COASTAL_TOLERANCE_KM and (best is None or km < best[0]):
            best = (km, bounds.districts[index])
    return best[1] if best else None


def crown_dependency(postcode: str) -> str | None:
    """ISO country code for a Jersey, Guernsey or Isle of Man postcode, else None."""
    return CROWN_DEPENDENCY_POSTCODES.get(postcode.strip().upper()[:2])


@cache
def nations_outline() -> dict[str, Any]:
    """The four nations, simplified to about 2 km: a backdrop for maps without a tile server."""
    features = json.loads(NATIONS_FILE.read_text(encoding="utf-8"))["features"]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": f["properties"],
                "geometry": mapping(_backdrop(shape(f["geometry"]))),
            }
            for f in features
        ],
    }


def _backdrop(geometry: BaseGeometry) -> BaseGeometry:
    parts = shapely.get_parts(shapely.get_parts(shapely.make_valid(geometry)))
    # Islands smaller than about 2 km² vanish at the zoom a backdrop is seen at.
    kept = [part for part in parts if part.geom_type == "Polygon" and part.area > 0.0003]
    return shapely.set_precision(shapely.MultiPolygon(kept).simplify(0.01), 0.001)


def district_feature(code: str) -> dict[str, Any] | None:
    bounds = district_index()
    for district, polygon in zip(bounds.districts, bounds.polygons, strict=True):
        if district.code == code:
            return {
                "type": "Feature",
                "properties": {"areacd": district.code, "areanm": district.name},
                "geometry": mapping(polygon.simplify(0.001)),
            }
    return None


# The levels a map of the UK shows, each an ONS layer of 2025 whose areas are named by GSS code.
# Regions are the nine English regions with Scotland, Wales and Northern Ireland as units of their
# own, under their nation codes, as `District.region_code` has them.
LEVEL_FILES = {
    "nation": NATIONS_FILE,
    "region": REGIONS_FILE,
    "upper_tier": UPPER_TIER_FILE,
    "district": DISTRICTS_FILE,
}
# Degrees: about 500 m for the large areas, 200 m where a London borough must still show its shape.
LEVEL_TOLERANCE = {"nation": 0.005, "region": 0.005, "upper_tier": 0.002, "district": 0.002}
# About 10 m: finer than the source, which is generalised to about 15 m.
BOUNDARY_DECIMALS = 4


@cache
def boundaries(level: str) -> dict[str, Any]:
    """The areas of `level` as a GeoJSON FeatureCollection with properties `code` and `name`.

    Simplified as a coverage, so that neighbours still meet with no gaps or overlaps, and small
    enough to send to a browser (the districts are about 300 kB gzipped). Built once; callers
    must not change what they are given. KeyError for a level not in `LEVEL_FILES`.
    """
    features = json.loads(LEVEL_FILES[level].read_text(encoding="utf-8"))["features"]
    areas = [_polygonal(shape(f["geometry"])) for f in features]
    simplified = shapely.coverage_simplify(areas, LEVEL_TOLERANCE[level])
    # Snapped to the grid, dropping what collapses, then rounded so that JSON writes 54.9737, not 54.97370000000001.
    snapped = shapely.set_precision(simplified, 10**-BOUNDARY_DECIMALS)
    rounded = shapely.transform(snapped, lambda xy: np.round(xy, BOUNDARY_DECIMALS))
    # RFC 7946 order (outer rings anticlockwise), which the shipped files have and repairs may undo.
    rounded = shapely.orient_polygons(rounded, exterior_cw=False)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": f["properties"]["areacd"], "name": f["properties"]["areanm"]},
                "geometry": mapping(geometry),
            }
            for f, geometry in zip(features, rounded.tolist(), strict=True)
        ],
    }


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """The polygons of a valid version of `geometry`: repairing a self-intersection can leave lines."""
    parts = [p for p in shapely.get_parts(shapely.get_parts(shapely.make_valid(geometry))) if p.geom_type == "Polygon"]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def area_names(level: str) -> dict[str, str]:
    """Name by GSS code of every area of `level`, from the district lookup (no geometry)."""
    fields = {
        "nation": ("nation_code", "nation"),
        "region": ("region_code", "region_name"),
        "upper_tier": ("upper_tier_code", "upper_tier_name"),
        "district": ("code", "name"),
    }[level]
    return {getattr(d, fields[0]): getattr(d, fields[1]) for d in districts_by_code().values()}
