from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from museumshare.accounts.models import User
from museumshare.loans.models import (
    CollectionObject,
    ConditionCheck,
    FacilitiesReport,
    Loan,
    LoanDocument,
    LoansPolicy,
    Stage,
    Status,
)
from museumshare.loans.services import loan_transition
from museumshare.loans.tests.conftest import START, agree
from museumshare.organisations.models import Organisation

VALUATION = "250,000"


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def draft(request_loan: Callable[..., Loan], portraits: list[CollectionObject]) -> Loan:
    return request_loan(portraits[:2])


@pytest.fixture
def loan(draft: Loan, bob: User) -> Loan:
    """bob's request, sent to alice's National Portrait Gallery."""
    return loan_transition(loan=draft, actor=bob, to=Status.REQUESTED)


def test_the_list_shows_loans_out_to_the_lender_and_loans_in_to_the_borrower(
    alice: User, bob: User, loan: Loan
) -> None:
    out = client_for(alice).get(reverse("loans:list"), {"side": "out"})
    assert loan.reference in out.text
    assert "Laing Art Gallery" in out.text
    assert loan.reference not in client_for(alice).get(reverse("loans:list"), {"side": "in"}).text
    assert loan.reference in client_for(bob).get(reverse("loans:list"), {"side": "in"}).text
    assert loan.reference not in client_for(bob).get(reverse("loans:list"), {"side": "out"}).text


def test_charlie_sees_no_loans_and_the_analyst_sees_them_all(charlie: User, analyst: User, loan: Loan) -> None:
    assert loan.reference not in client_for(charlie).get(reverse("loans:list")).text
    assert loan.reference in client_for(analyst).get(reverse("loans:list")).text


def test_the_list_filters_by_status_purpose_partner_year_and_overdue(alice: User, loan: Loan) -> None:
    client = client_for(alice)
    url = reverse("loans:list")
    assert loan.reference in client.get(url, {"status": "requested"}).text
    assert loan.reference not in client.get(url, {"status": "on_loan"}).text
    assert loan.reference not in client.get(url, {"purpose": "research"}).text
    assert loan.reference in client.get(url, {"partner": loan.borrower.slug}).text
    assert loan.reference not in client.get(url, {"partner": loan.lender.slug}).text
    year = START.year if START.month >= 4 else START.year - 1
    assert loan.reference in client.get(url, {"year": f"{year}-{(year + 1) % 100:02d}"}).text
    assert loan.reference not in client.get(url, {"year": "2015-16"}).text
    assert loan.reference not in client.get(url, {"overdue": "on"}).text
    Loan.objects.filter(pk=loan.pk).update(status=Status.ON_LOAN, agreed_end=date.today() - timedelta(days=3))
    overdue = client.get(url, {"overdue": "on"})
    assert loan.reference in overdue.text
    assert "Overdue" in overdue.text


def test_the_download_is_named_for_the_side_and_organisation_and_shows_valuations_to_the_lender(
    alice: User, loan: Loan
) -> None:
    response = client_for(alice).get(reverse("loans:list"), {"side": "out", "download": "csv"})
    name = f"museumshare-loans-out-national-portrait-gallery-{date.today().isoformat()}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert loan.reference in response.content.decode()
    assert "500000" in response.content.decode()
    xlsx = client_for(alice).get(reverse("loans:list"), {"side": "out", "download": "xlsx"})
    assert xlsx.content[:2] == b"PK"


def test_the_borrowers_download_never_shows_valuations(bob: User, analyst: User, loan: Loan) -> None:
    for user, side in ((bob, "in"), (analyst, "out")):
        content = client_for(user).get(reverse("loans:list"), {"side": side, "download": "csv"}).content.decode()
        assert loan.reference in content
        assert "500000" not in content
        assert "250000" not in content


def test_the_list_takes_the_same_number_of_queries_however_many_loans(
    bob: User, request_loan: Callable[..., Loan], portraits: list[CollectionObject]
) -> None:
    client = client_for(bob)
    request_loan(portraits[:1])
    client.get(reverse("loans:list"), {"side": "in"})
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("loans:list"), {"side": "in"})
    for n in range(5):
        request_loan([portraits[1]], requested_start=START + timedelta(days=400 * (n + 1)),
                     requested_end=START + timedelta(days=400 * (n + 1) + 30))  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("loans:list"), {"side": "in"})
    assert len(many) == len(few)
    assert "6 loans in" in client.get(reverse("loans:list"), {"side": "in"}).text


