import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from museumshare.accounts.models import User
from museumshare.activities.importer import COLUMNS, REQUIRED_COLUMNS, import_activities, import_activities_content
from museumshare.activities.models import Activity, Kind, PartnerRole, Status, Visibility
from museumshare.conftest import write_sample
from museumshare.core.imports import ImportFailed
from museumshare.core.models import AuditEntry
from museumshare.organisations.importer import import_organisations
from museumshare.organisations.models import Organisation

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "activities.csv"
CAMBORNE = {"mm.Mus70Cal.022", "mm.Mus70Cal.005"}  # two real museums called Public Library & Museum (Camborne)


def row(**values: Any) -> dict[str, Any]:
    """A good row: the National Portrait Gallery's exhibition at the Laing, with `values` changed."""
    return {
        "ref": "npg-1",
        "title": "Portraits of the North",
        "kind": "touring_exhibition",
        "lead": "National Portrait Gallery",
        "partners": "Laing Art Gallery (host)",
        "start_date": "2020-09-01",
        "end_date": "2021-05-31",
        "visibility": "public",
        "places": "Laing Art Gallery; France",
    } | values


def write_csv(path: Path, rows: list[dict[str, Any]], header: list[str] | None = None) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header or list(COLUMNS), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[dict[str, Any]], header: list[str] | None = None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    columns = header or list(COLUMNS)
    sheet.append(columns)
    for values in rows:
        sheet.append([values.get(column) for column in columns])
    workbook.save(path)
    return path


def problems(failure: pytest.ExceptionInfo[ImportFailed[Any]]) -> list[tuple[int, str, str]]:
    assert failure.value.summary is not None
    return [(p.row, p.column, p.message) for p in failure.value.summary.errors]


def test_it_imports_the_example_file_of_real_organisations(register: dict[str, Organisation], admin_user: User) -> None:
    summary = import_activities(path=EXAMPLE, actor=admin_user)

    assert (summary.rows_read, summary.created, summary.errors) == (8, 8, [])
    exhibition = Activity.objects.get(external_ref="npg-2020-001")
    assert (exhibition.kind, exhibition.lead, exhibition.visitors) == (
        Kind.TOURING_EXHIBITION,
        register["mm.domus.SE444"],
        18450,
    )
    assert sorted(exhibition.partners.values_list("organisation__name", "role")) == [
        ("Laing Art Gallery", "host"),
        ("National Portrait Gallery", "lead"),
    ]
    placements = Activity.objects.get(external_ref="npg-2020-002")
    assert (placements.start_date, placements.end_date, placements.funding_amount) == (
        date(2020, 10, 1),
        date(2021, 3, 31),
        Decimal("24000.00"),
    )
    workshops = Activity.objects.get(external_ref="npg-2020-003")
    assert (workshops.start_date, workshops.not_pre_planned, workshops.digital, workshops.participants) == (
        date(2020, 5, 1),
        True,
        True,
        1250,
    )
    assert workshops.evidence_list() == [
        "https://www.example.org/workshops",
        "https://www.example.org/workshops-photos",
    ]
    assert sorted(workshops.places.values_list("district_name", flat=True)) == ["Fife", "Newcastle upon Tyne"]
    abroad = Activity.objects.get(external_ref="npg-2021-002")
    assert (abroad.kind, abroad.is_international()) == (Kind.LOAN_DISPLAY_INTERNATIONAL, True)
    network = Activity.objects.get(external_ref="tate-2023-001")
    assert (network.lead.external_id, network.end_date, network.status) == ("national:tate", None, Status.ACTIVE)
    assert AuditEntry.objects.filter(action="activity.create", actor=admin_user).count() == 8


def test_an_excel_workbook_with_real_dates_and_numbers_imports_like_a_csv(
    register: dict[str, Organisation], tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "activities.xlsx",
        [
            row(start_date=datetime(2020, 9, 1), end_date=date(2021, 5, 31), visitors=18450, digital=True),
            row(ref="npg-2", start_date="1/10/2020", end_date="31 March 2021", funding_amount=1200.5, digital=None),
        ],
    )

    summary = import_activities(path=path)

    assert (summary.format, summary.created, summary.errors) == ("Excel", 2, [])
    first, second = Activity.objects.get(external_ref="npg-1"), Activity.objects.get(external_ref="npg-2")
    assert (first.start_date, first.end_date, first.visitors, first.digital) == (
        date(2020, 9, 1),
        date(2021, 5, 31),
        18450,
        True,
    )
    assert (second.start_date, second.end_date, second.funding_amount, second.digital) == (
        date(2020, 10, 1),
        date(2021, 3, 31),
        Decimal("1200.50"),
        False,
    )


