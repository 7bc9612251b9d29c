import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from museumshare.conftest import write_sample
from museumshare.core.models import AuditEntry
from museumshare.organisations.importer import (
    MAPPING_MUSEUMS_FILE,
    OWN_COLUMNS,
    ImportFailed,
    import_organisations,
)
from museumshare.organisations.models import Governance, Kind, Organisation, Venue

HEADER = ",".join(OWN_COLUMNS)
LAING_ROW = "ref-laing,Laing Art Gallery,gallery,Government-Local_Authority,false,England,NE1 8AG,54.97493,-1.6095,GB,"
LOUVRE_ROW = "ref-louvre,Musée du Louvre,museum,,true,,75001,48.8606,2.3376,France,https://www.louvre.fr/"


def own_csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "organisations.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def mm_rows(tmp_path: Path, refs: set[str], edit: dict[str, dict[str, str]] | None = None) -> Path:
    """Real Mapping Museums rows, with `edit` applied to some cells to make a bad file."""
    path = write_sample(tmp_path / "mm.csv", refs)
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames or [], list(reader)
    for row in rows:
        row.update((edit or {}).get(row["museum_id"], {}))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.django_db
def test_it_imports_the_real_register_with_one_warning_and_groups_the_national_museums() -> None:
    summary = import_organisations(path=MAPPING_MUSEUMS_FILE)

    assert summary.rows_read == 4191
    assert summary.created == 4191
    assert summary.errors == []
    assert [(w.row, w.ref, w.column) for w in summary.warnings] == [(1439, "mm.New.88", "Latitude")]
    assert summary.national_bodies == 23
    guernsey = Organisation.objects.get(external_id="mm.New.88")
    assert (guernsey.latitude, guernsey.needs_review, guernsey.country.code, guernsey.nation) == (None, True, "GG", "")
    laing = Organisation.objects.get(name="Laing Art Gallery")
    assert (laing.district_code, laing.district_name, laing.region_name) == (
        "E08000021",
        "Newcastle upon Tyne",
        "North East",
    )
    register = Organisation.objects.exclude(external_id__startswith="national:")
    assert register.exclude(nation="").count() == 4142
    assert register.filter(nation="", country="GB").count() == 0
    assert Organisation.objects.national_bodies().filter(partnership_report=True).count() == 22
    tate = Organisation.objects.get(external_id="national:tate")
    assert sorted(tate.venues.values_list("name", flat=True)) == [
        "Barbara Hepworth Museum",
        "Tate Britain",
        "Tate Liverpool",
        "Tate Modern",
        "Tate St Ives",
    ]
    assert tate.region_name == "London"
    home = Organisation.objects.get(external_id="mm.domus.SE022")
    assert (home.name, home.aliases) == ("Museum of the Home", "Geffrye Museum")
    assert list(Organisation.objects.search("geffrye")) == [home]
    assert Organisation.objects.filter(year_closed__isnull=False).count() == 844

    again = import_organisations(path=MAPPING_MUSEUMS_FILE)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 4191)
    assert Organisation.objects.count() == 4191 + 13  # bodies with no site of their own name


