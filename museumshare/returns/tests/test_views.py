"""The pages of the collection: a museum's returns, completing and submitting one, the analysts'
review, and running the reporting years."""

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from museumshare.accounts.models import User
from museumshare.organisations.models import Organisation
from museumshare.reports.services import report_publish
from museumshare.returns import services
from museumshare.returns.models import ReportingYear, Return, ReturnStatus, ReturnValue, Source, YearStatus
from museumshare.returns.services import Entry


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def url(name: str, return_: Return) -> str:
    return reverse(f"returns:{name}", args=[return_.year.slug, return_.organisation.slug])


@pytest.fixture
def year(analyst: User, portrait_gallery: Organisation) -> ReportingYear:
    return services.year_create(actor=analyst, year=2024, deadline=date(2025, 6, 30))


@pytest.fixture
def gallery_return(year: ReportingYear, analyst: User, portrait_gallery: Organisation) -> Return:
    services.year_open(year=year, actor=analyst)
    return Return.objects.select_related("year", "organisation").get(organisation=portrait_gallery, year=year)


def fill_required(return_: Return, actor: User) -> None:
    entries = {
        v.indicator.code: Entry(value=0, reason="None this year.")
        for v in return_.values.select_related("indicator")
        if v.value is None
    }
    services.return_save(return_=return_, actor=actor, entries=entries)


@pytest.fixture
def submitted(gallery_return: Return, alice: User) -> Return:
    fill_required(gallery_return, alice)
    return services.return_submit(return_=gallery_return, actor=alice, comment="All checked.")


def form_data(return_: Return, **changes: str) -> dict[str, str]:
    """The edit form as it comes, with `changes` by field name."""
    data = {"comments": return_.comments}
    for row in return_.values.select_related("indicator"):
        code = row.indicator.code
        data[code] = "" if row.value is None else str(int(row.value))
        data[f"{code}-reason"] = row.reason
        data[f"{code}-note"] = row.note
    return data | changes


# The organisation's side


def test_alice_sees_her_return_in_the_list_with_what_to_do_next(alice: User, gallery_return: Return) -> None:
    page = client_for(alice).get(reverse("returns:list"))
    assert page.status_code == 200
    assert "National Portrait Gallery" in page.text
    assert "Complete and submit by 30 June 2025." in page.text
    assert "Draft" in page.text
    assert "Reporting years and their progress" not in page.text


def test_the_list_says_why_it_is_empty(charlie: User, bob: User, gallery_return: Return) -> None:
    assert "not a member of an organisation" in client_for(charlie).get(reverse("returns:list")).text
    page = client_for(bob).get(reverse("returns:list"))
    assert "None of your organisations has been asked for a return yet" in page.text
    assert "National Portrait Gallery" not in page.text


def test_the_analyst_sees_returns_waiting_for_review_and_the_years(analyst: User, submitted: Return) -> None:
    page = client_for(analyst).get(reverse("returns:list"))
    assert "Waiting for review (1)" in page.text
    assert url("review", submitted) in page.text
    assert reverse("returns:years") in page.text


def test_alice_sees_her_return_by_section_with_the_register_and_the_history(
    alice: User, gallery_return: Return
) -> None:
    services.return_save(
        return_=gallery_return,
        actor=alice,
        entries={"placements": Entry(value="4", reason="One not recorded.", note="From HR.")},
    )
    page = client_for(alice).get(gallery_return.get_absolute_url())
    assert page.status_code == 200
    for section in ("Sharing collections", "Sharing knowledge and skills", "Research", "Partners and resilience"):
        assert f">{section}</h2>" in page.text
    assert "Staff placements hosted or sent" in page.text
    assert "One not recorded." in page.text
    assert "From HR." in page.text
    assert "Differs" in page.text
    assert "Opened for returns, prefilled from the register." in page.text
    assert "Complete the return" in page.text
    assert "Check and submit" in page.text
    assert "Update from the register" in page.text
    assert "Download as a spreadsheet" in page.text
    assert "Review</a>" not in page.text


def test_nobody_outside_the_museum_learns_the_return_exists(bob: User, charlie: User, gallery_return: Return) -> None:
    for user in (bob, charlie, None):
        assert client_for(user).get(gallery_return.get_absolute_url()).status_code == 404
    assert client_for(bob).get(url("edit", gallery_return)).status_code == 404
    assert client_for(bob).get(url("submit", gallery_return)).status_code == 404
    assert client_for(bob).get(url("spreadsheet", gallery_return)).status_code == 404
    assert client_for(bob).post(url("refresh", gallery_return)).status_code == 404
    missing = reverse("returns:detail", args=["2024-25", "no-such-museum"])
    assert client_for(bob).get(missing).status_code == 404
    assert client_for(bob).get(reverse("returns:detail", args=["24", "x"])).status_code == 404


