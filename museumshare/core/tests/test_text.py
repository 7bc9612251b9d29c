"""The one rule for free text (core.text): no control characters, line breaks only where text may
run to several lines; and every importer gives it, with the row and the column."""

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from museumshare.accounts.models import User
from museumshare.core.imports import ImportFailed
from museumshare.core.text import no_control_characters, no_control_characters_but_line_breaks
from museumshare.loans.importer import import_loans
from museumshare.organisations.importer import OWN_COLUMNS, import_organisations
from museumshare.organisations.models import Organisation
from museumshare.returns.importer import import_returns


@pytest.mark.parametrize(
    "text", ["Nul\x00", "Escape\x1b[2J", "Bell\x07", "Delete\x7f", "C1\x85", "Two\nlines", "Tab\t"]
)
def test_one_line_of_text_refuses_every_control_character(text: str) -> None:
    with pytest.raises(ValidationError, match="control characters"):
        no_control_characters(text)


def test_text_of_several_lines_keeps_tabs_and_line_breaks_and_refuses_the_rest() -> None:
    no_control_characters_but_line_breaks("First line.\r\n\tSecond line, with “quotes” and an é.")
    with pytest.raises(ValidationError, match="U\\+0000"):
        no_control_characters_but_line_breaks("First line.\n\x00")


def problems(failure: pytest.ExceptionInfo[ImportFailed[Any]]) -> list[tuple[int, str]]:
    assert failure.value.summary is not None
    return [(problem.row, problem.column) for problem in failure.value.summary.errors]


@pytest.mark.django_db
def test_the_loans_organisations_and_returns_importers_refuse_control_characters_by_row_and_column(
    tmp_path: Path, alice: User, analyst: User, register: dict[str, Organisation]
) -> None:
    loans = tmp_path / "loans.csv"
    loans.write_text(
        "reference,lender,borrower,exhibition_title,agreed_start,agreed_end,status,accession_number\n"
        "LO-2019-1,mm.domus.SE444,Laing Art Gallery,Faces\x07,2019-03-01,2019-09-30,returned,NPG 1\n",
        encoding="utf-8",
    )
    organisations = tmp_path / "organisations.csv"
    organisations.write_text(
        ",".join(OWN_COLUMNS) + "\nref-laing,Laing\x1b Art Gallery,gallery,,false,England,NE1 8AG,,,GB,\n",
        encoding="utf-8",
    )
    returns = tmp_path / "returns.csv"
    returns.write_text(
        "organisation,year,indicator,value,note\nNational Portrait Gallery,2019/20,display_loans,41,Touring\x1b[0m\n",
        encoding="utf-8",
    )

    with pytest.raises(ImportFailed) as loans_failure:
        import_loans(path=loans, actor=alice)
    with pytest.raises(ImportFailed) as organisations_failure:
        import_organisations(path=organisations)
    with pytest.raises(ImportFailed) as returns_failure:
        import_returns(path=returns, actor=analyst)

    assert problems(loans_failure) == [(2, "exhibition_title")]
    assert problems(organisations_failure) == [(2, "name")]
    assert problems(returns_failure) == [(2, "note")]