def test_a_loan_is_not_found_for_charlie_or_anyone_signed_out(charlie: User, loan: Loan) -> None:
    assert client_for(charlie).get(loan.get_absolute_url()).status_code == 404
    assert client_for(charlie).get(reverse("loans:agreement_pdf", args=[loan.pk])).status_code == 404
    assert client_for(None).get(loan.get_absolute_url()).status_code == 302


def test_valuations_show_to_the_lender_only(alice: User, bob: User, analyst: User, loan: Loan) -> None:
    assert VALUATION in client_for(alice).get(loan.get_absolute_url()).text
    for user in (bob, analyst):
        page = client_for(user).get(loan.get_absolute_url())
        assert page.status_code == 200
        assert VALUATION not in page.text


def test_a_draft_is_the_borrowers_until_it_is_sent(alice: User, bob: User, draft: Loan) -> None:
    borrower_page = client_for(bob).get(draft.get_absolute_url()).text
    assert "Send the request" in borrower_page
    assert "Withdraw the request" in borrower_page
    assert client_for(alice).get(draft.get_absolute_url()).status_code == 404
    assert draft.reference not in client_for(alice).get(reverse("loans:list")).text


def test_each_side_sees_only_the_steps_it_may_take(alice: User, bob: User, loan: Loan) -> None:
    lender_page = client_for(alice).get(loan.get_absolute_url()).text
    assert "Acknowledge the request" in lender_page
    assert "Decline" in lender_page
    assert "Acknowledge the request" not in client_for(bob).get(loan.get_absolute_url()).text


def test_a_step_moves_the_loan_and_shows_in_its_timeline(bob: User, draft: Loan) -> None:
    response = client_for(bob).post(reverse("loans:step", args=[draft.pk, Status.REQUESTED]), follow=True)
    loan = Loan.objects.get(pk=draft.pk)
    assert loan.status == Status.REQUESTED
    assert "The loan is now requested" in response.text
    assert "Requested" in response.text


def test_a_refused_step_says_what_to_do_first(alice: User, bob: User, loan: Loan) -> None:
    response = client_for(alice).post(reverse("loans:step", args=[loan.pk, Status.DECLINED]))
    assert "There is a problem" in response.text
    assert "Say why, so that the borrower knows." in response.text
    denied = client_for(bob).post(reverse("loans:step", args=[loan.pk, Status.ACKNOWLEDGED]))
    assert "Only editors at the lender can acknowledge the request." in denied.text
    loan.refresh_from_db()
    assert loan.status == Status.REQUESTED


def test_approval_is_checked_on_a_confirmation_page_first(
    alice: User, bob: User, loan: Loan, laing_facilities: FacilitiesReport
) -> None:
    loan_transition(loan=loan, actor=alice, to=Status.ACKNOWLEDGED)
    loan_transition(loan=loan, actor=alice, to=Status.UNDER_ASSESSMENT)
    url = reverse("loans:step", args=[loan.pk, Status.APPROVED])
    page = client_for(alice).get(url)
    assert "Enter the agreed loan period" in page.text
    agree(loan, laing_facilities)
    page = client_for(alice).get(url)
    assert "Check before you approve" in page.text
    assert 'name="confirmed"' in page.text
    client_for(alice).post(url)  # Without the confirmation, nothing happens.
    loan.refresh_from_db()
    assert loan.status == Status.UNDER_ASSESSMENT
    client_for(alice).post(url, {"confirmed": "yes", "approved-note": "Agreed at the loans meeting."})
    loan.refresh_from_db()
    assert loan.status == Status.APPROVED
    assert loan.events.last().note == "Agreed at the loans meeting."  # type: ignore[union-attr]


@pytest.fixture
def policy(portrait_gallery: Organisation) -> LoansPolicy:
    return LoansPolicy.objects.create(organisation=portrait_gallery, notice_weeks=52, costs="Courier costs.")


