"""The opportunities board, an opportunity's page, offering one, and the application journey's pages."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from museumshare.accounts.models import User
from museumshare.organisations.models import Organisation
from museumshare.programmes import services
from museumshare.programmes.models import (
    Application,
    ApplicationStatus,
    Eligibility,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    SkillsArea,
)
from museumshare.programmes.tests.test_applications import TODAY, apply, offer, staff_at

STATEMENT = "I catalogue prints at the Laing and want to learn how a national gallery cares for them."


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def said(response: object) -> str:
    """The messages a response left for the next page."""
    return " ".join(str(m) for m in get_messages(response.wsgi_request))  # type: ignore[attr-defined]


@pytest.fixture
def internship(alice: User, portrait_gallery: Organisation) -> Opportunity:
    return offer(alice, portrait_gallery, title="Paid internship in collections care")


@pytest.fixture
def workshop(bob: User, laing: Organisation) -> Opportunity:
    return offer(
        bob,
        laing,
        title="Digital cataloguing workshop",
        description="A day learning to catalogue a collection online.",
        kind=OpportunityKind.WORKSHOP,
        skills_area=SkillsArea.DIGITAL,
        paid=False,
        pay="",
        eligibility=Eligibility.OPEN,
        closing_date=TODAY + timedelta(days=7),
        start_date=TODAY + timedelta(days=20),
        end_date=None,
    )


@pytest.fixture
def application(bob: User, laing: Organisation, internship: Opportunity) -> Application:
    return apply(bob, internship, laing)


# The board


def test_anyone_signed_out_browses_the_board_and_never_sees_a_draft(
    alice: User, portrait_gallery: Organisation, internship: Opportunity, workshop: Opportunity
) -> None:
    offer(alice, portrait_gallery, title="A draft nobody sees", status=OpportunityStatus.DRAFT)
    response = Client().get(reverse("programmes:board"))
    assert response.status_code == 200
    assert "2 opportunities open for applications" in response.text
    assert "Paid internship in collections care" in response.text
    assert "Digital cataloguing workshop" in response.text
    assert "A draft nobody sees" not in response.text
    assert f"Closes {workshop.closing_date:%-d %B %Y}" in response.text
    assert "Paid: £12.60 an hour" in response.text


def test_the_board_filters_by_search_kind_skills_area_region_paid_closing_soon_and_programme(
    alice: User, portrait_gallery: Organisation, laing: Organisation, internship: Opportunity, workshop: Opportunity
) -> None:
    programme = services.programme_create(
        actor=alice,
        data={"name": "Skills Sharing", "lead": portrait_gallery, "summary": "Placements.", "start_date": TODAY},
    )
    Opportunity.objects.filter(pk=internship.pk).update(programme=programme)
    client, url = Client(), reverse("programmes:board")

    def titles(**query: str) -> set[str]:
        text = client.get(url, query).text
        return {o.title for o in (internship, workshop) if o.title in text}

    both = {internship.title, workshop.title}
    assert titles() == both
    assert titles(q="cataloguing") == {workshop.title}
    assert titles(q="national portrait") == {internship.title}
    assert titles(kind="workshop") == {workshop.title}
    assert titles(skills_area="collections_care") == {internship.title}
    assert titles(region=laing.region_code) == {workshop.title}
    assert titles(paid="on") == {internship.title}
    assert titles(closing_soon="on") == {workshop.title}
    assert titles(programme=programme.slug) == {internship.title}
    assert titles(kind="workshop", paid="on") == set()
    response = client.get(url, {"kind": "workshop", "paid": "on"})
    assert "0 opportunities" in response.text
    assert "No opportunities match these filters" in response.text
    assert "Kind: Workshop" in response.text


def test_the_board_shows_closed_and_filled_opportunities_only_when_asked(
    internship: Opportunity, workshop: Opportunity
) -> None:
    Opportunity.objects.filter(pk=workshop.pk).update(status=OpportunityStatus.FILLED)
    url = reverse("programmes:board")
    assert workshop.title not in Client().get(url).text
    everything = Client().get(url, {"show": "all"})
    assert "2 opportunities" in everything.text
    assert workshop.title in everything.text
    assert "Filled" in everything.text


def test_the_board_says_what_to_do_when_nothing_is_open(db: None) -> None:
    response = Client().get(reverse("programmes:board"))
    assert "No opportunities are open for applications just now" in response.text


def test_the_board_counts_places_in_a_few_queries_however_many_opportunities(
    alice: User,
    portrait_gallery: Organisation,
    internship: Opportunity,
    django_assert_max_num_queries: object,
) -> None:
    for n in range(12):
        offer(alice, portrait_gallery, title=f"Placement {n}", kind=OpportunityKind.PLACEMENT)
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        response = Client().get(reverse("programmes:board"))
    assert "13 opportunities" in response.text


def test_the_board_downloads_the_list_as_csv(internship: Opportunity, workshop: Opportunity) -> None:
    response = Client().get(reverse("programmes:board"), {"kind": "workshop", "download": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert f"museumshare-opportunities-workshop-{date.today().isoformat()}.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == ["Digital cataloguing workshop"]
    assert rows[0]["host"] == "Laing Art Gallery"
    assert rows[0]["places_taken"] == "0"


def test_the_board_downloads_the_list_as_xlsx(internship: Opportunity, workshop: Opportunity) -> None:
    response = Client().get(reverse("programmes:board"), {"download": "xlsx"})
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("id", "title", "host")
    assert {row[1] for row in rows[1:]} == {internship.title, workshop.title}


# An opportunity's page


def test_the_opportunity_page_offers_an_apply_button_to_someone_who_may_apply(
    bob: User, internship: Opportunity
) -> None:
    response = client_for(bob).get(internship.get_absolute_url())
    assert reverse("programmes:apply", args=[internship.pk]) in response.text
    assert "Review the applications" not in response.text
    signed_out = Client().get(internship.get_absolute_url())
    assert "Sign in to apply" in signed_out.text


def test_the_opportunity_page_says_why_it_is_closed_and_offers_no_apply_button(
    bob: User, internship: Opportunity
) -> None:
    Opportunity.objects.filter(pk=internship.pk).update(status=OpportunityStatus.CLOSED)
    response = client_for(bob).get(internship.get_absolute_url())
    assert "This opportunity has closed, so it is not taking applications." in response.text
    assert reverse("programmes:apply", args=[internship.pk]) not in response.text


def test_the_opportunity_page_tells_someone_who_cannot_apply_why(charlie: User, internship: Opportunity) -> None:
    response = client_for(charlie).get(internship.get_absolute_url())
    assert "You cannot apply." in response.text
    assert reverse("programmes:apply", args=[internship.pk]) not in response.text


def test_managers_see_links_to_change_and_review_with_counts(
    alice: User, internship: Opportunity, application: Application
) -> None:
    response = client_for(alice).get(internship.get_absolute_url())
    assert reverse("programmes:opportunity_edit", args=[internship.pk]) in response.text
    assert reverse("programmes:applications_for", args=[internship.pk]) in response.text
    assert "1 application (1 submitted)" in response.text
    assert "0 of 2 places taken" in response.text


def test_a_draft_is_not_found_by_anyone_who_may_not_manage_it(
    alice: User, bob: User, portrait_gallery: Organisation
) -> None:
    draft = offer(alice, portrait_gallery, status=OpportunityStatus.DRAFT)
    assert Client().get(draft.get_absolute_url()).status_code == 404
    assert client_for(bob).get(draft.get_absolute_url()).status_code == 404
    assert client_for(bob).get(reverse("programmes:apply", args=[draft.pk])).status_code == 404
    assert client_for(alice).get(draft.get_absolute_url()).status_code == 200


# Offering and changing an opportunity


def form_data(organisation: Organisation, **changes: str) -> dict[str, str]:
    data = {
        "host": str(organisation.pk),
        "programme": "",
        "kind": "placement",
        "title": "Placement in the registrar's department",
        "description": "Four weeks alongside our registrars.",
        "skills_area": "registration",
        "places": "1",
        "start_date": (TODAY + timedelta(days=40)).isoformat(),
        "end_date": (TODAY + timedelta(days=68)).isoformat(),
        "duration": "4 weeks",
        "pay": "",
        "location": "London",
        "eligibility": "uk_museums",
        "closing_date": (TODAY + timedelta(days=20)).isoformat(),
        "status": "open",
        "contact_email": "",
    }
    return data | changes


def test_an_editor_offers_an_opportunity_for_their_own_museum(alice: User, portrait_gallery: Organisation) -> None:
    client = client_for(alice)
    page = client.get(reverse("programmes:opportunity_create"))
    assert page.status_code == 200
    assert "National Portrait Gallery" in page.text
    assert "Laing Art Gallery" not in page.text
    assert 'value="filled"' not in page.text
    response = client.post(reverse("programmes:opportunity_create"), form_data(portrait_gallery))
    created = Opportunity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert (created.host, created.created_by, created.status) == (portrait_gallery, alice, "open")
    assert "is saved and on the board" in said(response)


def test_it_refuses_a_host_the_editor_does_not_edit_for(alice: User, laing: Organisation) -> None:
    response = client_for(alice).post(reverse("programmes:opportunity_create"), form_data(laing))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_date": TODAY.isoformat()}, "Enter an end date on or after the start date."),
        ({"closing_date": (TODAY + timedelta(days=50)).isoformat()}, "Enter a closing date on or before the start"),
        ({"paid": "on"}, "Say what it pays"),
        ({"status": "filled"}, "Select a valid choice"),
        ({"eligibility": "members"}, "Choose a programme, or let staff of any UK museum apply"),
    ],
    ids=["ends-before-it-starts", "closes-after-it-starts", "paid-without-pay", "filled-by-hand", "members-alone"],
)
def test_the_opportunity_form_says_how_to_fix_each_problem(
    alice: User, portrait_gallery: Organisation, changes: dict[str, str], message: str
) -> None:
    response = client_for(alice).post(reverse("programmes:opportunity_create"), form_data(portrait_gallery, **changes))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert not Opportunity.objects.exists()


def test_an_administrator_types_any_host(admin_user: User, laing: Organisation) -> None:
    response = client_for(admin_user).post(
        reverse("programmes:opportunity_create"), form_data(laing, host=f"Laing Art Gallery [{laing.slug}]")
    )
    assert response.status_code == 302
    assert Opportunity.objects.get().host == laing


def test_the_opportunity_form_is_for_editors_and_managers_only(
    charlie: User, bob: User, internship: Opportunity
) -> None:
    assert client_for(charlie).get(reverse("programmes:opportunity_create")).status_code == 403
    assert client_for(bob).get(reverse("programmes:opportunity_edit", args=[internship.pk])).status_code == 403
    assert Client().get(reverse("programmes:opportunity_create")).status_code == 302


def test_the_host_changes_the_opportunity(alice: User, portrait_gallery: Organisation, internship: Opportunity) -> None:
    client = client_for(alice)
    page = client.get(reverse("programmes:opportunity_edit", args=[internship.pk]))
    assert internship.title in page.text
    response = client.post(
        reverse("programmes:opportunity_edit", args=[internship.pk]),
        form_data(portrait_gallery, title="Renamed internship", status="closed"),
    )
    assert response.status_code == 302
    internship.refresh_from_db()
    assert (internship.title, internship.status) == ("Renamed internship", "closed")
    assert "not taking applications" in said(response)


# Applying


def test_it_applies_in_two_steps_and_writes_nothing_until_confirmed(
    bob: User, laing: Organisation, internship: Opportunity
) -> None:
    client, url = client_for(bob), reverse("programmes:apply", args=[internship.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert "Your statement" in form.text
    check = client.post(url, {"organisation": laing.pk, "statement": STATEMENT})
    assert check.status_code == 200
    assert "Check your answers" in check.text
    assert "Laing Art Gallery" in check.text
    assert 'name="confirmed" value="yes"' in check.text
    assert not Application.objects.exists()
    change = client.post(url, {"organisation": laing.pk, "statement": STATEMENT, "change": "yes"})
    assert "Your statement" in change.text
    assert STATEMENT in change.text
    assert not Application.objects.exists()
    sent = client.post(url, {"organisation": laing.pk, "statement": STATEMENT, "confirmed": "yes"})
    application = Application.objects.get()
    assert sent["Location"] == application.get_absolute_url()
    assert (application.applicant, application.organisation, application.statement) == (bob, laing, STATEMENT)
    assert "Your application is sent to National Portrait Gallery" in said(sent)


def test_the_application_form_says_how_to_fix_a_missing_statement_or_organisation(
    bob: User, internship: Opportunity
) -> None:
    response = client_for(bob).post(reverse("programmes:apply", args=[internship.pk]), {"statement": ""})
    assert "Say why you want this place" in response.text
    assert "Choose the organisation you work for" in response.text
    assert not Application.objects.exists()


def test_applying_to_a_closed_opportunity_shows_why_and_writes_nothing(
    bob: User, laing: Organisation, internship: Opportunity
) -> None:
    Opportunity.objects.filter(pk=internship.pk).update(closing_date=TODAY - timedelta(days=1))
    client, url = client_for(bob), reverse("programmes:apply", args=[internship.pk])
    why = f"Applications closed on {TODAY - timedelta(days=1):%-d %B %Y}, so it is not taking applications."
    for response in (
        client.get(url),
        client.post(url, {"organisation": laing.pk, "statement": STATEMENT, "confirmed": "yes"}),
    ):
        assert response.status_code == 200
        assert why in response.text
    assert not Application.objects.exists()


def test_someone_who_already_applied_is_sent_to_their_application(
    bob: User, laing: Organisation, application: Application
) -> None:
    response = client_for(bob).post(
        reverse("programmes:apply", args=[application.opportunity_id]),
        {"organisation": laing.pk, "statement": STATEMENT, "confirmed": "yes"},
    )
    assert response["Location"] == application.get_absolute_url()
    assert Application.objects.count() == 1


def test_applying_needs_signing_in(internship: Opportunity) -> None:
    response = Client().get(reverse("programmes:apply", args=[internship.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# Following an application


def test_your_applications_lists_them_with_what_you_can_do_now(bob: User, application: Application) -> None:
    response = client_for(bob).get(reverse("programmes:my_applications"))
    assert application.opportunity.title in response.text
    assert "Submitted" in response.text
    assert reverse("programmes:application_move", args=[application.pk, "withdrawn"]) in response.text
    empty = client_for(User.objects.get(email="charlie@example.org")).get(reverse("programmes:my_applications"))
    assert "You have not applied for anything yet" in empty.text


def test_only_the_applicant_and_the_reviewers_see_an_application(
    alice: User, bob: User, charlie: User, application: Application
) -> None:
    assert STATEMENT[:10] not in client_for(charlie).get(application.get_absolute_url()).text
    assert client_for(charlie).get(application.get_absolute_url()).status_code == 404
    assert client_for(bob).get(application.get_absolute_url()).status_code == 200
    reviewer = client_for(alice).get(application.get_absolute_url())
    assert reviewer.status_code == 200
    assert application.statement in reviewer.text
    assert Client().get(application.get_absolute_url()).status_code == 302


def test_the_applicant_never_sees_the_hosts_notes(alice: User, bob: User, application: Application) -> None:
    response = client_for(alice).post(
        reverse("programmes:application_notes", args=[application.pk]), {"host_notes": "Ask about the prints."}
    )
    assert response.status_code == 302
    assert "The applicant cannot see them" in said(response)
    assert "Ask about the prints." in client_for(alice).get(application.get_absolute_url()).text
    applicants_view = client_for(bob).get(application.get_absolute_url())
    assert "Ask about the prints." not in applicants_view.text
    assert "private notes" not in applicants_view.text
    assert "Ask about the prints." not in client_for(bob).get(reverse("programmes:my_applications")).text
    refused = client_for(bob).post(
        reverse("programmes:application_notes", args=[application.pk]), {"host_notes": "Let me write here."}
    )
    assert refused.status_code == 403
    application.refresh_from_db()
    assert application.host_notes == "Ask about the prints."


def test_the_page_shows_the_timeline_and_the_steps_each_side_may_take(
    alice: User, bob: User, application: Application
) -> None:
    services.application_move(application=application, actor=alice, to="shortlisted", note="We liked it.")
    host = client_for(alice).get(application.get_absolute_url()).text
    assert "Offer a place" in host
    assert "Mark as unsuccessful" in host
    assert "Withdraw the application" not in host
    applicant = client_for(bob).get(application.get_absolute_url()).text
    assert "Withdraw the application" in applicant
    assert "Offer a place" not in applicant
    assert "Shortlisted" in applicant
    assert "We liked it." in applicant
    assert "by Alice Ashby" in applicant


def test_the_host_moves_an_application_on_and_the_applicant_is_told(alice: User, application: Application) -> None:
    response = client_for(alice).post(
        reverse("programmes:application_move", args=[application.pk, "offered"]), {"note": "Start on Monday."}
    )
    assert response["Location"] == application.get_absolute_url()
    assert "Bob Bell is offered a place" in said(response)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.OFFERED
    assert application.events.last().note == "Start on Monday."  # type: ignore[union-attr]


def test_withdrawing_asks_for_confirmation_first(bob: User, application: Application) -> None:
    client, url = client_for(bob), reverse("programmes:application_move", args=[application.pk, "withdrawn"])
    asked = client.post(url, {"note": "I have taken another post."})
    assert asked.status_code == 200
    assert "Are you sure you want to withdraw your application?" in asked.text
    assert "I have taken another post." in asked.text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    done = client.post(url, {"note": "I have taken another post.", "confirmed": "yes"})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert "Your application is withdrawn" in said(done)


def test_declining_asks_for_confirmation_first(alice: User, bob: User, application: Application) -> None:
    services.application_move(application=application, actor=alice, to="offered")
    url = reverse("programmes:application_move", args=[application.pk, "declined"])
    assert "Are you sure you want to decline the place?" in client_for(bob).post(url).text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.OFFERED
    client_for(bob).post(url, {"confirmed": "yes"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED


def test_a_refused_move_is_shown_as_an_error_and_changes_nothing(alice: User, application: Application) -> None:
    response = client_for(alice).post(
        reverse("programmes:application_move", args=[application.pk, "accepted"]), follow=True
    )
    assert "An application that is submitted cannot be accepted." in response.text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_move_by_the_wrong_side_is_forbidden(alice: User, bob: User, application: Application) -> None:
    assert (
        client_for(bob).post(reverse("programmes:application_move", args=[application.pk, "offered"])).status_code
        == 403
    )
    response = client_for(alice).post(
        reverse("programmes:application_move", args=[application.pk, "withdrawn"]), {"confirmed": "yes"}
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_moves_are_posted_only_and_outsiders_never_learn_an_application_exists(
    charlie: User, bob: User, application: Application
) -> None:
    url = reverse("programmes:application_move", args=[application.pk, "withdrawn"])
    assert client_for(bob).get(url).status_code == 405
    assert client_for(charlie).post(url, {"confirmed": "yes"}).status_code == 404
    assert client_for(charlie).post(reverse("programmes:application_notes", args=[application.pk])).status_code == 404
    assert (
        client_for(bob).post(reverse("programmes:application_move", args=[application.pk, "nonsense"])).status_code
        == 404
    )


# Reviewing the applications


def test_the_reviewers_list_shows_every_application_with_its_counts_and_buttons(
    alice: User, application: Application, dora_application: Application
) -> None:
    services.application_move(application=application, actor=alice, to="shortlisted")
    url = reverse("programmes:applications_for", args=[application.opportunity_id])
    response = client_for(alice).get(url)
    assert response.status_code == 200
    assert "2 applications" in response.text
    assert "Bob Bell" in response.text
    assert "Laing Art Gallery" in response.text
    assert "<details>" in response.text
    assert application.statement in response.text
    assert "Shortlisted (1)" in response.text
    assert "Submitted (1)" in response.text
    assert "0 of 2 places taken" in response.text
    assert reverse("programmes:application_move", args=[application.pk, "offered"]) in response.text
    shortlisted = client_for(alice).get(url, {"status": "shortlisted"})
    assert "1 shortlisted application" in shortlisted.text
    assert "Dora" not in shortlisted.text


def test_a_button_on_the_reviewers_list_comes_back_to_it(alice: User, application: Application) -> None:
    back = reverse("programmes:applications_for", args=[application.opportunity_id])
    response = client_for(alice).post(
        reverse("programmes:application_move", args=[application.pk, "shortlisted"]), {"next": back}
    )
    assert response["Location"] == back
    elsewhere = client_for(alice).post(
        reverse("programmes:application_move", args=[application.pk, "offered"]), {"next": "https://example.com/"}
    )
    assert elsewhere["Location"] == application.get_absolute_url()


def test_only_the_host_and_the_programmes_managers_see_the_reviewers_list(
    bob: User, charlie: User, application: Application
) -> None:
    url = reverse("programmes:applications_for", args=[application.opportunity_id])
    assert client_for(charlie).get(url).status_code == 403
    assert client_for(bob).get(url).status_code == 403
    signed_out = Client().get(url)
    assert signed_out.status_code == 302
    assert reverse("accounts:login") in signed_out["Location"]


@pytest.fixture
def dora_application(register: dict[str, Organisation], internship: Opportunity) -> Application:
    dora = staff_at(register["mm.wiki.435"], "Dora")
    return apply(dora, internship, register["mm.wiki.435"])
