"""Importing past years' returns from a file, and exporting a year in the same format."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from museumshare.accounts.models import User
from museumshare.conftest import write_sample
from museumshare.core import years
from museumshare.core.imports import ImportFailed
from museumshare.core.models import AuditEntry
from museumshare.core.services import System
from museumshare.core.tables import read_table
from museumshare.organisations.forms import OrganisationMatcher
from museumshare.organisations.importer import import_organisations
from museumshare.organisations.models import Organisation
from museumshare.returns import services
from museumshare.returns.importer import COLUMNS, import_returns, import_returns_content
from museumshare.returns.models import Indicator, ReportingYear, Return, ReturnStatus, ReturnValue, Source, YearStatus

COMMAND_LINE = System("command-line import")

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "returns-spreadsheets.md"
HEADER = "organisation,year,indicator,value,note\n"
GOOD = [
    "National Portrait Gallery,2019/20,display_loans,41,",
    "National Portrait Gallery,2019/20,uk_loan_venues,28,Includes two touring venues",
    "mm.domus.SE073,2019/20,display_loans,120,",
    "mm.domus.SE073,2019/20,formal_networks,7,",
]


def write(tmp_path: Path, lines: list[str], header: str = HEADER, name: str = "returns.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def problems(failure: pytest.ExceptionInfo[ImportFailed[Any]]) -> list[tuple[int, str, str]]:
    assert failure.value.summary is not None
    return [(p.row, p.column, p.message) for p in failure.value.summary.errors]


def values() -> dict[tuple[str, int, str], tuple[Any, ...]]:
    """Every value in museumshare, by (organisation ref, year, indicator)."""
    return {
        (v.annual_return.organisation.external_id or "", v.annual_return.year.year, v.indicator.code): (
            v.value,
            v.derived,
            v.source,
            v.note,
        )
        for v in ReturnValue.objects.select_related("annual_return__organisation", "annual_return__year", "indicator")
    }


def state() -> tuple[Any, ...]:
    """All that an import could change."""
    return (
        sorted(ReportingYear.objects.values_list("year", "status")),
        sorted(Return.objects.values_list("organisation_id", "year__year", "status")),
        values(),
        AuditEntry.objects.count(),
    )


def test_it_creates_the_year_closed_and_the_returns_approved_and_locked(
    register: dict[str, Organisation], analyst: User, tmp_path: Path
) -> None:
    summary = import_returns(path=write(tmp_path, GOOD), actor=analyst)

    assert (summary.rows_read, summary.created, summary.updated, summary.errors) == (4, 2, 0, [])
    assert (summary.years_created, summary.values_written) == (1, 4)
    year = ReportingYear.objects.get()
    assert (year.label, year.status) == ("2019/20", YearStatus.CLOSED)
    assert set(year.organisations.values_list("external_id", flat=True)) == {"mm.domus.SE444", "mm.domus.SE073"}
    gallery = Return.objects.get(organisation=register["mm.domus.SE444"])
    assert (gallery.status, gallery.approved_at is not None) == (ReturnStatus.LOCKED, True)
    # A past year's return holds only what was reported: no register value, no other indicators.
    assert values() == {
        ("mm.domus.SE444", 2019, "display_loans"): (41, None, Source.IMPORTED, ""),
        ("mm.domus.SE444", 2019, "uk_loan_venues"): (28, None, Source.IMPORTED, "Includes two touring venues"),
        ("mm.domus.SE073", 2019, "display_loans"): (120, None, Source.IMPORTED, ""),
        ("mm.domus.SE073", 2019, "formal_networks"): (7, None, Source.IMPORTED, ""),
    }
    assert list(gallery.events.values_list("status", "comment", "actor")) == [
        ("locked", "Imported from returns.csv.", analyst.pk)
    ]
    entry = AuditEntry.objects.get(action="return.import", object_id=str(gallery.pk))
    assert entry.changes["display_loans.value"] == [None, "41"]


def test_importing_again_updates_only_what_changed(
    register: dict[str, Organisation], analyst: User, tmp_path: Path
) -> None:
    import_returns(path=write(tmp_path, GOOD), actor=analyst)

    again = import_returns(path=write(tmp_path, [*GOOD[:3], GOOD[3].replace(",7,", ",8,")]), actor=analyst)

    assert (again.created, again.updated, again.unchanged, again.values_written, again.years_created) == (0, 1, 1, 1, 0)
    assert values()[("mm.domus.SE073", 2019, "formal_networks")][0] == 8
    assert ReportingYear.objects.count() == 1


def test_it_reads_an_excel_workbook_with_headers_as_people_write_them(
    register: dict[str, Organisation], tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Organisation", "Year", "Indicator", "Value"])
    sheet.append(["national portrait gallery", "2019-20", "display_loans", 41])
    sheet.append(["MM.DOMUS.SE073", "2019/2020", "display_loans", "1,250"])
    book.save(tmp_path / "returns.xlsx")

    summary = import_returns(path=tmp_path / "returns.xlsx", actor=COMMAND_LINE)

    assert (summary.format, summary.created) == ("Excel", 2)
    assert values()[("mm.domus.SE073", 2019, "display_loans")][0] == 1250


@pytest.mark.parametrize("status", [ReturnStatus.SUBMITTED, ReturnStatus.DRAFT])
def test_the_returns_take_the_status_asked_for(register: dict[str, Organisation], tmp_path: Path, status: str) -> None:
    import_returns(path=write(tmp_path, GOOD), status=status, actor=COMMAND_LINE)

    assert set(Return.objects.values_list("status", flat=True)) == {status}


def test_a_year_already_published_stays_published(
    register: dict[str, Organisation], analyst: User, tmp_path: Path
) -> None:
    import_returns(path=write(tmp_path, GOOD[:1]), actor=analyst)
    services.year_publish(year=ReportingYear.objects.get(), actor=analyst)

    summary = import_returns(path=write(tmp_path, GOOD), actor=analyst)

    assert (summary.created, summary.updated, summary.values_written, summary.years_created) == (1, 1, 3, 0)
    assert ReportingYear.objects.get().status == YearStatus.PUBLISHED
    assert set(Return.objects.values_list("status", flat=True)) == {ReturnStatus.LOCKED}
    assert Return.objects.visible_to(AnonymousUser()).count() == 2


def test_every_row_with_an_error_is_named_and_nothing_is_written(
    register: dict[str, Organisation], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        [
            *GOOD,
            "National Portrait Gallery,2019/21,display_loans,41,",
            "Nowhere Museum,2019/20,display_loans,4,",
            "National Portrait Gallery,2019/20,display_loanz,4,",
            "National Portrait Gallery,2019/20,display_objects,twelve,",
            "National Portrait Gallery,2019/20,display_venues,2.5,",
            "National Portrait Gallery,2019/20,display_loans,42,",
            "National Portrait Gallery,2019/20,placements,,",
            ",,,,",
            ",2019/20,placements,1,",
        ],
    )

    with pytest.raises(ImportFailed, match="8 of 12 rows have errors, so nothing was imported") as failure:
        import_returns(path=path, actor=COMMAND_LINE)

    assert problems(failure) == [
        (6, "year", "'2019/21' is not a reporting year: the second year must follow the first."),
        (7, "organisation", "No organisation is called 'Nowhere Museum'."),
        (8, "indicator", "'display_loanz' is not an indicator's code. Did you mean display_loans?"),
        (9, "value", "Enter a number of objects, like 12."),
        (10, "value", "Enter a whole number of venues, like 12."),
        (11, "indicator", "display_loans for National Portrait Gallery in 2019/20 is already on row 2."),
        (12, "value", "Enter the value; leave out the row of an indicator that was not reported."),
        (14, "organisation", "Enter the organisation: its register id (such as mm.domus.SE444) or its name."),
    ]
    assert not ReportingYear.objects.exists()
    assert not ReturnValue.objects.exists()


def test_a_name_two_organisations_share_is_an_error(register: dict[str, Organisation], tmp_path: Path) -> None:
    # Two real museums called Public Library & Museum (Camborne).
    import_organisations(path=write_sample(tmp_path / "sample.csv", {"mm.Mus70Cal.022", "mm.Mus70Cal.005"}))

    with pytest.raises(ImportFailed) as failure:
        import_returns(
            path=write(tmp_path, ['"Public Library & Museum (Camborne)",2019/20,display_loans,1,']), actor=COMMAND_LINE
        )

    assert problems(failure) == [
        (
            2,
            "organisation",
            "2 organisations are called 'Public Library & Museum (Camborne)'. "
            "Choose one from the list, or give its id.",
        )
    ]
    import_returns(path=write(tmp_path, ["mm.Mus70Cal.022,2019/20,display_loans,1,"]), actor=COMMAND_LINE)
    assert Return.objects.get().organisation.external_id == "mm.Mus70Cal.022"


def test_a_year_open_for_returns_is_not_imported_into(
    register: dict[str, Organisation], analyst: User, tmp_path: Path
) -> None:
    year = services.year_create(actor=analyst, year=2019, organisations=[])
    services.year_open(year=year, actor=analyst)

    with pytest.raises(ImportFailed) as failure:
        import_returns(path=write(tmp_path, GOOD[:1]), actor=COMMAND_LINE)

    assert problems(failure) == [(2, "year", "2019/20 is open for returns: its returns are completed on museumshare.")]


def test_only_analysts_import(register: dict[str, Organisation], alice: User, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match=r"Only analysts can import returns\."):
        import_returns(path=write(tmp_path, GOOD), actor=alice)
    assert not Return.objects.exists()


def test_a_file_without_the_columns_is_refused(register: dict[str, Organisation], tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match=r"The header is missing the column\(s\): value."):
        import_returns(
            path=write(tmp_path, ["National Portrait Gallery,2019/20,display_loans"], "organisation,year,indicator\n"),
            actor=COMMAND_LINE,
        )


def test_the_guides_example_imports(register: dict[str, Organisation], tmp_path: Path) -> None:
    example = re.search(r"```csv\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    assert example is not None
    path = tmp_path / "example.csv"
    path.write_text(example.group(1), encoding="utf-8")

    summary = import_returns(path=path, actor=COMMAND_LINE)

    assert summary.errors == []
    assert summary.values_written == summary.rows_read


# The commands


def test_the_command_imports_as_someone_and_prints_a_summary(
    register: dict[str, Organisation], analyst: User, tmp_path: Path
) -> None:
    out = io.StringIO()

    call_command(
        "import_returns", str(write(tmp_path, GOOD)), "--status", "submitted", "--as", analyst.email, stdout=out
    )

    printed = " ".join(out.getvalue().split())
    assert "Returns import summary (CSV)" in printed
    assert "Rows read │ 4" in printed
    assert "Created │ 2" in printed
    assert "Values written │ 4" in printed
    assert set(Return.objects.values_list("status", flat=True)) == {ReturnStatus.SUBMITTED}
    assert AuditEntry.objects.filter(action="return.import", actor=analyst).count() == 2


def test_the_command_prints_each_error_by_row_and_fails(register: dict[str, Organisation], tmp_path: Path) -> None:
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 of 5 rows have errors, so nothing was imported"):
        call_command(
            "import_returns", str(write(tmp_path, [*GOOD, "Nowhere Museum,2019/20,display_loans,4,"])), stdout=out
        )

    assert "Error: Row 6, column organisation: No organisation is called 'Nowhere Museum'." in out.getvalue()
    assert not Return.objects.exists()


def test_the_command_refuses_an_unknown_person_and_status(register: dict[str, Organisation], tmp_path: Path) -> None:
    path = str(write(tmp_path, GOOD))
    with pytest.raises(CommandError, match=r"No one has the email address nobody@example\.org"):
        call_command("import_returns", path, "--as", "nobody@example.org", stdout=io.StringIO())
    with pytest.raises(CommandError, match="invalid choice: 'locked'"):
        call_command("import_returns", path, "--status", "locked", stdout=io.StringIO())


def test_an_exported_year_imports_back_as_it_was(register: dict[str, Organisation], tmp_path: Path) -> None:
    import_returns(path=write(tmp_path, GOOD), actor=COMMAND_LINE)
    gallery = Return.objects.get(organisation=register["mm.domus.SE444"])
    ReturnValue.objects.create(annual_return=gallery, indicator=Indicator.objects.get(code="placements"))
    before = values()
    out = io.StringIO()

    call_command("export_returns", "2019/20", stdout=out)
    call_command("export_returns", "2019/20", "--output", str(tmp_path / "export.xlsx"), stderr=io.StringIO())

    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == list(COLUMNS)
    # Organisations by their register id; no row for a value never given.
    assert sorted(rows[1:]) == sorted(
        line.replace("National Portrait Gallery", "mm.domus.SE444").split(",") for line in GOOD
    )
    for exported in (out.getvalue().encode(), (tmp_path / "export.xlsx").read_bytes()):
        with transaction.atomic():
            ReturnValue.objects.all().delete()
            Return.objects.all().delete()
            ReportingYear.objects.all().delete()
            name = "export.csv" if exported.startswith(b"organisation") else "export.xlsx"
            import_returns_content(name=name, content=exported, actor=COMMAND_LINE)
            assert {key: value for key, value in values().items() if value[0] is not None} == {
                key: value for key, value in before.items() if value[0] is not None
            }
            transaction.set_rollback(True)
    sheet = load_workbook(tmp_path / "export.xlsx").active
    assert sheet is not None
    assert sheet["D2"].value == 120


def test_exporting_a_year_museumshare_does_not_have_fails(register: dict[str, Organisation]) -> None:
    with pytest.raises(CommandError, match=r"2031/32 is not a reporting year in museumshare\."):
        call_command("export_returns", "2031/32", stdout=io.StringIO())
    with pytest.raises(CommandError, match=r"'2031' is not a reporting year like 2020/21\."):
        call_command("export_returns", "2031", stdout=io.StringIO())


# Whatever the file, an import writes all of it or nothing

# Each spelling of an organisation or a year, with the one it names.
ORGANISATIONS = {
    "National Portrait Gallery": "SE444",
    "mm.domus.SE073": "SE073",
    "MM.DOMUS.NE026": "NE026",
    "laing art gallery": "NE026",
}
YEARS = {"2018/19": 2018, "2019/20": 2019, "2019-20": 2019, "2020/2021": 2020}
VALID = st.tuples(
    st.sampled_from(sorted(ORGANISATIONS)),
    st.sampled_from(sorted(YEARS)),
    st.sampled_from(["display_loans", "placements", "formal_networks", "internships"]),
    st.one_of(st.integers(0, 10**9).map(str), st.just("1,250"), st.just(" 7 ")),
    st.sampled_from(["", "A note.", "Musée d'Orsay, Paris"]),
).map(list)
# Good files: no value given twice.
GOOD_ROWS = st.lists(VALID, min_size=1, max_size=8, unique_by=lambda r: (ORGANISATIONS[r[0]], YEARS[r[1]], r[2]))
GARBAGE = st.sampled_from(
    ["", "twelve", "-1", "2.5", "1e3", "NaN", "2019/21", "Nowhere Museum", "display_loanz", "ÿ\u200b", "=1+2", "1" * 20]
)
CELL = st.one_of(GARBAGE, st.text(max_size=12))
ROWS = st.one_of(
    GOOD_ROWS,
    st.lists(st.one_of(VALID, st.lists(CELL, max_size=7), st.tuples(*[CELL] * 5).map(list)), max_size=8),
)
HEADERS = st.one_of(
    st.just(list(COLUMNS)),
    st.just(list(COLUMNS[:4])),
    st.permutations(list(COLUMNS)),
    st.lists(st.sampled_from([*COLUMNS, "Value", "junk", ""]), max_size=6),
)


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for cells in rows:
        # openpyxl refuses control characters, which a workbook never has.
        sheet.append([re.sub(r"[\x00-\x1f]", "", cell) for cell in cells])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FILES = st.one_of(
    st.tuples(st.just("a.csv"), st.builds(csv_bytes, st.just(list(COLUMNS)), GOOD_ROWS)),
    st.tuples(st.just("a.xlsx"), st.builds(xlsx_bytes, st.just(list(COLUMNS)), GOOD_ROWS)),
    st.tuples(st.just("a.csv"), st.builds(csv_bytes, HEADERS, ROWS)),
    st.tuples(st.just("a.xlsx"), st.builds(xlsx_bytes, HEADERS, ROWS)),
    st.tuples(st.sampled_from(["a.csv", "a.xlsx", "a.txt"]), st.binary(max_size=200)),
    st.tuples(st.just("a.csv"), st.builds(csv_bytes, HEADERS, ROWS).map(lambda b: b.decode().encode("utf-16"))),
)


@pytest.fixture
def imported(register: dict[str, Organisation], tmp_path: Path) -> None:
    """A year already imported, so that a file can change what is there as well as add to it."""
    import_returns(path=write(tmp_path, GOOD), actor=COMMAND_LINE)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(file=FILES, status=st.sampled_from(["approved", "submitted", "draft"]))
def test_a_file_is_imported_whole_or_not_at_all(imported: None, file: tuple[str, bytes], status: str) -> None:
    name, content = file
    # Each example runs in its own savepoint, rolled back, so that none sees another's writes.
    with transaction.atomic():
        before = state()
        try:
            summary = import_returns_content(name=name, content=content, status=status, actor=COMMAND_LINE)
        except ImportFailed:
            event("refused")
            assert state() == before
        else:
            event("imported")
            assert not summary.errors
            table = read_table(name, content, required=COLUMNS[:4], records="values")
            given_here = {}
            for _, row in table.records():
                organisation = OrganisationMatcher().find(row["organisation"])
                key = (organisation.external_id or "", years.parse(row["year"]), row["indicator"].strip())
                given_here[key] = (Decimal(row["value"].replace(",", "")), row.get("note"))
            now = values()
            for key, (value, note) in given_here.items():
                assert now[key][0] == value
                assert now[key][2] == Source.IMPORTED
                assert note is None or now[key][3] == note
            assert {k: v for k, v in now.items() if k not in given_here} == {
                k: v for k, v in before[2].items() if k not in given_here
            }
        transaction.set_rollback(True)