def test_the_edit_form_saves_values_with_their_reasons(alice: User, gallery_return: Return) -> None:
    client = client_for(alice)
    page = client.get(url("edit", gallery_return))
    assert page.status_code == 200
    assert 'inputmode="numeric"' in page.text
    assert page.text.count('<h2 id="section-') == 5

    data = form_data(gallery_return, internships="1,250", **{"internships-note": "A big year."})
    data["internships-reason"] = "Interns paid by a partner."
    data["placements"] = "4"
    data["placements-reason"] = "One not recorded."
    data["comments"] = "Checked by the registrar."
    response = client.post(url("edit", gallery_return), data)

    assert response.status_code == 302
    internships = gallery_return.values.get(indicator__code="internships")
    assert (internships.value, internships.note) == (Decimal(1250), "A big year.")
    placements = gallery_return.values.get(indicator__code="placements")
    assert (placements.value, placements.reason, placements.source) == (
        Decimal(4),
        "One not recorded.",
        str(Source.ENTERED),
    )
    gallery_return.refresh_from_db()
    assert gallery_return.comments == "Checked by the registrar."
    assert "saved as a draft" in client.get(gallery_return.get_absolute_url()).text


def test_the_edit_form_shows_the_reason_error_beside_its_field(alice: User, gallery_return: Return) -> None:
    placements = gallery_return.values.get(indicator__code="placements")
    derived = int(placements.derived or 0)
    data = form_data(gallery_return, placements=str(derived + 2), internships="twelve")
    page = client_for(alice).post(url("edit", gallery_return), data)

    assert page.status_code == 200
    assert page.text.startswith("<!doctype html>")
    assert "<title>Error: " in page.text
    reason_error = f"Say why the value differs from the register’s ({derived} people)."
    summary_line = f"Staff placements hosted or sent: {reason_error}"
    assert f'<a href="#id_placements-reason">{summary_line}</a>' in page.text
    assert f'id="id_placements-reason_error"><span class="visually-hidden">Error:</span> {reason_error}' in page.text
    assert '<a href="#id_internships">Paid internships: Enter a number of people, like 12.</a>' in page.text
    assert f'value="{derived + 2}"' in page.text
    placements.refresh_from_db()
    assert placements.value == derived


def test_only_the_museum_editors_change_a_return_and_only_while_it_is_open(
    alice: User, analyst: User, submitted: Return
) -> None:
    assert client_for(analyst).get(url("edit", submitted)).status_code == 403
    page = client_for(alice).get(url("edit", submitted))
    assert page.status_code == 403
    assert "waiting for an analyst to review it" in page.text
    assert client_for(alice).get(url("submit", submitted)).status_code == 403
    detail = client_for(alice).get(submitted.get_absolute_url()).text
    assert "Complete the return" not in detail
    assert "Waiting for an analyst to review it." in detail


def test_the_submit_page_lists_what_blocks_submission(alice: User, gallery_return: Return) -> None:
    services.return_save(return_=gallery_return, actor=alice, entries={"internships": Entry("", "Not known yet.")})
    page = client_for(alice).get(url("submit", gallery_return))
    assert page.status_code == 200
    assert "You cannot submit the return yet" in page.text
    edit = url("edit", gallery_return)
    assert f'<a href="{edit}#id_internships">Enter the paid internships, or 0 if there were none.</a>' in page.text
    assert "Submit the return</button>" not in page.text

    refused = client_for(alice).post(url("submit", gallery_return), {"comment": ""})
    assert refused.status_code == 200
    gallery_return.refresh_from_db()
    assert gallery_return.status == ReturnStatus.DRAFT


def test_a_complete_return_is_checked_and_submitted(alice: User, gallery_return: Return) -> None:
    fill_required(gallery_return, alice)
    client = client_for(alice)
    page = client.get(url("submit", gallery_return))
    assert "You cannot submit the return yet" not in page.text
    assert "Submit the return</button>" in page.text
    assert "Paid internships" in page.text

    response = client.post(url("submit", gallery_return), {"comment": "Signed off by the director."}, follow=True)

    gallery_return.refresh_from_db()
    assert gallery_return.status == ReturnStatus.SUBMITTED
    assert "An analyst will review it" in response.text
    assert "Signed off by the director." in response.text


def test_updating_from_the_register_says_what_changed(alice: User, gallery_return: Return) -> None:
    response = client_for(alice).post(url("refresh", gallery_return), follow=True)
    assert "The register gives the same figures as before" in response.text
    assert client_for(alice).get(url("refresh", gallery_return)).status_code == 405


# The spreadsheet


def test_the_return_downloads_as_a_spreadsheet(alice: User, gallery_return: Return) -> None:
    response = client_for(alice).get(url("spreadsheet", gallery_return))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="museumshare-return-')
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "Return"


