from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from museumshare.accounts.models import User
from museumshare.activities.models import Activity
from museumshare.core.imports import ImportFailed
from museumshare.core.services import System
from museumshare.loans.importer import IMPORTED, import_loans
from museumshare.loans.models import CollectionObject, Loan, LoanEvent, Status
from museumshare.organisations.models import Organisation

COMMAND_LINE = System("command-line import")

HEADER = (
    "reference,lender,borrower,purpose,exhibition_title,agreed_start,agreed_end,status,insurance,"
    "accession_number,object_title,valuation,visitors"
)
GOOD = [
    "LO-2019-1,mm.domus.SE444,Laing Art Gallery,exhibition,Faces,2019-03-01,2019-09-30,returned,commercial,"
    'NPG 1,Portrait one,"£250,000",12000',
    "LO-2019-1,mm.domus.SE444,Laing Art Gallery,exhibition,Faces,2019-03-01,2019-09-30,returned,commercial,"
    "NPG 2,Portrait two,1000,12000",
    "LO-2020-7,mm.domus.SE444,Laing Art Gallery,Research,,1/4/2020,1 June 2020,closed,,NPG 1,,,",
]


def write(tmp_path: Path, rows: list[str], name: str = "loans.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_good_file_records_loans_objects_events_and_activities(
    tmp_path: Path, alice: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    summary = import_loans(path=write(tmp_path, GOOD), actor=alice)

    assert (summary.rows_read, summary.created, summary.objects_created, summary.errors) == (3, 2, 2, [])
    first = Loan.objects.get(lender=portrait_gallery, reference="LO-2019-1")
    assert (first.borrower, first.status, first.agreed_start, first.agreed_end, first.visitors) == (
        laing,
        Status.RETURNED,
        date(2019, 3, 1),
        date(2019, 9, 30),
        12000,
    )
    assert [(lo.object.accession_number, lo.valuation) for lo in first.loan_objects.all()] == [
        ("NPG 1", Decimal("250000")),
        ("NPG 2", Decimal("1000")),
    ]
    assert CollectionObject.objects.get(owner=portrait_gallery, accession_number="NPG 1").title == "Portrait one"
    second = Loan.objects.get(reference="LO-2020-7")
    assert (second.purpose, second.status, second.agreed_end) == ("research", Status.CLOSED, date(2020, 6, 1))
    assert [(e.status, e.note, e.actor) for e in first.events.all()] == [(Status.RETURNED, IMPORTED, alice)]
    activity = Activity.objects.get(loan=first)
    assert (activity.lead, activity.status, activity.objects_count) == (portrait_gallery, "completed", 2)
    assert Activity.objects.get(loan=second).kind == "research_loan"


def test_importing_again_changes_nothing(tmp_path: Path, register: dict[str, Organisation]) -> None:
    path = write(tmp_path, GOOD)
    import_loans(path=path, actor=COMMAND_LINE)

    again = import_loans(path=path, actor=COMMAND_LINE)

    assert (again.created, again.unchanged) == (0, 2)
    assert (Loan.objects.count(), LoanEvent.objects.count(), Activity.objects.count()) == (2, 2, 2)


def test_an_excel_file_works_too(tmp_path: Path, register: dict[str, Organisation]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            "LO-1",
            "mm.domus.SE444",
            "mm.domus.NE026",
            "",
            "",
            date(2021, 1, 1),
            date(2021, 2, 1),
            "on loan",
            "",
            "NPG 9",
            "Nine",
            500,
            None,
        ]
    )
    path = tmp_path / "loans.xlsx"
    workbook.save(path)

    summary = import_loans(path=path, actor=COMMAND_LINE)

    assert summary.created == 1
    assert Loan.objects.get().status == Status.ON_LOAN


