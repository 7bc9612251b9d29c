import csv
import io
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from museumshare.accounts.models import User
from museumshare.core.models import AuditEntry
from museumshare.organisations.importer import import_organisations
from museumshare.organisations.models import Contact, Organisation


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_the_directory_finds_laing_ignoring_case(client: Client, register: dict[str, Organisation]) -> None:
    response = client.get(reverse("organisations:directory"), {"q": "LAING"})

    names = [org.name for org in response.context["page"].object_list]
    assert names == ["Laing Art Gallery", "Laing Museum"]
    assert "2 organisations" in response.content.decode()


@pytest.mark.django_db
def test_the_directory_search_ignores_accents(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "louvre.csv"
    path.write_text(
        "ref,name,kind,governance,is_national,nation,postcode,latitude,longitude,country,website\n"
        "louvre,Musée du Louvre,museum,,true,,75001,48.8606,2.3376,FR,\n",
        encoding="utf-8",
    )
    import_organisations(path=path)

    for query in ("musee", "MUSÉE du louvre", "Musee Louvre"):
        response = client.get(reverse("organisations:directory"), {"q": query})
        assert [org.name for org in response.context["page"].object_list] == ["Musée du Louvre"]


def test_the_directory_filters_to_welsh_national_museums(client: Client, register: dict[str, Organisation]) -> None:
    response = client.get(reverse("organisations:directory"), {"nation": "Wales", "national": "on"})

    orgs = list(response.context["page"].paginator.object_list)
    assert len(orgs) == 12  # Amgueddfa Cymru and its eleven sites
    assert {org.nation for org in orgs} == {"Wales"}
    assert all(org.is_national for org in orgs)
    assert "Dylan Thomas Boathouse" not in {org.name for org in orgs}


def test_the_directory_filters_by_local_authority_region_and_status(
    client: Client, register: dict[str, Organisation]
) -> None:
    by_district = client.get(reverse("organisations:directory"), {"local_authority": "E08000021"})
    closed_in_wales = client.get(reverse("organisations:directory"), {"region": "W92000004", "status": "closed"})

    assert [o.name for o in by_district.context["page"].object_list] == ["Laing Art Gallery"]
    closed = closed_in_wales.context["page"].paginator.object_list
    assert closed.count() == 4
    assert all(o.is_closed for o in closed)


def test_the_directory_downloads_the_filtered_list_as_csv_and_xlsx(
    client: Client, register: dict[str, Organisation]
) -> None:
    params = {"nation": "Wales", "national": "on"}
    as_csv = client.get(reverse("organisations:directory"), params | {"download": "csv"})
    as_xlsx = client.get(reverse("organisations:directory"), params | {"download": "xlsx"})

    assert as_csv["Content-Disposition"].startswith('attachment; filename="museumshare-organisations-wales-yes-')
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert len(rows) == 12
    assert {row["nation"] for row in rows} == {"Wales"}
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    assert sheet.max_row == 13
    assert sheet["B1"].value == "name"


def test_the_directory_runs_a_fixed_number_of_queries(
    client: Client, register: dict[str, Organisation], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(6):
        client.get(reverse("organisations:directory"), {"national": "on"})


def test_an_organisation_page_shows_its_place(client: Client, laing: Organisation) -> None:
    response = client.get(laing.get_absolute_url())

    html = response.content.decode()
    for text in ("Newcastle upon Tyne", "E08000021", "North East", "mm.domus.NE026"):
        assert text in html


def test_a_national_body_lists_its_sites(client: Client, register: dict[str, Organisation]) -> None:
    tate = Organisation.objects.get(external_id="national:tate")

    html = client.get(tate.get_absolute_url()).content.decode()

    for site in ("Tate Britain", "Tate Modern", "Tate St Ives", "Tate Liverpool", "Barbara Hepworth Museum"):
        assert site in html


def test_contacts_who_did_not_consent_are_shown_only_inside_the_organisation(
    client: Client, laing: Organisation, bob: User, charlie: User
) -> None:
    Contact.objects.create(
        organisation=laing, name="Public Person", role="Registrar", email="p@example.org", listed_publicly=True
    )
    Contact.objects.create(organisation=laing, name="Private Person", role="Curator", email="q@example.org")

    anonymous = client.get(laing.get_absolute_url()).content.decode()
    as_charlie = signed_in(Client(), charlie).get(laing.get_absolute_url()).content.decode()
    as_bob = signed_in(Client(), bob).get(laing.get_absolute_url()).content.decode()

    for html in (anonymous, as_charlie):
        assert "Public Person" in html
        assert "Private Person" not in html
    assert "Private Person" in as_bob


def test_alice_edits_her_museums_offer_and_it_is_audited(
    client: Client, alice: User, portrait_gallery: Organisation
) -> None:
    url = reverse("organisations:edit_offer", args=[portrait_gallery.slug])
    data = {"offers_loans": "Portraits for display across the UK.", "how_to_start": "Email the partnerships team."}

    response = signed_in(client, alice).post(url, data)

    assert response.status_code == 302
    portrait_gallery.refresh_from_db()
    assert portrait_gallery.offers_loans == "Portraits for display across the UK."
    entry = AuditEntry.objects.get(action="organisation.update")
    assert entry.actor == alice
    assert entry.changes["offers_loans"] == ["", "Portraits for display across the UK."]


def test_a_bad_website_is_refused_with_a_message_beside_the_field(
    client: Client, alice: User, portrait_gallery: Organisation
) -> None:
    url = reverse("organisations:edit_offer", args=[portrait_gallery.slug])

    response = signed_in(client, alice).post(url, {"website": "not a website"})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert 'href="#id_website"' in response.content.decode()
    assert not AuditEntry.objects.filter(action="organisation.update").exists()


@pytest.mark.parametrize("name", ["bob", "charlie", "analyst"])
def test_people_outside_the_museum_cannot_edit_it(
    client: Client, cast: dict[str, User], portrait_gallery: Organisation, name: str
) -> None:
    signed_in(client, cast[name])
    edit = reverse("organisations:edit_offer", args=[portrait_gallery.slug])
    contacts = reverse("organisations:contacts", args=[portrait_gallery.slug])

    assert client.get(edit).status_code == 403
    assert client.post(edit, {"offers_loans": "x"}).status_code == 403
    assert client.post(contacts, {"name": "x", "role": "y", "email": "x@example.org"}).status_code == 403
    portrait_gallery.refresh_from_db()
    assert portrait_gallery.offers_loans == ""
    assert not portrait_gallery.contacts.exists()


def test_anonymous_visitors_are_asked_to_sign_in(client: Client, portrait_gallery: Organisation) -> None:
    response = client.get(reverse("organisations:edit_offer", args=[portrait_gallery.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_administrator_can_edit_any_organisation(client: Client, admin_user: User, laing: Organisation) -> None:
    response = signed_in(client, admin_user).get(reverse("organisations:edit_offer", args=[laing.slug]))

    assert response.status_code == 200


def test_bob_adds_changes_and_removes_a_contact(client: Client, bob: User, laing: Organisation) -> None:
    signed_in(client, bob)
    contacts = reverse("organisations:contacts", args=[laing.slug])

    refused = client.post(contacts, {"name": "Rae Registrar", "role": "Registrar"})
    client.post(contacts, {"name": "Rae Registrar", "role": "Registrar", "email": "rae@example.org"})
    contact = Contact.objects.get()
    client.post(
        reverse("organisations:edit_contact", args=[laing.slug, contact.pk]),
        {"name": "Rae Registrar", "role": "Head of Partnerships", "email": "rae@example.org", "listed_publicly": "on"},
    )
    contact.refresh_from_db()
    client.post(reverse("organisations:delete_contact", args=[laing.slug, contact.pk]))

    assert "Enter an email address or a phone number" in refused.content.decode()
    assert (contact.role, contact.listed_publicly) == ("Head of Partnerships", True)
    assert not Contact.objects.exists()
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True))[-3:] == [
        "contact.create",
        "contact.update",
        "contact.delete",
    ]


def test_bob_cannot_touch_another_organisations_contact(
    client: Client, bob: User, portrait_gallery: Organisation
) -> None:
    contact = Contact.objects.create(organisation=portrait_gallery, name="Pat", role="Registrar", email="p@example.org")

    response = signed_in(client, bob).post(
        reverse("organisations:delete_contact", args=[portrait_gallery.slug, contact.pk])
    )

    assert response.status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_working_with_national_museums_lists_the_22_with_public_heads_of_partnerships(
    client: Client, register: dict[str, Organisation], portrait_gallery: Organisation
) -> None:
    Contact.objects.create(
        organisation=portrait_gallery,
        name="Hana Head",
        role="Head of Partnerships",
        email="h@example.org",
        listed_publicly=True,
        is_partnership_lead=True,
    )
    Contact.objects.create(
        organisation=portrait_gallery, name="Secret Sam", role="Head of Loans", email="s@example.org"
    )

    response = client.get(reverse("organisations:national_museums"))

    assert len(response.context["bodies"]) == 22
    html = response.content.decode()
    assert "Hana Head" in html
    assert "Secret Sam" not in html
    assert "Royal Botanic Gardens, Kew" not in html


def test_an_unknown_organisation_is_a_404_in_the_sites_style(client: Client, register: dict[str, Organisation]) -> None:
    response = client.get("/organisations/no-such-museum/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