def test_columns_may_come_in_any_order_with_spaces_capitals_and_a_byte_order_mark(
    register: dict[str, Organisation], tmp_path: Path
) -> None:
    path = tmp_path / "activities.csv"
    path.write_bytes(
        "\ufeffTitle,Start date,REF,Kind,Lead,Notes\r\n"
        "Portraits of the North,2020-09-01,npg-1,Touring exhibition,mm.domus.SE444,ignored\r\n".encode()
    )

    summary = import_activities(path=path)

    activity = Activity.objects.get(external_ref="npg-1")
    assert (summary.created, activity.status, activity.visibility) == (1, Status.ACTIVE, Visibility.PARTNERS)
    # Without a partners or places column, the lead is the only partner and there are no places.
    assert list(activity.partners.values_list("role", flat=True)) == [PartnerRole.LEAD]


def test_importing_the_same_file_again_changes_nothing_and_a_changed_row_updates_its_activity(
    register: dict[str, Organisation], alice: User, tmp_path: Path
) -> None:
    rows = [row(funding_amount="1200"), row(ref="npg-2", title="Portraits abroad", places="")]
    import_activities(path=write_csv(tmp_path / "a.csv", rows), actor=alice)
    entries = AuditEntry.objects.count()

    again = import_activities(path=write_csv(tmp_path / "a.csv", rows), actor=alice)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEntry.objects.count() == entries
    assert Activity.objects.count() == 2

    rows[1] |= {"visitors": "500", "partners": "Laing Art Gallery (funder)", "places": "FR"}
    changed = import_activities(path=write_csv(tmp_path / "a.csv", rows), actor=alice)

    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    abroad = Activity.objects.get(external_ref="npg-2")
    assert abroad.visitors == 500
    assert abroad.partners.get(organisation__external_id="mm.domus.NE026").role == PartnerRole.FUNDER
    assert [p.name for p in abroad.places.all()] == ["France"]
    update = AuditEntry.objects.get(action="activity.update")
    assert (update.actor, update.changes["visitors"]) == (alice, [None, 500])


def test_a_file_without_a_partners_column_keeps_the_partners_an_activity_has(
    register: dict[str, Organisation], tmp_path: Path
) -> None:
    import_activities(path=write_csv(tmp_path / "a.csv", [row()]))
    header = [column for column in COLUMNS if column not in ("partners", "places")]

    summary = import_activities(path=write_csv(tmp_path / "b.csv", [row(visitors="10")], header=header))

    activity = Activity.objects.get()
    assert (summary.updated, activity.visitors, activity.partners.count(), activity.places.count()) == (1, 10, 2, 2)


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        pytest.param(
            {"kind": "exhibiton"},
            "kind",
            "'exhibiton' is not a kind of activity. Did you mean touring_exhibition (Touring exhibition)?",
            id="unknown kind",
        ),
        pytest.param(
            {"lead": "Laing Art Galery"},
            "lead",
            "No organisation is called 'Laing Art Galery'. Did you mean 'Laing Art Gallery'?",
            id="unknown organisation with a suggestion",
        ),
        pytest.param(
            {"lead": "Public Library & Museum (Camborne)"},
            "lead",
            "2 organisations are called 'Public Library & Museum (Camborne)'. "
            "Choose one from the list, or give its id.",
            id="ambiguous name",
        ),
        pytest.param(
            {"start_date": "31/02/2020"}, "start_date", "Enter a real date, like 1 April 2020.", id="bad date"
        ),
        pytest.param(
            {"end_date": "2019-12-31"},
            "end_date",
            "Enter an end date on or after the start date.",
            id="end before start",
        ),
        pytest.param({"visitors": "lots"}, "visitors", "Enter a whole number, like 4,250.", id="bad number"),
        pytest.param({"objects": "-3"}, "objects", "Enter a number of 0 or more.", id="negative"),
        pytest.param(
            {"partners": "Laing Art Gallery (sponsor)"},
            "partners",
            "Laing Art Gallery (sponsor): 'sponsor' is not a partner's role; use partner, host, funder, participant.",
            id="bad role",
        ),
        pytest.param(
            {"places": "Narnia"},
            "places",
            "No organisation is called 'Narnia'. A place is an organisation, a UK local authority code such as "
            "E08000021, or a country such as France.",
            id="bad place",
        ),
        pytest.param(
            {"places": "E99999999"},
            "places",
            "'E99999999' is not the code of a UK local authority (a 2025 GSS code such as E08000021).",
            id="bad local authority code",
        ),
        pytest.param(
            {"places": "Newcastle upon Tyne"},
            "places",
            "Give the local authority's code: E08000021 for Newcastle upon Tyne.",
            id="local authority by name",
        ),
        pytest.param(
            {"visibility": "secret"},
            "visibility",
            "'secret' is not one of: public, partners, private.",
            id="bad visibility",
        ),
        pytest.param(
            {"digital": "maybe"}, "digital", "'maybe' should be true or false (yes and no work too).", id="bad boolean"
        ),
        pytest.param(
            {"evidence_links": "www.example.org/report"},
            "evidence_links",
            "'www.example.org/report' is not a web address; give each one in full, starting https://",
            id="bad evidence link",
        ),
        pytest.param({"title": ""}, "title", "Enter a title, such as the exhibition's name.", id="missing title"),
        pytest.param(
            {"ref": ""},
            "ref",
            "Enter your reference for the activity, so that importing the file again updates it.",
            id="missing ref",
        ),
    ],
)
def test_a_bad_row_is_refused_with_its_row_column_and_what_to_do(
    register: dict[str, Organisation], tmp_path: Path, values: dict[str, str], column: str, message: str
) -> None:
    import_organisations(path=write_sample(tmp_path / "camborne.csv", CAMBORNE))
    path = write_csv(tmp_path / "activities.csv", [row(ref="good"), row(**values)])

    with pytest.raises(ImportFailed, match="1 of 2 rows have errors, so nothing was imported") as failure:
        import_activities(path=path)

    assert problems(failure) == [(3, column, message)]
    assert not Activity.objects.exists()