@pytest.mark.django_db
def test_it_imports_its_own_format_with_international_partners(tmp_path: Path) -> None:
    summary = import_organisations(path=own_csv(tmp_path, LAING_ROW, LOUVRE_ROW))

    assert (summary.format, summary.created, summary.errors, summary.warnings) == ("museumshare", 2, [], [])
    laing = Organisation.objects.get(external_id="ref-laing")
    assert (laing.kind, laing.governance, laing.district_code) == (
        Kind.GALLERY,
        Governance.LOCAL_AUTHORITY,
        "E08000021",
    )
    louvre = Organisation.objects.get(external_id="ref-louvre")
    assert (louvre.country.code, louvre.nation, louvre.district_code, louvre.is_national) == ("FR", "", "", True)
    assert louvre.latitude == pytest.approx(48.8606)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("ref-1,,museum,,false,,,,,,", "name", "Enter the organisation's name."),
        ("ref-1,Laing Art Gallery,spaceship,,false,,,,,,", "kind", "'spaceship' is not one of"),
        ("ref-1,Laing Art Gallery,gallery,Government-Imaginary,false,,,,,,", "governance", "'Government-Imaginary'"),
        ("ref-1,Laing Art Gallery,gallery,,maybe,,,,,,", "is_national", "'maybe' should be true or false."),
        ("ref-1,Laing Art Gallery,gallery,,false,,NE1 8AG,north,-1.6,,", "latitude", "'north' is not a number."),
        ("ref-1,Laing Art Gallery,gallery,,false,,NE1 8AG,54.9,,,", "latitude", "Give both latitude and longitude"),
        ("ref-1,Laing Art Gallery,gallery,,false,Mercia,,,,,", "nation", "'Mercia' is not one of"),
        ("ref-1,Laing Art Gallery,gallery,,false,,,,,Atlantis,", "country", "'Atlantis' is not a country"),
        ("ref-1,Laing Art Gallery,gallery,,false,,,,,,laing dot org", "website", "Enter a full web address."),
    ],
)
@pytest.mark.django_db
def test_it_names_the_row_and_column_of_a_bad_value_and_writes_nothing(
    tmp_path: Path, row: str, column: str, message: str
) -> None:
    with pytest.raises(ImportFailed) as failure:
        import_organisations(path=own_csv(tmp_path, LOUVRE_ROW, row))

    assert failure.value.summary is not None
    [problem] = failure.value.summary.errors
    assert (problem.row, problem.column) == (3, column)
    assert message in problem.message
    assert str(problem).startswith(f"Row 3, column {column}: ")
    assert not Organisation.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_id_that_is_twice_in_the_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as failure:
        import_organisations(path=own_csv(tmp_path, LAING_ROW, LOUVRE_ROW, LAING_ROW))

    assert failure.value.summary is not None
    assert [str(p) for p in failure.value.summary.errors] == ["Row 4, column ref: 'ref-laing' is already on row 2."]
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_it_names_mapping_museums_columns_in_errors(tmp_path: Path) -> None:
    path = mm_rows(tmp_path, {"mm.domus.NE026", "mm.domus.SC256"}, {"mm.domus.SC256": {"Year_opened": "soon:soon"}})

    with pytest.raises(ImportFailed) as failure:
        import_organisations(path=path)

    assert failure.value.summary is not None
    [problem] = failure.value.summary.errors
    assert (problem.column, problem.ref, problem.message) == ("Year_opened", "mm.domus.SC256", "'soon' is not a year.")