def test_the_request_form_offers_the_lenders_objects_only_and_its_policy(
    bob: User, portraits: list[CollectionObject], laing: Organisation, policy: LoansPolicy
) -> None:
    CollectionObject.objects.create(owner=laing, accession_number="LAING 1", title="Not the lender's")
    CollectionObject.objects.create(
        owner=policy.organisation, accession_number="TEST 9", title="Kept back", lendable=False
    )
    page = client_for(bob).get(reverse("loans:request"), {"lender": policy.organisation.slug})
    assert "Portrait study 1" in page.text
    assert "Portrait study 3" in page.text
    assert "Not the lender's" not in page.text
    assert "Kept back" not in page.text
    assert "52 weeks" in page.text
    assert "Courier costs." in page.text
    assert VALUATION not in page.text
    searched = client_for(bob).get(reverse("loans:request"), {"lender": policy.organisation.slug, "q": "TEST 2"})
    assert "Portrait study 2" in searched.text
    assert "Portrait study 1" not in searched.text


def test_a_short_notice_request_is_drafted_with_a_warning(
    bob: User, portraits: list[CollectionObject], policy: LoansPolicy
) -> None:
    start = date.today() + timedelta(weeks=10)
    response = client_for(bob).post(
        f"{reverse('loans:request')}?lender={policy.organisation.slug}",
        {
            "borrower": bob.memberships.get().organisation_id,
            "objects": [portraits[0].pk],
            "purpose": "exhibition",
            "exhibition_title": "Northern Faces",
            "requested_start": start.isoformat(),
            "requested_end": (start + timedelta(days=90)).isoformat(),
        },
        follow=True,
    )
    loan = Loan.objects.get()
    assert loan.reference == f"LO-{date.today().year}-0001"
    assert loan.status == Status.DRAFT
    assert [lo.object for lo in loan.loan_objects.all()] == [portraits[0]]
    assert "Short notice" in response.text
    assert "asks for 52 weeks" in response.text


def test_the_request_form_says_what_is_missing(bob: User, portraits: list[CollectionObject]) -> None:
    lender = portraits[0].owner
    response = client_for(bob).post(f"{reverse('loans:request')}?lender={lender.slug}", {"purpose": "exhibition"})
    assert "Choose at least one object to borrow." in response.text
    assert "Enter the date the loan should start." in response.text
    assert not Loan.objects.exists()


def test_charlie_cannot_request_a_loan(charlie: User) -> None:
    assert client_for(charlie).get(reverse("loans:request")).status_code == 403


def test_either_side_can_change_the_details(alice: User, bob: User, charlie: User, loan: Loan) -> None:
    url = reverse("loans:edit", args=[loan.pk])
    assert client_for(bob).get(url).status_code == 200
    assert client_for(charlie).get(url).status_code == 404
    response = client_for(alice).post(
        url,
        {
            "agreed_start": START.isoformat(),
            "agreed_end": (START + timedelta(days=100)).isoformat(),
            "insurance": "commercial",
            "credit_line": "Lent by the National Portrait Gallery, London",
            "loan_fee": "1200",
        },
    )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert (loan.agreed_start, loan.insurance, loan.loan_fee) == (START, "commercial", Decimal("1200"))
    bad = client_for(alice).post(
        url, {"agreed_start": START.isoformat(), "agreed_end": (START - timedelta(days=1)).isoformat()}
    )
    assert "Enter an agreed end date on or after the agreed start date." in bad.text


def test_a_condition_check_is_recorded(bob: User, loan: Loan) -> None:
    loan_object = loan.loan_objects.first()
    assert loan_object is not None
    url = reverse("loans:condition", args=[loan.pk])
    assert client_for(bob).get(url, {"object": str(loan_object.pk), "stage": "arrival"}).status_code == 200
    response = client_for(bob).post(
        url,
        {
            "loan_object": loan_object.pk,
            "stage": Stage.ARRIVAL,
            "checked_on": date.today().isoformat(),
            "condition": "Stable.",
        },
    )
    assert response.status_code == 302
    assert ConditionCheck.objects.get().condition == "Stable."