def test_every_error_of_a_row_is_listed_in_the_order_of_the_columns(
    register: dict[str, Organisation], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [row(), row(kind="", lead="Nowhere Museum", start_date="", digital="2", places="GB")],
    )

    with pytest.raises(ImportFailed) as failure:
        import_activities(path=path)

    assert [(number, column) for number, column, _ in problems(failure)] == [
        (3, "ref"),
        (3, "kind"),
        (3, "lead"),
        (3, "start_date"),
        (3, "digital"),
        (3, "places"),
    ]
    assert problems(failure)[0][2] == "'npg-1' is already on row 2."


def test_a_name_with_brackets_is_read_as_a_name_and_a_role_only_when_it_is_one(
    register: dict[str, Organisation], tmp_path: Path
) -> None:
    import_organisations(path=write_sample(tmp_path / "camborne.csv", CAMBORNE | {"mm.domus.NE029"}))
    path = write_csv(tmp_path / "a.csv", [row(partners="mm.Mus70Cal.005 (Funder); Shipley Art Gallery (Host)")])

    import_activities(path=path)

    assert sorted(Activity.objects.get().partners.values_list("organisation__external_id", "role")) == [
        ("mm.Mus70Cal.005", "funder"),
        ("mm.domus.NE029", "host"),
        ("mm.domus.SE444", "lead"),
    ]


def test_nothing_is_written_when_any_row_has_an_error(register: dict[str, Organisation], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row(ref=f"npg-{n}") for n in range(5)] + [row(ref="bad", kind="")])

    with pytest.raises(ImportFailed):
        import_activities(path=path)

    assert not Activity.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="activity.").exists()


def test_skip_invalid_imports_the_good_rows_and_sets_the_others_aside_with_their_errors(
    register: dict[str, Organisation], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "a.csv", [row(), row(ref="npg-2", visitors="lots"), row(ref="npg-3")])
    rejects = tmp_path / "out" / "rejects.csv"

    summary = import_activities(path=path, skip_invalid=True, rejects_path=rejects)

    assert (summary.created, summary.rejected, summary.rejects_path) == (2, 1, rejects)
    assert list(Activity.objects.order_by("external_ref").values_list("external_ref", flat=True)) == ["npg-1", "npg-3"]
    with rejects.open(encoding="utf-8", newline="") as f:
        rejected = list(csv.DictReader(f))
    assert [(r["row"], r["ref"], r["visitors"], r["errors"]) for r in rejected] == [
        ("3", "npg-2", "lots", "Row 3, column visitors: Enter a whole number, like 4,250.")
    ]
    assert list(rejected[0]) == ["row", *COLUMNS, "errors"]


