import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from museumshare.accounts.models import User
from museumshare.activities.models import Activity, Kind, Partner, PartnerRole, Status, Visibility
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.activities.views import ActivityPage
from museumshare.core.models import AuditEntry
from museumshare.organisations.forms import organisation_label
from museumshare.organisations.models import Organisation, Venue


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def record(actor: User, lead: Organisation, *partners: Organisation, **extra: Any) -> Activity:
    data = {
        "title": "Portraits of the North",
        "kind": Kind.CO_PRODUCED_EXHIBITION,
        "lead": lead,
        "start_date": date(2020, 9, 1),
        "end_date": date(2021, 5, 31),
        "visibility": Visibility.PARTNERS,
    } | extra
    places = [PlaceSpec(organisation=partner) for partner in partners]
    return activity_create(actor=actor, data=data, partners=[(p, PartnerRole.HOST) for p in partners], places=places)


def as_posted(page: ActivityPage) -> dict[str, str]:
    """The activity form and its rows as a browser would post them, unchanged."""
    data: dict[str, str] = {}
    for formset in (page.partners, page.places):
        management = formset.management_form
        data |= {management.add_prefix(name): str(management[name].value()) for name in management.fields}
    for form in (page.form, *page.partners.forms, *page.places.forms):
        for field in form:
            value = field.value()
            if value is True:
                data[field.html_name] = "on"
            elif value not in (None, False):
                data[field.html_name] = value.isoformat() if isinstance(value, date) else str(value)
    return data


def titles(response: Any) -> list[str]:
    return [activity.title for activity in response.context["page"].paginator.object_list]


def form_data(lead: Organisation, **extra: str) -> dict[str, str]:
    """A complete create form, as the browser posts it, with one partner row and one place row."""
    return {
        "title": "Faces of Tyneside",
        "kind": Kind.TOURING_EXHIBITION,
        "lead": organisation_label(lead),
        "start_date": "2021-04-01",
        "end_date": "2021-09-30",
        "status": Status.ACTIVE,
        "visibility": Visibility.PARTNERS,
        "partners-TOTAL_FORMS": "1",
        "partners-INITIAL_FORMS": "0",
        "partners-0-organisation": "",
        "partners-0-role": PartnerRole.PARTNER,
        "places-TOTAL_FORMS": "1",
        "places-INITIAL_FORMS": "0",
        "places-0-organisation": "",
        "places-0-local_authority": "",
        "places-0-country": "",
    } | extra


@pytest.fixture
def three(alice: User, bob: User, portrait_gallery: Organisation, laing: Organisation) -> dict[str, Activity]:
    """Alice's exhibition with Laing, Alice's private research, and Bob's public learning programme."""
    return {
        "exhibition": record(alice, portrait_gallery, laing, funding_amount=Decimal("1200.00")),
        "research": record(
            alice,
            portrait_gallery,
            title="Who painted whom",
            kind=Kind.RESEARCH_PROJECT,
            start_date=date(2019, 1, 10),
            end_date=date(2019, 12, 20),
            visibility=Visibility.PRIVATE,
            status=Status.COMPLETED,
        ),
        "learning": activity_create(
            actor=bob,
            data={
                "title": "Sketching Saturdays",
                "kind": Kind.LEARNING_PROGRAMME,
                "lead": laing,
                "start_date": date(2022, 5, 1),
                "visibility": Visibility.PUBLIC,
                "description": "Drawing in the galleries for families.",
            },
            places=[PlaceSpec(district_code="S12000047")],  # Fife
        ),
    }


def test_the_list_shows_a_count_and_filters_by_reporting_year_kind_and_area(
    client: Client, alice: User, three: dict[str, Activity]
) -> None:
    client = signed_in(client, alice)
    url = reverse("activities:list")

    everything = client.get(url)
    in_2020_21 = client.get(url, {"year": "2020-21"})
    research = client.get(url, {"area": "research"})
    learning = client.get(url, {"kind": Kind.LEARNING_PROGRAMME})
    completed = client.get(url, {"status": Status.COMPLETED})

    assert "3 activities" in everything.content.decode()
    assert titles(in_2020_21) == ["Portraits of the North"]
    assert "1 activity" in in_2020_21.content.decode()
    assert "Reporting year: 2020/21" in in_2020_21.content.decode()
    assert titles(research) == ["Who painted whom"]
    assert titles(learning) == ["Sketching Saturdays"]
    assert titles(completed) == ["Who painted whom"]