BAD_ROWS = [
    ("reference", "", "This column must not be empty."),
    ("lender", "Nowhere Museum", "Nowhere Museum"),
    ("borrower", "mm.domus.SE444", "An organisation cannot borrow from itself."),
    ("purpose", "fun", "'fun' is not one of"),
    ("agreed_start", "yesterday", "'yesterday' is not a date"),
    ("agreed_end", "2019-01-01", "Enter an agreed end date on or after the agreed start date."),
    ("status", "approved", "'approved' is not one of: on_loan, returned, closed."),
    ("insurance", "lloyds", "'lloyds' is not one of"),
    ("accession_number", "", "This column must not be empty."),
    ("object_title", "", "NPG 5 is new to"),
    ("valuation", "a lot", "'a lot' is not a number."),
    ("visitors", "-3", "is not a number of 0 or more"),
    ("reference", "R" * 41, "At most 40 characters."),
]


@pytest.mark.parametrize(("column", "value", "message"), BAD_ROWS)
def test_each_bad_row_is_reported_by_row_and_column_and_nothing_is_written(
    tmp_path: Path, register: dict[str, Organisation], column: str, value: str, message: str
) -> None:
    good = dict(
        zip(
            HEADER.split(","),
            [
                "LO-5",
                "mm.domus.SE444",
                "mm.domus.NE026",
                "",
                "",
                "2019-02-01",
                "2019-03-01",
                "returned",
                "",
                "NPG 5",
                "Five",
                "",
                "",
            ],
            strict=True,
        )
    )
    bad = good | {column: value}
    path = write(tmp_path, [",".join(bad.values())])

    with pytest.raises(ImportFailed) as failure:
        import_loans(path=write(tmp_path, [*GOOD, ",".join(bad.values())]), actor=COMMAND_LINE)

    summary = failure.value.summary
    assert summary is not None
    assert [(p.row, p.column) for p in summary.errors] == [(5, column)]
    assert message in summary.errors[0].message
    assert Loan.objects.count() == CollectionObject.objects.count() == Activity.objects.count() == 0
    assert path.exists()


def test_rows_of_one_loan_must_agree_and_not_repeat_an_object(
    tmp_path: Path, register: dict[str, Organisation]
) -> None:
    rows = [
        GOOD[0],
        GOOD[1].replace("2019-09-30", "2019-10-31"),
        GOOD[0],
    ]

    with pytest.raises(ImportFailed) as failure:
        import_loans(path=write(tmp_path, rows), actor=COMMAND_LINE)

    assert failure.value.summary is not None
    assert [(p.row, p.column) for p in failure.value.summary.errors] == [
        (2, ""),
        (3, "agreed_end"),
        (4, "accession_number"),
    ]


def test_skip_invalid_imports_the_good_loans_and_sets_aside_every_row_of_a_bad_one(
    tmp_path: Path, register: dict[str, Organisation]
) -> None:
    rows = [GOOD[0], GOOD[1].replace("Portrait two,1000", "Portrait two,lots"), GOOD[2]]
    rejects = tmp_path / "out" / "rejects.csv"

    summary = import_loans(path=write(tmp_path, rows), skip_invalid=True, rejects_path=rejects, actor=COMMAND_LINE)

    assert (summary.created, summary.rejected) == (1, 2)
    assert list(Loan.objects.values_list("reference", flat=True)) == ["LO-2020-7"]
    text = rejects.read_text(encoding="utf-8")
    assert "Row 3, column valuation: 'lots' is not a number." in text
    assert "Row 2: Another row of loan LO-2019-1 has an error." in text


def test_the_command(tmp_path: Path, alice: User, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("import_loans", str(write(tmp_path, GOOD)), "--as", alice.email)
    out = capsys.readouterr().out
    assert "Created" in out
    assert "Objects created" in out
    with pytest.raises(CommandError, match="rows have errors"):
        call_command("import_loans", str(write(tmp_path, [GOOD[0].replace("returned", "lost")])))
    with pytest.raises(CommandError, match="No one has the email address"):
        call_command("import_loans", str(write(tmp_path, GOOD)), "--as", "nobody@example.org")