def test_someone_imports_only_for_the_organisations_they_edit_for(
    register: dict[str, Organisation], tmp_path: Path, alice: User
) -> None:
    import_activities(path=write_csv(tmp_path / "a.csv", [row(ref="laing-1", lead="Laing Art Gallery")]))
    path = write_csv(
        tmp_path / "b.csv",
        [row(), row(ref="npg-2", lead="Laing Art Gallery"), row(ref="laing-1")],
    )

    with pytest.raises(ImportFailed) as failure:
        import_activities(path=path, actor=alice)

    assert problems(failure) == [
        (3, "lead", "You can only import activities for organisations you edit for."),
        (4, "ref", "Another organisation's activity has the reference 'laing-1': use another reference."),
    ]


def test_a_spreadsheet_of_50_rows_with_two_bad_ones_reports_exactly_those_two(
    register: dict[str, Organisation], tmp_path: Path
) -> None:
    rows = [row(ref=f"npg-{n:02d}", title=f"Portrait loan {n}") for n in range(50)]
    rows[17]["start_date"] = "2021-13-01"
    rows[41]["partners"] = "Laing Art Gallery; Liang Art Gallery"
    path = write_xlsx(tmp_path / "fifty.xlsx", rows)

    with pytest.raises(ImportFailed, match="2 of 50 rows have errors") as failure:
        import_activities(path=path)

    assert [(number, column) for number, column, _ in problems(failure)] == [(19, "start_date"), (43, "partners")]
    assert "Did you mean 'Laing Art Gallery'?" in problems(failure)[1][2]
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", b"", "a.csv is empty."),
        ("a.csv", b"  \r\n", "a.csv is empty."),
        ("a.txt", b"ref,title\n", "a.txt is not a CSV file (.csv) or an Excel workbook (.xlsx)."),
        ("a.xls", b"\xd0\xcf\x11\xe0", "a.xls is in the old Excel format (.xls)"),
        ("a.csv", b"ref,title,kind,lead\n", "The header is missing the column(s): start_date."),
        ("a.csv", b"title,ref,Title,kind,lead,start_date\n", "The header has the column(s) title more than once."),
        ("a.csv", b"ref,title,kind,lead,start_date\n,,,,\n", "a.csv has a header but no activities."),
        ("a.csv", "ref,title\n".encode("utf-16"), "a.csv is saved as UTF-16"),
        ("a.csv", "ref,title\nx,Musée\n".encode("latin-1"), "a.csv is not UTF-8 text (line 2"),
        ("a.csv", b"PK\x03\x04rest", "a.csv is an Excel workbook, not CSV"),
        ("a.xlsx", b"ref,title\n", "a.xlsx is not a readable Excel workbook (.xlsx)."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_one_message(
    register: dict[str, Organisation], name: str, content: bytes, message: str
) -> None:
    with pytest.raises(ImportFailed) as failure:
        import_activities_content(name=name, content=content)

    assert str(failure.value).startswith(message)
    assert failure.value.summary is None


def test_a_missing_file_is_refused(db: None, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="There is no file at"):
        import_activities(path=tmp_path / "nowhere.csv")


SAMPLES = [
    "",
    "mm.domus.SE444",
    "National Portrait Gallery",
    "touring_exhibition",
    "2020-04-01",
    "1/4/2020",
    "31/02/2020",
    "9" * 5000,
    "1e999999",
    "NaN",
    "-1",
    "£1,200.5",
    "yes",
    "Laing Art Gallery (sponsor); ;",
    "E08000021; France; GB",
    "https://",
    "x" * 400,
    '"',
]
CELLS = st.one_of(st.text(max_size=20), st.integers().map(str), st.sampled_from([*SAMPLES, "\x00"]))
XLSX_CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**60), max_value=2**60),
    st.floats(allow_nan=True, allow_infinity=False),
    st.dates(),
    st.datetimes(),
    # openpyxl refuses to write control characters, so a workbook never has them.
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=20),
    st.sampled_from(SAMPLES),
)
HEADERS = st.one_of(
    st.lists(st.sampled_from([*COLUMNS, "Start Date", "REF", "junk", ""]), max_size=12),
    # Headers good enough for the rows to be read, so that their cells are checked too.
    st.lists(st.sampled_from(COLUMNS), unique=True).flatmap(
        lambda extra: st.permutations(list(dict.fromkeys([*REQUIRED_COLUMNS, *extra])))
    ),
)


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def xlsx_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