def test_a_document_is_uploaded_and_opened_only_by_the_parties(
    alice: User, bob: User, charlie: User, loan: Loan, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    upload = SimpleUploadedFile("agreement.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = client_for(alice).post(
        reverse("loans:document", args=[loan.pk]), {"kind": "agreement", "title": "Signed agreement", "file": upload}
    )
    assert response.status_code == 302
    document = LoanDocument.objects.get()
    url = reverse("loans:document_file", args=[loan.pk, document.pk])
    assert b"".join(client_for(bob).get(url).streaming_content) == b"%PDF-1.4 signed"  # type: ignore[attr-defined]
    assert client_for(charlie).get(url).status_code == 404


def test_the_agreement_and_letter_are_pdfs_and_the_borrowers_copy_has_no_valuations(
    alice: User, bob: User, loan: Loan
) -> None:
    for name in ("loans:agreement_pdf", "loans:letter_pdf"):
        response = client_for(alice).get(reverse(name, args=[loan.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from museumshare.loans.views import _document_context

    for user, shown in ((alice, True), (bob, False)):
        request = RequestFactory().get("/")
        request.user = user
        html = render_to_string("loans/pdf/agreement.html", _document_context(request, loan))
        assert (VALUATION in html) is shown
        assert ("borrower’s copy" in html) is not shown


def test_the_catalogue_and_policy_are_for_the_owners_editors(
    alice: User, bob: User, portrait_gallery: Organisation, portraits: list[CollectionObject]
) -> None:
    page = client_for(alice).get(reverse("loans:objects"))
    assert "Portrait study 1" in page.text
    assert VALUATION in page.text
    assert "Portrait study 1" not in client_for(bob).get(reverse("loans:objects")).text
    response = client_for(alice).post(
        f"{reverse('loans:object_add')}?organisation={portrait_gallery.slug}",
        {"accession_number": "NPG 9999", "title": "A new portrait", "lendable": "on"},
    )
    assert response.status_code == 302
    assert CollectionObject.objects.filter(owner=portrait_gallery, accession_number="NPG 9999").exists()
    duplicate = client_for(alice).post(
        f"{reverse('loans:object_add')}?organisation={portrait_gallery.slug}",
        {"accession_number": "NPG 9999", "title": "Again"},
    )
    assert "already exists" in duplicate.text
    assert client_for(bob).get(reverse("loans:object_edit", args=[portraits[0].pk])).status_code == 403
    policy_url = reverse("loans:policy", args=[portrait_gallery.slug])
    assert client_for(bob).get(policy_url).status_code == 403
    client_for(alice).post(policy_url, {"notice_weeks": "30", "costs": "Couriers."})
    assert LoansPolicy.objects.get(organisation=portrait_gallery).notice_weeks == 30


def test_the_organisation_page_shows_the_policy_to_all_and_loans_to_members(
    alice: User, charlie: User, loan: Loan, bob: User, policy: LoansPolicy
) -> None:
    url = reverse("loans:for_organisation", args=[policy.organisation.slug])
    public = Client().get(url, headers={"HX-Request": "true"})
    assert "52 weeks" in public.text
    assert loan.reference not in public.text
    assert loan.reference not in client_for(charlie).get(url, headers={"HX-Request": "true"}).text
    assert loan.reference in client_for(alice).get(url, headers={"HX-Request": "true"}).text
    assert (
        reverse("loans:for_organisation", args=[policy.organisation.slug])
        in Client().get(policy.organisation.get_absolute_url()).text
    )


def test_an_organisation_page_lists_its_recent_loans_out_for_everyone(
    client: Client, portraits: list[CollectionObject], request_loan: Callable[..., Loan], portrait_gallery: Organisation
) -> None:
    away = request_loan(portraits[:2], exhibition_title="Faces of the North")
    Loan.objects.filter(pk=away.pk).update(
        status=Status.ON_LOAN,
        agreed_start=date.today() - timedelta(days=10),
        agreed_end=date.today() + timedelta(days=90),
    )
    request_loan(portraits[2:], exhibition_title="A request still being assessed")

    html = client.get(
        reverse("loans:for_organisation", args=[portrait_gallery.slug]), HTTP_HX_REQUEST="true"
    ).content.decode()

    assert "Faces of the North" in html
    assert "2 objects lent to Laing Art Gallery" in html
    assert "A request still being assessed" not in html
    assert "250,000" not in html
