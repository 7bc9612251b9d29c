"""The boundaries the map draws: every area of each level, simplified, small enough to send."""

import gzip
import json

import pytest
import shapely
from django.test import Client
from django.urls import reverse
from shapely.geometry import shape

from museumshare.core import geography

LEVELS = ("nation", "region", "upper_tier", "district")
# The most each level may weigh gzipped, as a browser receives it.
LIMITS = {"nation": 150_000, "region": 150_000, "upper_tier": 400_000, "district": 1_000_000}


@pytest.mark.parametrize("level", LEVELS)
def test_each_level_is_small_enough_to_send(level: str) -> None:
    body = json.dumps(geography.boundaries(level), separators=(",", ":")).encode()
    assert len(gzip.compress(body)) < LIMITS[level]


@pytest.mark.parametrize("level", LEVELS)
def test_each_level_has_every_area_of_the_lookup_by_code_and_name(level: str) -> None:
    features = geography.boundaries(level)["features"]
    assert {f["properties"]["code"]: f["properties"]["name"] for f in features} == geography.area_names(level)
    assert all(set(f["properties"]) == {"code", "name"} for f in features)


@pytest.mark.parametrize("level", LEVELS)
def test_simplified_areas_are_valid_and_keep_their_shape(level: str) -> None:
    source = json.loads(geography.LEVEL_FILES[level].read_text(encoding="utf-8"))["features"]
    original = {f["properties"]["areacd"]: shapely.make_valid(shape(f["geometry"])) for f in source}
    for feature in geography.boundaries(level)["features"]:
        simplified = shape(feature["geometry"])
        assert simplified.is_valid, feature["properties"]["name"]
        # Even the City of London and the Isles of Scilly keep almost all of their area.
        assert simplified.area == pytest.approx(original[feature["properties"]["code"]].area, rel=0.05)


def test_neighbours_still_meet() -> None:
    districts = {f["properties"]["code"]: shape(f["geometry"]) for f in geography.boundaries("district")["features"]}
    # Newcastle upon Tyne and North Tyneside share a border, and do not overlap.
    newcastle, north_tyneside = districts["E08000021"], districts["E08000022"]
    assert newcastle.intersection(north_tyneside).length > 0.05
    assert newcastle.intersection(north_tyneside).area < 1e-6


def test_a_level_is_served_with_an_etag_compressed(client: Client) -> None:
    first = client.get("/geo/district.geojson")
    assert first.status_code == 200
    assert first["Content-Type"] == "application/geo+json"
    assert first["Cache-Control"] == "public, max-age=86400"
    assert len(json.loads(first.content)["features"]) == 361
    compressed = client.get("/geo/district.geojson", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert compressed["Content-Encoding"] == "gzip"
    assert compressed["Vary"] == "Accept-Encoding"
    assert compressed["ETag"] == first["ETag"]
    assert gzip.decompress(compressed.content) == first.content
    assert len(compressed.content) < 1_000_000
    assert client.get("/geo/district.geojson", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # A proxy that compressed it may send the tag back weakened.
    assert client.get("/geo/district.geojson", HTTP_IF_NONE_MATCH=f"W/{first['ETag']}").status_code == 304


def test_every_level_has_an_address(client: Client) -> None:
    for level in LEVELS:
        url = reverse("core:boundaries", args=[level])
        assert url == f"/geo/{level}.geojson"
        assert client.get(url).status_code == 200
    assert client.get("/geo/county.geojson").status_code == 404
    # The addresses from before still answer.
    assert client.get("/geo/nations.geojson").status_code == 200
    assert client.get("/geo/districts/E08000021.geojson").status_code == 200
