from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from museumshare.core import audit, exports, geography
from museumshare.core.text import fold
from museumshare.organisations.models import Organisation


def test_fold_ignores_accents_case_and_ampersands() -> None:
    assert fold("  Musée  d'Orsay ") == "musee d'orsay"
    assert fold("V&A Dundee") == fold("v and a dundee")


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


def test_it_places_a_point_in_its_district_region_and_nation() -> None:
    district = geography.locate(54.97493, -1.6095)  # Laing Art Gallery

    assert district is not None
    assert (district.code, district.upper_tier_code, district.region_name, district.nation) == (
        "E08000021",
        "E08000021",
        "North East",
        "England",
    )


def test_it_places_a_seaside_point_just_off_the_generalised_coast_in_the_nearest_district() -> None:
    # St Ives harbour: the super-generalised coastline puts it in the sea, 1 to 2 km out.
    district = geography.locate(50.2150, -5.4770)

    assert district is not None
    assert district.name == "Cornwall"


def test_it_places_nothing_far_out_at_sea_or_abroad() -> None:
    assert geography.locate(54.97, 0.5) is None
    assert geography.locate(48.8606, 2.3376) is None


def test_it_knows_the_crown_dependencies_by_postcode() -> None:
    assert [geography.crown_dependency(p) for p in ("JE2 3NF", "gy1 1aa", "IM2 4NR", "NE1 8AG")] == [
        "JE",
        "GG",
        "IM",
        None,
    ]


def test_distance_is_great_circle() -> None:
    london_to_newcastle = geography.distance_km(51.5074, -0.1278, 54.9783, -1.6178)

    assert london_to_newcastle == pytest.approx(398, abs=3)


def test_every_district_has_a_region_and_nation() -> None:
    districts = geography.districts()

    assert len(districts) == 361
    assert all(d.region_code and d.nation in geography.NATIONS for d in districts)
    assert len(geography.regions()) == 12


def test_diff_lists_only_what_changed() -> None:
    assert audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}
    assert audit.diff({"a": 1}, {}) == {"a": [1, None]}


@pytest.mark.django_db
def test_snapshot_is_json_safe() -> None:
    org = Organisation(name="Laing Art Gallery", country="GB", latitude=54.97)

    assert audit.snapshot(org, ["name", "country", "latitude", "national_group"]) == {
        "name": "Laing Art Gallery",
        "country": "GB",
        "latitude": 54.97,
        "national_group": None,
    }


def test_export_names_say_what_and_when() -> None:
    name = exports.filename("Loans out", "Laing Art Gallery", extension="csv", today=date(2026, 11, 21))

    assert name == "museumshare-loans-out-laing-art-gallery-2026-11-21.csv"


def test_boundaries_are_served_with_an_etag(client: "object") -> None:
    from django.test import Client

    assert isinstance(client, Client)
    first = client.get("/geo/districts/E08000021.geojson")
    again = client.get("/geo/districts/E08000021.geojson", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert first.json()["properties"]["areanm"] == "Newcastle upon Tyne"
    assert again.status_code == 304
    assert client.get("/geo/districts/X99999999.geojson").status_code == 404