CSV_TEXT = st.builds(csv_text, HEADERS, st.lists(st.lists(CELLS, max_size=14), max_size=4))
MALFORMED = st.one_of(
    st.tuples(st.just("a.csv"), CSV_TEXT.map(str.encode)),
    st.tuples(st.just("a.csv"), CSV_TEXT.map(lambda text: text.encode("utf-16"))),
    st.tuples(st.just("a.csv"), CSV_TEXT.map(lambda text: (text + "Musée\n").encode("latin-1", "replace"))),
    st.tuples(st.just("a.csv"), st.text(max_size=300).map(str.encode)),
    st.tuples(st.sampled_from(["a.csv", "a.xlsx", "a.txt", "a"]), st.binary(max_size=300)),
    st.tuples(
        st.just("a.xlsx"), st.builds(xlsx_bytes, HEADERS, st.lists(st.lists(XLSX_CELLS, max_size=14), max_size=4))
    ),
    st.tuples(
        st.just("a.xlsx"),
        st.builds(
            lambda content, cut: content[:cut], st.builds(xlsx_bytes, HEADERS, st.just([])), st.integers(0, 4000)
        ),
    ),
)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(file=MALFORMED, skip_invalid=st.booleans())
def test_a_malformed_file_fails_with_import_failed_and_writes_nothing(
    register: dict[str, Organisation], tmp_path: Path, file: tuple[str, bytes], skip_invalid: bool
) -> None:
    name, content = file
    path = tmp_path / name
    path.write_bytes(content)
    before = Activity.objects.count()

    try:
        summary = import_activities(path=path, skip_invalid=skip_invalid, rejects_path=tmp_path / "rejects.csv")
    except ImportFailed:
        assert Activity.objects.count() == before
    else:
        assert Activity.objects.count() == before + summary.created


def test_the_command_imports_a_file_as_someone_and_prints_a_summary(
    register: dict[str, Organisation], admin_user: User
) -> None:
    out = io.StringIO()

    call_command("import_activities", str(EXAMPLE), "--as", "ADMIN@example.org", stdout=out)

    printed = " ".join(out.getvalue().split())
    assert "Import summary (CSV)" in printed
    assert "Created │ 8" in printed
    assert AuditEntry.objects.filter(action="activity.create", actor=admin_user).count() == 8


def test_the_command_as_someone_imports_only_what_they_could_on_the_import_page(
    register: dict[str, Organisation], alice: User
) -> None:
    with pytest.raises(CommandError, match="rows have errors, so nothing was imported"):
        call_command("import_activities", str(EXAMPLE), "--as", "alice@example.org", stdout=io.StringIO())

    assert not Activity.objects.exists()


def test_the_command_without_someone_is_recorded_as_the_command_line(register: dict[str, Organisation]) -> None:
    call_command("import_activities", str(EXAMPLE), stdout=io.StringIO())

    entry = AuditEntry.objects.filter(action="activity.create").first()
    assert entry is not None
    assert (entry.actor, entry.who) == (None, "command-line import")


def test_the_command_prints_each_error_by_row_and_fails(register: dict[str, Organisation], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row(), row(ref="npg-2", lead="Laing Art Galery [x]")])
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 of 2 rows have errors, so nothing was imported"):
        call_command("import_activities", str(path), stdout=out)

    printed = " ".join(out.getvalue().split())
    assert "Error: Row 3, column lead: No organisation is called 'Laing Art Galery [x]'." in printed
    assert "Rejected │ 1" in printed
    assert not Activity.objects.exists()


def test_the_command_skips_invalid_rows_into_a_rejects_file(register: dict[str, Organisation], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row(), row(ref="npg-2", kind="")])
    out = io.StringIO()

    call_command("import_activities", str(path), "--skip-invalid", "--rejects", str(tmp_path / "r.csv"), stdout=out)

    assert f"Rejected rows written to {tmp_path / 'r.csv'}" in " ".join(out.getvalue().split())
    assert Activity.objects.count() == 1


def test_the_command_refuses_an_unknown_person(register: dict[str, Organisation]) -> None:
    with pytest.raises(CommandError, match=r"No one has the email address nobody@example\.org"):
        call_command("import_activities", str(EXAMPLE), "--as", "nobody@example.org", stdout=io.StringIO())