def test_the_list_filters_by_organisation_partner_national_museum_and_visibility(
    client: Client, alice: User, three: dict[str, Activity], laing: Organisation
) -> None:
    client = signed_in(client, alice)
    url = reverse("activities:list")

    involving_laing = client.get(url, {"organisation": laing.slug})
    laing_as_partner = client.get(url, {"partner": organisation_label(laing)})
    national = client.get(url, {"national": "on"})
    public = client.get(url, {"visibility": Visibility.PUBLIC})

    assert titles(involving_laing) == ["Sketching Saturdays", "Portraits of the North"]
    assert titles(laing_as_partner) == ["Portraits of the North"]
    assert titles(national) == ["Portraits of the North", "Who painted whom"]
    assert titles(public) == ["Sketching Saturdays"]


def test_the_list_searches_titles_and_descriptions_and_filters_by_where_it_happened(
    client: Client, alice: User, three: dict[str, Activity]
) -> None:
    client = signed_in(client, alice)
    url = reverse("activities:list")

    assert titles(client.get(url, {"q": "FAMILIES drawing"})) == ["Sketching Saturdays"]
    assert titles(client.get(url, {"q": "portraits north"})) == ["Portraits of the North"]
    assert titles(client.get(url, {"nation": "Scotland"})) == ["Sketching Saturdays"]
    assert titles(client.get(url, {"region": "E12000001"})) == ["Portraits of the North"]  # North East
    assert titles(client.get(url, {"local_authority": "E08000021"})) == ["Portraits of the North"]


def test_the_list_sorts_by_start_date_either_way_and_by_title(
    client: Client, alice: User, three: dict[str, Activity]
) -> None:
    client = signed_in(client, alice)
    url = reverse("activities:list")

    assert titles(client.get(url)) == ["Sketching Saturdays", "Portraits of the North", "Who painted whom"]
    assert titles(client.get(url, {"sort": "oldest"})) == [
        "Who painted whom",
        "Portraits of the North",
        "Sketching Saturdays",
    ]
    assert titles(client.get(url, {"sort": "title"})) == [
        "Portraits of the North",
        "Sketching Saturdays",
        "Who painted whom",
    ]


def test_an_unknown_organisation_is_explained_and_the_other_filters_still_apply(
    client: Client, alice: User, three: dict[str, Activity]
) -> None:
    response = signed_in(client, alice).get(
        reverse("activities:list"), {"organisation": "Lang Art Gallery", "kind": Kind.RESEARCH_PROJECT}
    )

    html = response.content.decode()
    assert "No organisation is called" in html
    assert "Did you mean" in html
    assert titles(response) == ["Who painted whom"]


def test_each_page_of_25_keeps_the_filters_in_its_links(
    client: Client, alice: User, portrait_gallery: Organisation
) -> None:
    for n in range(30):
        record(alice, portrait_gallery, title=f"Loan {n}", kind=Kind.LOAN_DISPLAY_UK, start_date=date(2020, 5, 1))

    response = signed_in(client, alice).get(reverse("activities:list"), {"area": "collections"})

    html = response.content.decode()
    assert len(response.context["page"].object_list) == 25
    assert "30 activities" in html
    assert 'href="?area=collections&amp;page=2"' in html
    assert "download=csv" in html


