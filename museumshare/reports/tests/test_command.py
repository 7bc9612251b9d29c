"""`museumshare report`: a published year's latest version, or the draft before it is published."""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from museumshare.accounts.models import User
from museumshare.organisations.models import Organisation
from museumshare.reports import files, pdf
from museumshare.reports.models import ReportVersion
from museumshare.reports.services import report_publish
from museumshare.reports.tests.conftest import ROWS
from museumshare.reports.tests.test_files import import_rows
from museumshare.returns.models import ReportingYear


@pytest.fixture(autouse=True)
def quick_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in for the PDF, which takes seconds to make and has tests of its own."""
    monkeypatch.setattr(pdf, "render", lambda data: b"%PDF-1.7 " + data["status"].encode())


@pytest.fixture
def figures(register: dict[str, Organisation]) -> ReportingYear:
    """2020/21 closed with its returns locked: ready to publish, not yet published."""
    import_rows(ROWS)
    return ReportingYear.objects.get(year=2020)


def report(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_writes_the_draft_as_json_to_standard_output_and_says_it_is_a_draft(figures: ReportingYear) -> None:
    out, err = report("2020/21")

    data = json.loads(out)
    assert (data["year"], data["status"], data["version"]) == ("2020/21", "draft", None)
    assert "Draft: 2020/21 is not published" in err


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "pdf"])
def test_it_writes_each_format_to_a_file(figures: ReportingYear, tmp_path: Path, fmt: str) -> None:
    output = tmp_path / f"report.{fmt}"

    _, err = report("2020-21", "--format", fmt, "--output", str(output))

    assert f"Written to {output}." in err
    written = output.read_bytes()
    if fmt == "xlsx":
        assert load_workbook(output)["Summary"]["B4"].value.startswith("DRAFT")
    else:
        assert written == files.render(files.draft(2020), fmt)


def test_a_published_year_gives_its_latest_version_and_its_frozen_files(
    figures: ReportingYear, analyst: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report_publish(year=figures, actor=analyst)
    latest = report_publish(year=figures, actor=analyst, note="The Laing's loans were counted twice.")
    monkeypatch.setattr(pdf, "render", lambda data: b"%PDF-1.7 made again")
    output = tmp_path / "report.xlsx"

    out, err = report("2020/21")
    report("2020/21", "--format", "xlsx", "--output", str(output))
    report("2020/21", "--format", "pdf", "--output", str(tmp_path / "report.pdf"))

    assert json.loads(out) == latest.data
    assert (json.loads(out)["version"], json.loads(out)["note"]) == (2, "The Laing's loans were counted twice.")
    assert "2020/21, version 2, published" in err
    assert output.read_bytes() == bytes(latest.xlsx)
    assert (tmp_path / "report.pdf").read_bytes() == bytes(latest.pdf) == b"%PDF-1.7 published"
    assert load_workbook(output)["Summary"]["B4"].value.startswith("Published: version 2")


def test_draft_computes_a_published_year_again_for_checking(figures: ReportingYear, analyst: User) -> None:
    report_publish(year=figures, actor=analyst)

    out, err = report("2020/21", "--draft", "--format", "csv")

    assert out.startswith("year,indicator,name")
    assert "formal_networks" in out
    assert "Draft: 2020/21 computed now" in err


def test_it_writes_a_binary_format_to_a_pipe(figures: ReportingYear) -> None:
    piped = io.TextIOWrapper(io.BytesIO())

    call_command("report", "2020/21", "--format", "xlsx", stdout=piped, stderr=io.StringIO())

    assert load_workbook(io.BytesIO(piped.buffer.getvalue())).sheetnames[0] == "Summary"


def test_it_refuses_to_write_a_binary_format_to_a_terminal(figures: ReportingYear) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    with pytest.raises(CommandError, match="The pdf format is not text: give a file with --output"):
        call_command("report", "2020/21", "--format", "pdf", stdout=Terminal())


@pytest.mark.parametrize(
    ("year", "message"),
    [("2031/32", "2031/32 is not a reporting year in museumshare."), ("2020/22", "is not a reporting year")],
)
def test_it_names_a_year_it_does_not_know(figures: ReportingYear, year: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        report(year)
    assert not ReportVersion.objects.exists()


def test_it_refuses_a_format_it_does_not_write(db: Any) -> None:
    with pytest.raises(CommandError, match="invalid choice: 'docx'"):
        report("2020/21", "--format", "docx")