def upload(name: str, content: bytes) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_alice_uploads_a_file_and_sees_what_was_created(client: Client, alice: User) -> None:
    client.force_login(alice)
    page = client.get(reverse("activities:import"))
    assert "You can import activities led by National Portrait Gallery." in page.content.decode()

    response = client.post(
        reverse("activities:import"), {"file": upload("ours.csv", csv_bytes([row(), row(ref="npg-2")]))}, follow=True
    )

    assert response.redirect_chain == [(reverse("activities:import_done"), 302)]
    html = response.content.decode()
    assert "ours.csv is imported." in html
    assert "<dt>Created</dt><dd>2</dd>" in html
    assert AuditEntry.objects.filter(action="activity.create", actor=alice).count() == 2


def test_an_upload_with_errors_lists_every_one_and_offers_the_rejected_rows(client: Client, alice: User) -> None:
    client.force_login(alice)
    rows = [row(), row(ref="npg-2", kind="exhibiton"), row(ref="laing-1", lead="Laing Art Gallery")]

    response = client.post(reverse("activities:import"), {"file": upload("ours.csv", csv_bytes(rows))})

    html = response.content.decode()
    assert "<title>Error: Import activities" in html
    assert "2 of 3 rows in ours.csv have errors, so nothing was imported." in html
    assert "<tr><td>3</td><td>kind</td><td>npg-2</td><td>&#x27;exhibiton&#x27; is not a kind of activity." in html
    assert (
        "<tr><td>4</td><td>lead</td><td>laing-1</td><td>You can only import activities for organisations you edit for."
        in html
    )
    assert not Activity.objects.exists()
    assert client.get(reverse("activities:import_done"))["Location"] == reverse("activities:import")

    download = client.get(reverse("activities:import_rejects"))

    assert download["Content-Disposition"].startswith('attachment; filename="museumshare-ours-rejected-rows-')
    rejected = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [(r["row"], r["ref"]) for r in rejected] == [("3", "npg-2"), ("4", "laing-1")]


def test_skipping_invalid_rows_imports_the_others_and_shows_the_errors(client: Client, alice: User) -> None:
    client.force_login(alice)
    rows = [row(), row(ref="npg-2", visitors="lots")]

    response = client.post(
        reverse("activities:import"),
        {"file": upload("ours.csv", csv_bytes(rows)), "skip_invalid": "on"},
        follow=True,
    )

    html = response.content.decode()
    assert "<dt>Created</dt><dd>1</dd>" in html
    assert "<dt>Rejected</dt><dd>1</dd>" in html
    assert "<tr><td>3</td><td>visitors</td><td>npg-2</td><td>Enter a whole number, like 4,250.</td></tr>" in html
    assert client.get(reverse("activities:import_rejects")).status_code == 200


def test_a_file_of_the_wrong_kind_is_refused_beside_the_field(client: Client, alice: User) -> None:
    client.force_login(alice)

    wrong = client.post(reverse("activities:import"), {"file": upload("notes.txt", b"ref,title\n")})
    unreadable = client.post(reverse("activities:import"), {"file": upload("ours.csv", "ref\n".encode("utf-16"))})
    missing = client.post(reverse("activities:import"), {})

    assert "The file must be a CSV file (.csv) or an Excel workbook (.xlsx)." in wrong.content.decode()
    assert "ours.csv is saved as UTF-16" in unreadable.content.decode()
    assert "Choose a CSV or Excel file to import." in missing.content.decode()


def test_only_editors_and_administrators_may_import(
    client: Client, charlie: User, admin_user: User, register: dict[str, Organisation]
) -> None:
    assert client.get(reverse("activities:import")).status_code == 302
    client.force_login(charlie)
    assert client.get(reverse("activities:import")).status_code == 403
    assert client.post(reverse("activities:import"), {"file": upload("a.csv", csv_bytes([row()]))}).status_code == 403

    client.force_login(admin_user)
    page = client.get(reverse("activities:import"))
    response = client.post(
        reverse("activities:import"), {"file": upload("a.csv", csv_bytes([row(lead="Laing Art Gallery")]))}
    )

    assert "you can import activities led by any organisation" in page.content.decode()
    assert response.status_code == 302
    assert Activity.objects.get().lead == register["mm.domus.NE026"]


def test_the_columns_download_is_an_empty_spreadsheet_to_fill_in(client: Client, alice: User) -> None:
    client.force_login(alice)

    response = client.get(reverse("activities:import_template"))

    assert response.content.decode("utf-8-sig").strip() == ",".join(COLUMNS)