def test_the_list_runs_the_same_number_of_queries_however_many_activities_it_shows(
    client: Client,
    bob: User,
    portrait_gallery: Organisation,
    laing: Organisation,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = signed_in(client, bob)
    url = reverse("activities:list")
    record(bob, laing, portrait_gallery)
    client.get(url)  # sessions and the like, once

    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(24):
        record(bob, laing, portrait_gallery, title=f"Exhibition {n}")
    with django_assert_max_num_queries(12) as many:
        client.get(url)

    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_empty_list_invites_an_editor_to_record_an_activity(client: Client, bob: User, charlie: User) -> None:
    as_bob = signed_in(client, bob).get(reverse("activities:list")).content.decode()
    as_charlie = signed_in(Client(), charlie).get(reverse("activities:list")).content.decode()

    assert "No activities yet." in as_bob
    assert f'href="{reverse("activities:create")}"' in as_bob
    assert "No activities yet." in as_charlie
    assert f'href="{reverse("activities:create")}"' not in as_charlie


def test_the_download_is_named_for_its_filters_and_holds_the_filtered_list(
    client: Client, alice: User, three: dict[str, Activity], laing: Organisation
) -> None:
    client = signed_in(client, alice)
    url = reverse("activities:list")

    as_csv = client.get(url, {"organisation": laing.slug, "download": "csv"})
    as_xlsx = client.get(url, {"organisation": laing.slug, "year": "2020-21", "download": "xlsx"})

    assert as_csv["Content-Disposition"] == (
        f'attachment; filename="museumshare-activities-laing-art-gallery-{date.today().isoformat()}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == ["Sketching Saturdays", "Portraits of the North"]
    exhibition = rows[1]
    assert exhibition["lead"] == "National Portrait Gallery"
    assert exhibition["partners"] == "Laing Art Gallery (host)"
    assert exhibition["reporting_years"] == "2020/21; 2021/22"
    assert exhibition["funding_amount"] == "1200.00"
    assert exhibition["places"] == "Laing Art Gallery"
    assert as_xlsx["Content-Disposition"] == (
        f'attachment; filename="museumshare-activities-laing-art-gallery-2020-21-{date.today().isoformat()}.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    assert [cell.value for cell in sheet[1]][:4] == ["id", "ref", "title", "kind"]
    assert sheet.max_row == 2
    assert sheet["C2"].value == "Portraits of the North"


@pytest.mark.parametrize(
    ("person", "seen"),
    [
        ("anonymous", {"Sketching Saturdays"}),
        ("charlie", {"Sketching Saturdays"}),
        ("bob", {"Sketching Saturdays", "Portraits of the North"}),
        ("alice", {"Sketching Saturdays", "Portraits of the North", "Who painted whom"}),
        ("analyst", {"Sketching Saturdays", "Portraits of the North", "Who painted whom"}),
    ],
)
def test_list_download_and_pages_show_each_person_only_what_they_may_see(
    client: Client, cast: dict[str, User], three: dict[str, Activity], person: str, seen: set[str]
) -> None:
    if person != "anonymous":
        client = signed_in(client, cast[person])

    listed = set(titles(client.get(reverse("activities:list"))))
    downloaded = client.get(reverse("activities:list"), {"download": "csv"}).content.decode("utf-8-sig")
    status = {a.title: client.get(a.get_absolute_url()).status_code for a in three.values()}

    assert listed == seen
    assert {row["title"] for row in csv.DictReader(io.StringIO(downloaded))} == seen
    assert {title for title, code in status.items() if code == 200} == seen
    assert {title for title, code in status.items() if code == 404} == set(status) - seen


def test_an_activity_page_shows_its_details_in_plain_words(
    client: Client, bob: User, three: dict[str, Activity]
) -> None:
    response = signed_in(client, bob).get(three["exhibition"].get_absolute_url())

    html = response.content.decode()
    for text in (
        "Portraits of the North",
        "Co-produced exhibition or display",
        "Sharing collections",
        "1 September 2020 to 31 May 2021",
        "2020/21, 2021/22",
        "Partners only",
        "£1,200",
        "National Portrait Gallery",
        "Host",
        "North East",
        "Recorded the activity",
        "Alice Ashby",
    ):
        assert text in html
    assert response.context["map"]["points"][0]["name"] == "Laing Art Gallery"


def test_the_public_see_a_public_activity_but_not_who_changed_it(client: Client, three: dict[str, Activity]) -> None:
    response = client.get(three["learning"].get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Fife" in html
    assert "Bob Bell" not in html
    assert "Change this activity" not in html


def test_alice_records_an_activity_with_partners_and_places(
    client: Client, alice: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    data = form_data(
        portrait_gallery,
        **{
            "partners-TOTAL_FORMS": "2",
            "partners-0-organisation": organisation_label(laing),
            "partners-0-role": PartnerRole.HOST,
            "partners-1-organisation": "",
            "partners-1-role": PartnerRole.PARTNER,
            "places-TOTAL_FORMS": "2",
            "places-0-organisation": laing.slug,
            "places-1-organisation": "",
            "places-1-local_authority": "",
            "places-1-country": "FR",
            "funding_amount": "1200",
        },
    )

    response = signed_in(client, alice).post(reverse("activities:create"), data, follow=True)

    activity = Activity.objects.get()
    assert response.redirect_chain == [(activity.get_absolute_url(), 302)]
    assert "Activity recorded. Partners can now see it and add their own details." in response.content.decode()
    assert sorted(activity.partners.values_list("organisation__name", "role")) == [
        ("Laing Art Gallery", "host"),
        ("National Portrait Gallery", "lead"),
    ]
    assert sorted(activity.places.values_list("name", flat=True)) == ["France", "Laing Art Gallery"]
    assert activity.funding_amount == Decimal("1200")
    assert AuditEntry.objects.get(action="activity.create").actor == alice


def test_the_lead_starts_as_the_organisation_alice_edits_for(
    client: Client, alice: User, portrait_gallery: Organisation
) -> None:
    response = signed_in(client, alice).get(reverse("activities:create"))

    assert response.context["page"].form["lead"].value() == organisation_label(portrait_gallery)
    assert 'id="organisation-options"' in response.content.decode()


def test_alice_cannot_record_an_activity_for_an_organisation_she_does_not_edit_for(
    client: Client, alice: User, laing: Organisation
) -> None:
    response = signed_in(client, alice).post(reverse("activities:create"), form_data(laing))

    html = response.content.decode()
    assert response.status_code == 200
    assert "You can only record activities for organisations you edit for" in html
    assert 'href="#id_lead"' in html
    assert not Activity.objects.exists()


def test_every_mistake_is_in_the_error_summary_with_a_link_to_its_field(
    client: Client, alice: User, portrait_gallery: Organisation
) -> None:
    data = form_data(
        portrait_gallery,
        title="",
        end_date="2020-01-01",
        **{
            "partners-0-organisation": "Nowhere Museum of Nothing",
            "places-0-local_authority": "E08000021",
            "places-0-country": "FR",
        },
    )

    response = signed_in(client, alice).post(reverse("activities:create"), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["problems"] == [
        ("id_title", "Enter a title, such as the exhibition's name."),
        ("id_end_date", "Enter an end date on or after the start date."),
        ("id_partners-0-organisation", "Partner 1: No organisation is called 'Nowhere Museum of Nothing'."),
        (
            "id_places-0-organisation",
            "Place 1: Give one of an organisation, a local authority or a country for each place.",
        ),
    ]
    assert "<title>Error: Record an activity" in html
    assert 'href="#id_partners-0-organisation"' in html
    assert not Activity.objects.exists()


def test_add_another_partner_keeps_what_was_typed_and_adds_a_blank_row(
    client: Client, alice: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    data = form_data(portrait_gallery, title="", **{"partners-0-organisation": laing.slug, "add_partner": "yes"})

    response = signed_in(client, alice).post(reverse("activities:create"), data)

    page = response.context["page"]
    assert response.status_code == 200
    assert not Activity.objects.exists()
    assert response.context["problems"] == []
    assert len(page.partners.forms) == 2
    assert len(page.places.forms) == 1
    assert page.partners.forms[0]["organisation"].value() == laing.slug
    assert page.form["start_date"].value() == "2021-04-01"
    assert 'name="partners-TOTAL_FORMS" value="2"' in response.content.decode()


def test_add_another_place_adds_a_place_row(client: Client, alice: User, portrait_gallery: Organisation) -> None:
    data = form_data(portrait_gallery, **{"places-0-country": "FR", "add_place": "yes"})

    response = signed_in(client, alice).post(reverse("activities:create"), data)

    page = response.context["page"]
    assert len(page.places.forms) == 2
    assert page.places.forms[0]["country"].value() == "FR"
    assert not Activity.objects.exists()


def test_only_people_who_edit_for_an_organisation_may_record_activities(
    client: Client, charlie: User, analyst: User
) -> None:
    anonymous = client.get(reverse("activities:create"))

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    assert signed_in(Client(), charlie).get(reverse("activities:create")).status_code == 403
    assert signed_in(Client(), analyst).get(reverse("activities:create")).status_code == 403


def test_a_partner_sees_an_activity_but_may_not_change_it_and_outsiders_are_told_it_is_not_there(
    client: Client, bob: User, charlie: User, three: dict[str, Activity]
) -> None:
    exhibition = three["exhibition"]
    edit = reverse("activities:edit", args=[exhibition.pk])
    delete = reverse("activities:delete", args=[exhibition.pk])
    as_bob, as_charlie = signed_in(client, bob), signed_in(Client(), charlie)

    assert as_bob.get(exhibition.get_absolute_url()).status_code == 200
    assert as_bob.get(edit).status_code == 403
    assert as_bob.post(delete).status_code == 403
    assert as_charlie.get(edit).status_code == 404
    assert as_charlie.post(delete).status_code == 404
    assert Activity.objects.filter(pk=exhibition.pk).exists()


def test_alice_changes_her_activity_and_its_history_says_what_changed(
    client: Client, alice: User, three: dict[str, Activity], laing: Organisation
) -> None:
    exhibition = three["exhibition"]
    client = signed_in(client, alice)
    url = reverse("activities:edit", args=[exhibition.pk])
    page = client.get(url).context["page"]
    assert page.form["lead"].value() == organisation_label(exhibition.lead)
    assert page.partners.forms[0]["organisation"].value() == organisation_label(laing)
    data = as_posted(page) | {
        "title": "Portraits of the North East",
        "visitors": "5000",
        "partners-0-role": PartnerRole.PARTNER,
    }
    places_before = list(exhibition.places.values_list("pk", flat=True))

    response = client.post(url, data, follow=True)

    exhibition.refresh_from_db()
    assert exhibition.title == "Portraits of the North East"
    assert exhibition.partners.get(organisation=laing).role == PartnerRole.PARTNER
    assert list(exhibition.places.values_list("pk", flat=True)) == places_before
    html = response.content.decode()
    assert "Your changes are saved." in html
    assert "Changed the activity" in html
    assert "Title changed from Portraits of the North to Portraits of the North East" in html
    assert "Visitors set to 5,000" in html
    assert "Partners: Laing Art Gallery is now partner (was host)" in html


def test_saving_the_edit_form_unchanged_changes_nothing(
    client: Client, alice: User, three: dict[str, Activity]
) -> None:
    exhibition = three["exhibition"]
    client = signed_in(client, alice)
    url = reverse("activities:edit", args=[exhibition.pk])
    page = client.get(url).context["page"]

    response = client.post(url, as_posted(page), follow=True)

    assert "Nothing had changed, so nothing was saved." in response.content.decode()
    assert not AuditEntry.objects.filter(action="activity.update").exists()


def test_an_activity_page_runs_the_same_number_of_queries_however_many_partners_it_has(
    client: Client,
    bob: User,
    laing: Organisation,
    register: dict[str, Organisation],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = signed_in(client, bob)
    others = [org for org in register.values() if org != laing and org.nation][:12]
    small = record(bob, laing, *others[:1])
    large = record(bob, laing, *others)
    client.get(small.get_absolute_url())

    with django_assert_max_num_queries(14) as few:
        client.get(small.get_absolute_url())
    with django_assert_max_num_queries(14) as many:
        client.get(large.get_absolute_url())

    assert len(many.captured_queries) == len(few.captured_queries)


def test_alice_deletes_her_activity_after_confirming(client: Client, alice: User, three: dict[str, Activity]) -> None:
    exhibition = three["exhibition"]
    client = signed_in(client, alice)
    url = reverse("activities:delete", args=[exhibition.pk])

    confirmation = client.get(url)
    response = client.post(url, follow=True)

    assert "Are you sure you want to delete this activity?" in confirmation.content.decode()
    assert response.redirect_chain == [(reverse("activities:list"), 302)]
    assert "‘Portraits of the North’ is deleted from the register." in response.content.decode()
    assert not Activity.objects.filter(pk=exhibition.pk).exists()
    assert AuditEntry.objects.filter(action="activity.delete", actor=alice).exists()


def test_bob_adds_laings_venue_and_visitors_to_alices_exhibition(
    client: Client, bob: User, three: dict[str, Activity], laing: Organisation
) -> None:
    exhibition = three["exhibition"]
    venue = Venue.objects.create(organisation=laing, name="Laing Art Gallery, main galleries")
    partner = exhibition.partners.get(organisation=laing)
    url = reverse("activities:partner", args=[exhibition.pk, partner.pk])
    client = signed_in(client, bob)

    detail = client.get(exhibition.get_absolute_url()).content.decode()
    response = client.post(url, {"venue": venue.pk, "visitors": "12000", "participants": "4"}, follow=True)

    assert f'href="{url}"' in detail
    assert "Add your details" in detail
    partner.refresh_from_db()
    assert (partner.venue, partner.visitors, partner.participants) == (venue, 12000, 4)
    html = response.content.decode()
    assert "Laing Art Gallery’s details are saved." in html
    assert "12,000" in html
    assert "Laing Art Gallery: visitors set to 12,000" in html


def test_a_partner_may_not_change_another_partners_details(
    client: Client, bob: User, charlie: User, three: dict[str, Activity], portrait_gallery: Organisation
) -> None:
    exhibition = three["exhibition"]
    lead_row = exhibition.partners.get(organisation=portrait_gallery)
    url = reverse("activities:partner", args=[exhibition.pk, lead_row.pk])

    assert signed_in(client, bob).post(url, {"visitors": "1"}).status_code == 403
    assert signed_in(Client(), charlie).get(url).status_code == 404
    lead_row.refresh_from_db()
    assert lead_row.visitors is None


def test_a_partner_details_form_offers_only_its_own_venues(
    client: Client, bob: User, three: dict[str, Activity], laing: Organisation, portrait_gallery: Organisation
) -> None:
    exhibition = three["exhibition"]
    partner = exhibition.partners.get(organisation=laing)
    Venue.objects.create(organisation=laing, name="Laing Art Gallery, main galleries")
    elsewhere = Venue.objects.filter(organisation=portrait_gallery).first() or Venue.objects.create(
        organisation=portrait_gallery, name="Somewhere else"
    )
    url = reverse("activities:partner", args=[exhibition.pk, partner.pk])

    response = signed_in(client, bob).post(url, {"venue": elsewhere.pk})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert Partner.objects.get(pk=partner.pk).venue is None


def test_an_organisation_without_venues_is_not_asked_for_one(
    client: Client, bob: User, three: dict[str, Activity], laing: Organisation
) -> None:
    exhibition = three["exhibition"]
    partner = exhibition.partners.get(organisation=laing)

    response = signed_in(client, bob).get(reverse("activities:partner", args=[exhibition.pk, partner.pk]))

    assert list(response.context["form"].fields) == ["visitors", "participants"]


def test_an_organisation_page_loads_its_partnerships_as_a_fragment(
    client: Client, charlie: User, alice: User, three: dict[str, Activity], portrait_gallery: Organisation
) -> None:
    url = reverse("activities:for_organisation", args=[portrait_gallery.slug])
    page = client.get(portrait_gallery.get_absolute_url()).content.decode()

    as_charlie = signed_in(client, charlie).get(url, headers={"HX-Request": "true"})
    as_alice = signed_in(Client(), alice).get(url, headers={"HX-Request": "true"})
    without_htmx = client.get(url)

    assert f'hx-get="{url}"' in page
    assert 'hx-trigger="load"' in page
    assert "<html" not in as_charlie.content.decode()
    assert "No partnership activity involving National Portrait Gallery" in as_charlie.content.decode()
    assert [a.title for a in as_alice.context["activities"]] == ["Portraits of the North", "Who painted whom"]
    assert "Lead" in as_alice.content.decode()
    assert without_htmx.status_code == 302
    assert without_htmx["Location"] == f"{reverse('activities:list')}?organisation={portrait_gallery.slug}"


def test_the_header_links_to_the_activities(client: Client, db: None) -> None:
    html = client.get(reverse("activities:list")).content.decode()

    assert f'<a href="{reverse("activities:list")}" aria-current="page">Activities</a>' in html