@pytest.mark.django_db
def test_skip_invalid_imports_the_good_rows_and_writes_the_rejects(tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    path = own_csv(tmp_path, LAING_ROW, "ref-bad,,museum,,false,,,,,,", LOUVRE_ROW)

    summary = import_organisations(path=path, skip_invalid=True, rejects_path=rejects)

    assert (summary.created, summary.rejected, summary.rejects_path) == (2, 1, rejects)
    with rejects.open(encoding="utf-8") as f:
        [reject] = list(csv.DictReader(f))
    assert (reject["row"], reject["ref"]) == ("3", "ref-bad")
    assert reject["errors"] == "Row 3, column name: Enter the organisation's name."


@pytest.mark.django_db
def test_it_imports_coordinates_outside_the_uk_as_a_warning_without_them(tmp_path: Path) -> None:
    in_the_sea = "ref-laing,Laing Art Gallery,gallery,,false,England,NE1 8AG,54.97,0.5,,"

    summary = import_organisations(path=own_csv(tmp_path, in_the_sea))

    [warning] = summary.warnings
    assert warning.column == "latitude"
    assert "more than 5 km from any UK local authority" in warning.message
    laing = Organisation.objects.get()
    assert (laing.latitude, laing.nation, laing.needs_review) == (None, "England", True)
    assert "more than 5 km" in laing.review_notes


@pytest.mark.django_db
def test_it_flags_a_likely_duplicate_name_at_the_same_postcode(tmp_path: Path) -> None:
    twin = "ref-twin,The Laing Art Gallery,gallery,,false,England,ne18ag,54.97493,-1.6095,,"

    summary = import_organisations(path=own_csv(tmp_path, LAING_ROW, twin))

    assert [w.ref for w in summary.warnings] == ["ref-twin"]
    assert Organisation.objects.get(external_id="ref-twin").needs_review
    assert not Organisation.objects.get(external_id="ref-laing").needs_review


@pytest.mark.django_db
def test_a_second_import_updates_by_id_and_records_what_changed(tmp_path: Path) -> None:
    import_organisations(path=own_csv(tmp_path, LAING_ROW))
    renamed = LAING_ROW.replace("Laing Art Gallery", "The Laing").replace("GB,", "GB,https://laingartgallery.org.uk/")

    summary = import_organisations(path=own_csv(tmp_path, renamed))

    assert (summary.created, summary.updated) == (0, 1)
    laing = Organisation.objects.get()
    assert (laing.name, laing.slug) == ("The Laing", "laing-art-gallery")
    entry = AuditEntry.objects.filter(action="organisation.import").first()
    assert entry is not None
    assert entry.changes["name"] == ["Laing Art Gallery", "The Laing"]
    assert entry.changes["website"] == ["", "https://laingartgallery.org.uk/"]


@pytest.mark.django_db
def test_it_explains_a_header_it_does_not_know(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="neither a museum_id column"):
        import_organisations(path=own_csv(tmp_path, "x,y", header="id,title"))
    with pytest.raises(ImportFailed, match="missing the column\\(s\\): latitude, longitude"):
        import_organisations(
            path=own_csv(tmp_path, header="ref,name,kind,governance,is_national,nation,postcode,country,website")
        )
    with pytest.raises(ImportFailed, match="There is no file"):
        import_organisations(path=tmp_path / "missing.csv")


@pytest.mark.django_db
def test_it_places_channel_islands_museums_outside_the_uk(tmp_path: Path) -> None:
    import_organisations(path=mm_rows(tmp_path, {"mm.New.88", "mm.domus.NE026"}))

    guernsey = Organisation.objects.get(external_id="mm.New.88")
    assert (guernsey.country.code, guernsey.nation, guernsey.region_code) == ("GG", "", "")


@pytest.mark.django_db
def test_the_command_prints_a_summary_and_fails_on_errors(tmp_path: Path) -> None:
    from io import StringIO

    out = StringIO()
    call_command("import_organisations", str(own_csv(tmp_path, LAING_ROW, LOUVRE_ROW)), stdout=out)
    assert "Created" in out.getvalue()
    assert Organisation.objects.count() == 2

    with pytest.raises(CommandError, match="1 of 1 rows have errors"):
        call_command("import_organisations", str(own_csv(tmp_path, "ref-x,,museum,,false,,,,,,")), stdout=StringIO())


@pytest.mark.django_db
def test_national_sites_become_venues_of_their_body(register: dict[str, Organisation]) -> None:
    science = Organisation.objects.get(external_id="national:science-museum-group")
    museum = register["mm.domus.SE507"]
    museum.refresh_from_db()

    assert museum.national_group == science
    assert science.is_national_body
    assert science.partnership_report
    assert Venue.objects.filter(organisation=science).count() == 5
    gallery = register["mm.domus.SE583"]
    gallery.refresh_from_db()
    assert gallery.is_national_body
    assert list(gallery.venues.values_list("site__external_id", flat=True)) == ["mm.domus.SE583"]


@pytest.mark.django_db
def test_an_import_keeps_the_website_people_entered_when_the_file_has_none(tmp_path: Path) -> None:
    import_organisations(path=mm_rows(tmp_path, {"mm.domus.NE026"}))
    Organisation.objects.update(website="https://laingartgallery.org.uk/")

    again = import_organisations(path=mm_rows(tmp_path, {"mm.domus.NE026"}))

    assert (again.updated, again.unchanged) == (0, 1)
    assert Organisation.objects.get().website == "https://laingartgallery.org.uk/"


@pytest.mark.django_db
def test_a_national_site_stays_national_whatever_the_file_says(tmp_path: Path) -> None:
    tate_modern = "mm.ace.1136,Tate Modern,gallery,Government-National,false,England,SE1 9TG,51.5076,-0.0994,GB,"
    import_organisations(path=own_csv(tmp_path, tate_modern))

    again = import_organisations(path=own_csv(tmp_path, tate_modern))

    assert Organisation.objects.get(external_id="mm.ace.1136").is_national
    assert (again.updated, again.unchanged) == (0, 1)