def _workbook_with(return_: Return, code: str, **cells: Any) -> bytes:
    from museumshare.returns import spreadsheet

    book = load_workbook(io.BytesIO(spreadsheet.workbook(return_)))
    sheet = book["Return"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("Code")].value == code:
            for title, value in cells.items():
                row[header.index(title)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("return.xlsx", content)


def test_an_uploaded_spreadsheet_saves_its_values(alice: User, gallery_return: Return) -> None:
    content = _workbook_with(gallery_return, "internships", Value=7, Reason="Paid by a partner.", Note="From HR.")
    response = client_for(alice).post(url("upload", gallery_return), {"file": _upload(content)}, follow=True)

    assert "values saved from the spreadsheet (1 changed)" in response.text
    internships = gallery_return.values.get(indicator__code="internships")
    assert (internships.value, internships.note, internships.source) == (Decimal(7), "From HR.", str(Source.IMPORTED))


def test_a_spreadsheet_with_a_wrong_cell_saves_nothing_and_names_the_cell(alice: User, gallery_return: Return) -> None:
    before = gallery_return.values.get(indicator__code="internships").value
    content = _workbook_with(gallery_return, "internships", Value="lots")
    page = client_for(alice).post(url("upload", gallery_return), {"file": _upload(content)})

    assert page.status_code == 200
    assert "There is a problem" in page.text
    assert "Enter a number of people, like 12." in page.text
    assert gallery_return.values.get(indicator__code="internships").value == before
    not_xlsx = client_for(alice).post(url("upload", gallery_return), {"file": SimpleUploadedFile("a.csv", b"a,b")})
    assert "Choose an .xlsx spreadsheet" in not_xlsx.text


# The analysts' review


def test_the_analyst_reviews_and_approves_a_return(analyst: User, alice: User, submitted: Return) -> None:
    client = client_for(analyst)
    page = client.get(url("review", submitted))
    assert page.status_code == 200
    assert "Differences from the register" in page.text
    assert "All checked." in page.text

    response = client.post(
        url("review", submitted), {"action": "approve", "approve-comment": "Thank you."}, follow=True
    )

    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.APPROVED
    assert "return is approved" in response.text
    assert "Thank you." in client_for(alice).get(submitted.get_absolute_url()).text
    assert client.get(url("review", submitted)).status_code == 302


def test_returning_for_changes_needs_a_comment(analyst: User, alice: User, submitted: Return) -> None:
    client = client_for(analyst)
    page = client.post(url("review", submitted), {"action": "send_back", "send_back-comment": " "})
    assert page.status_code == 200
    assert '<a href="#id_send_back-comment">Say what the organisation should change.</a>' in page.text
    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.SUBMITTED

    client.post(url("review", submitted), {"action": "send_back", "send_back-comment": "Check the placements."})

    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.RETURNED
    mine = client_for(alice).get(submitted.get_absolute_url()).text
    assert "Changes asked for" in mine
    assert "Check the placements." in mine
    assert "Make the changes asked for and submit it again" in mine


def test_only_analysts_review(alice: User, submitted: Return) -> None:
    assert client_for(alice).get(url("review", submitted)).status_code == 403
    client_for(alice).post(url("review", submitted), {"action": "approve"})
    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.SUBMITTED


# The reporting years


def test_the_progress_page_lists_every_asked_organisation(
    analyst: User, bob: User, year: ReportingYear, submitted: Return
) -> None:
    page = client_for(analyst).get(year.get_absolute_url())
    assert page.status_code == 200
    for organisation in year.organisations.all():
        assert escape(organisation.name) in page.text
    assert url("review", submitted) in page.text
    assert "Submitted" in page.text
    assert client_for(bob).get(year.get_absolute_url()).status_code == 403
    assert client_for(bob).get(reverse("returns:years")).status_code == 403
    assert client_for(bob).get(reverse("returns:year_create")).status_code == 403


def test_the_progress_list_downloads_as_csv(analyst: User, year: ReportingYear, submitted: Return) -> None:
    response = client_for(analyst).get(year.get_absolute_url(), {"download": "csv"})
    assert response["Content-Disposition"].startswith('attachment; filename="museumshare-returns-2024-25-')
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "organisation,status,submitted,submitted_by,approved,approved_by,web_address"
    assert len(lines) == 1 + year.organisations.count()
    assert any(line.startswith("National Portrait Gallery,Submitted,") for line in lines)


def test_a_year_runs_from_adding_to_closing_through_its_pages_and_publishes_with_its_report(
    analyst: User, alice: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    client = client_for(analyst)
    form = client.get(reverse("returns:year_create"))
    assert f'value="{portrait_gallery.pk}"' in form.text
    assert f'value="{laing.pk}"' not in form.text
    added = client.post(
        reverse("returns:year_create"),
        {"year": "2025/26", "deadline": "2026-06-30", "organisations": [portrait_gallery.pk]},
    )
    year = ReportingYear.objects.get(year=2025)
    assert added["Location"] == year.get_absolute_url()
    assert list(year.organisations.all()) == [portrait_gallery]
    again = client.post(reverse("returns:year_create"), {"year": "2025-26", "organisations": [portrait_gallery.pk]})
    assert "2025/26 is already in museumshare." in again.text

    confirm = client.get(reverse("returns:year_step", args=[year.slug, "open"]))
    assert "Opening asks the 1 organisation" in confirm.text
    client.post(reverse("returns:year_step", args=[year.slug, "open"]))
    return_ = Return.objects.get(year=year)
    fill_required(return_, alice)
    services.return_submit(return_=return_, actor=alice)
    services.return_approve(return_=return_, actor=analyst)

    confirm = client.get(reverse("returns:year_step", args=[year.slug, "close"]))
    assert "Closing locks the 1 approved return" in confirm.text
    client.post(reverse("returns:year_step", args=[year.slug, "close"]))
    assert client_for(None).get(return_.get_absolute_url()).status_code == 404

    # A closed year is published with its report, which freezes its figures (the reports app's step).
    assert reverse("reports:publish", args=[year.slug]) in client.get(year.get_absolute_url()).text
    assert client.get(reverse("returns:year_step", args=[year.slug, "publish"])).status_code == 404
    report_publish(year=year, actor=analyst)

    year.refresh_from_db()
    assert year.status == YearStatus.PUBLISHED
    public = client_for(None).get(return_.get_absolute_url())
    assert public.status_code == 200
    assert "Locked" in public.text
    assert "History" not in public.text
    assert str(alice) not in public.text
    assert "Complete the return" not in public.text
    assert client_for(None).get(url("spreadsheet", return_)).status_code == 200
    again = client.post(reverse("returns:year_step", args=[year.slug, "close"]), follow=True)
    assert "cannot be closed now" in again.text
    assert client.get(reverse("returns:year_step", args=[year.slug, "dance"])).status_code == 404


def test_the_year_list_counts_returns_by_status(analyst: User, year: ReportingYear, submitted: Return) -> None:
    page = client_for(analyst).get(reverse("returns:years"))
    drafts = year.returns.filter(status=ReturnStatus.DRAFT).count()
    assert f"{drafts} draft, 1 submitted" in page.text
    assert "30 June 2025" in page.text


def test_an_organisation_asked_once_the_year_is_open_gets_its_return(
    analyst: User, portrait_gallery: Organisation
) -> None:
    year = services.year_create(actor=analyst, year=2024, organisations=[portrait_gallery])
    services.year_open(year=year, actor=analyst)
    other = next(o for o in services.asked_by_default() if o != portrait_gallery)
    page = client_for(analyst).get(reverse("returns:year_edit", args=[year.slug]))
    assert f'value="{other.pk}"' in page.text

    response = client_for(analyst).post(
        reverse("returns:year_edit", args=[year.slug]),
        {"deadline": "2025-07-31", "reminder_days": "7, 14", "organisations": [portrait_gallery.pk, other.pk]},
    )

    assert response.status_code == 302
    year.refresh_from_db()
    assert (year.deadline, year.reminder_days) == (date(2025, 7, 31), "14,7")
    assert Return.objects.filter(year=year, organisation=other, status=ReturnStatus.DRAFT).exists()
    assert Return.objects.get(year=year, organisation=other).values.count() == 41


# Query counts


def test_the_return_page_reads_the_same_few_queries_however_many_values(alice: User, gallery_return: Return) -> None:
    client = client_for(alice)
    ReturnValue.objects.filter(annual_return=gallery_return, indicator__code__startswith="uk_").delete()
    client.get(gallery_return.get_absolute_url())  # a session's first request also notes it was seen
    with CaptureQueriesContext(connection) as few:
        client.get(gallery_return.get_absolute_url())
    services.return_prefill(return_=gallery_return, actor=alice)
    with CaptureQueriesContext(connection) as many:
        client.get(gallery_return.get_absolute_url())
    assert len(many) == len(few)


def test_the_progress_page_reads_the_same_few_queries_however_many_organisations(
    analyst: User, portrait_gallery: Organisation, django_assert_max_num_queries: Any
) -> None:
    small = services.year_create(actor=analyst, year=2023, organisations=[portrait_gallery])
    services.year_open(year=small, actor=analyst)
    large = services.year_create(actor=analyst, year=2024)
    services.year_open(year=large, actor=analyst)
    assert large.organisations.count() > 10
    client = client_for(analyst)
    with CaptureQueriesContext(connection) as few:
        client.get(small.get_absolute_url())
    with django_assert_max_num_queries(len(few)):
        client.get(large.get_absolute_url())
