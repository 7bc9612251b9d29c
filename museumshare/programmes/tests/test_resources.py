import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from museumshare.accounts.models import User
from museumshare.organisations.models import Organisation
from museumshare.programmes import services
from museumshare.programmes.models import MemberRole, Programme, Resource, ResourceKind, SkillsArea


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def titles(response: Any) -> list[str]:
    return [resource.title for resource in response.context["page"].object_list]


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def programme(alice: User, portrait_gallery: Organisation, laing: Organisation) -> Programme:
    return services.programme_create(
        actor=alice,
        data={
            "name": "National Skills Sharing Partnership",
            "lead": portrait_gallery,
            "summary": "Placements, mentoring and seminars between museums.",
            "start_date": date(2020, 4, 1),
        },
        members=[(laing, MemberRole.PARTNER, date(2020, 4, 1))],
    )


def publish(actor: User, **extra: Any) -> Resource:
    data = {
        "title": "Condition checking a painting",
        "kind": ResourceKind.FILM,
        "description": "A conservator shows how to check a painting before it travels.",
        "topic": "Condition checking",
        "skills_area": SkillsArea.CONSERVATION,
        "url": "https://video.example.org/condition",
        "language": "English",
    } | extra
    return services.resource_create(actor=actor, data=data)


@pytest.fixture
def film(alice: User, portrait_gallery: Organisation, programme: Programme) -> Resource:
    return publish(alice, organisation=portrait_gallery, programme=programme)


@pytest.fixture
def guide(bob: User, laing: Organisation) -> Resource:
    return publish(
        bob,
        title="Co-curating with young people",
        kind=ResourceKind.GUIDE,
        description="How the Laing worked with a youth panel on a display.",
        topic="Youth panels",
        skills_area=SkillsArea.LEARNING,
        url="https://www.example.org/co-curating.pdf",
        language="Welsh",
        organisation=laing,
    )


def resource_form(**extra: Any) -> dict[str, Any]:
    return {
        "title": "Writing a facilities report",
        "kind": ResourceKind.TOOLKIT,
        "description": "Templates and examples for borrowers.",
        "topic": "Facilities reports",
        "skills_area": SkillsArea.REGISTRATION,
        "url": "https://www.example.org/facilities",
        "language": "English",
        "programme": "",
        "organisation": "",
        "published": "2024-06-01",
    } | extra


# Browsing the library


def test_anyone_can_browse_the_library_without_signing_in(client: Client, film: Resource, guide: Resource) -> None:
    response = client.get(reverse("programmes:resources"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "2 resources" in html
    assert "Watch the film" in html
    assert 'href="https://video.example.org/condition"' in html
    assert "Open the guide" in html
    assert client.get(film.get_absolute_url()).status_code == 200


def test_the_search_looks_in_the_title_description_and_topic(client: Client, film: Resource, guide: Resource) -> None:
    url = reverse("programmes:resources")

    assert titles(client.get(url, {"q": "painting"})) == ["Condition checking a painting"]
    assert titles(client.get(url, {"q": "youth panel"})) == ["Co-curating with young people"]
    assert titles(client.get(url, {"q": "panels"})) == ["Co-curating with young people"]
    assert titles(client.get(url, {"q": "nothing like it"})) == []
    assert "No resources match your search." in client.get(url, {"q": "nothing like it"}).content.decode()


def test_the_library_filters_by_kind_skills_area_programme_and_language(
    client: Client, film: Resource, guide: Resource, programme: Programme
) -> None:
    url = reverse("programmes:resources")

    assert titles(client.get(url, {"kind": ResourceKind.GUIDE})) == [guide.title]
    assert titles(client.get(url, {"skills_area": SkillsArea.CONSERVATION})) == [film.title]
    assert titles(client.get(url, {"programme": programme.slug})) == [film.title]
    assert titles(client.get(url, {"language": "Welsh"})) == [guide.title]


def test_the_list_downloads_as_csv_named_for_its_filters(client: Client, film: Resource, guide: Resource) -> None:
    response = client.get(reverse("programmes:resources"), {"kind": ResourceKind.FILM, "download": "csv"})

    assert response["Content-Disposition"].startswith('attachment; filename="museumshare-resources-film-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["title"], row["kind"], row["link"]) for row in rows] == [
        ("Condition checking a painting", "Film", "https://video.example.org/condition")
    ]


def test_the_list_downloads_as_xlsx(client: Client, film: Resource, guide: Resource) -> None:
    response = client.get(reverse("programmes:resources"), {"download": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "title"
    assert {row[0] for row in rows[1:]} == {film.title, guide.title}


# Adding, changing and deleting


def test_an_editor_adds_a_resource_with_a_link(client: Client, alice: User, portrait_gallery: Organisation) -> None:
    response = signed_in(client, alice).post(
        reverse("programmes:resource_create"), resource_form(organisation=str(portrait_gallery.pk))
    )

    resource = Resource.objects.get()
    assert response["Location"] == resource.get_absolute_url()
    assert (resource.organisation, resource.created_by, resource.published) == (
        portrait_gallery,
        alice,
        date(2024, 6, 1),
    )


def test_an_editor_uploads_a_file_instead_of_a_link(client: Client, alice: User, media: Path) -> None:
    upload = SimpleUploadedFile("toolkit.pdf", b"%PDF-1.4 toolkit", content_type="application/pdf")

    signed_in(client, alice).post(reverse("programmes:resource_create"), resource_form(url="", file=upload))

    resource = Resource.objects.get()
    assert resource.file.name.endswith("toolkit.pdf")
    assert (media / resource.file.name).read_bytes() == b"%PDF-1.4 toolkit"
    assert "Open the toolkit" in client.get(resource.get_absolute_url()).content.decode()


def test_a_resource_needs_a_link_or_a_file_and_the_error_names_the_link(client: Client, alice: User) -> None:
    response = signed_in(client, alice).post(reverse("programmes:resource_create"), resource_form(url=""))

    assert response.context["form"].errors["url"] == ["Give a web address for the resource, or upload a file."]
    assert '<a href="#id_url">Give a web address for the resource, or upload a file.</a>' in response.content.decode()
    assert not Resource.objects.exists()


def test_removing_the_only_file_without_a_link_is_refused(client: Client, alice: User, media: Path) -> None:
    upload = SimpleUploadedFile("guide.pdf", b"%PDF-1.4 guide", content_type="application/pdf")
    resource = services.resource_create(
        actor=alice,
        data={"title": "A guide", "kind": ResourceKind.GUIDE, "description": "A guide.", "language": "English"},
        file=upload,
    )

    response = signed_in(client, alice).post(
        reverse("programmes:resource_edit", args=[resource.pk]), resource_form(url="", **{"file-clear": "on"})
    )

    assert "url" in response.context["form"].errors
    resource.refresh_from_db()
    assert resource.file


def test_the_maker_changes_a_resource(client: Client, alice: User, film: Resource) -> None:
    response = signed_in(client, alice).post(
        reverse("programmes:resource_edit", args=[film.pk]), resource_form(title="Checking a painting's condition")
    )

    assert response.status_code == 302
    film.refresh_from_db()
    assert film.title == "Checking a painting's condition"


def test_an_editor_elsewhere_cannot_change_or_delete_a_resource(client: Client, bob: User, film: Resource) -> None:
    signed_in(client, bob)

    assert client.get(reverse("programmes:resource_edit", args=[film.pk])).status_code == 403
    assert client.post(reverse("programmes:resource_delete", args=[film.pk])).status_code == 403
    assert Resource.objects.filter(pk=film.pk).exists()


def test_deleting_a_resource_asks_first_then_deletes_it(client: Client, alice: User, film: Resource) -> None:
    url = reverse("programmes:resource_delete", args=[film.pk])
    signed_in(client, alice)

    assert "Are you sure you want to delete this resource?" in client.get(url).content.decode()
    assert Resource.objects.filter(pk=film.pk).exists()

    response = client.post(url)

    assert response["Location"] == reverse("programmes:resources")
    assert not Resource.objects.filter(pk=film.pk).exists()


def test_deleting_a_resource_deletes_its_file(client: Client, alice: User, media: Path) -> None:
    upload = SimpleUploadedFile("guide.pdf", b"%PDF-1.4 guide", content_type="application/pdf")
    resource = services.resource_create(
        actor=alice,
        data={"title": "A guide", "kind": ResourceKind.GUIDE, "description": "A guide.", "language": "English"},
        file=upload,
    )
    stored = media / resource.file.name

    signed_in(client, alice).post(reverse("programmes:resource_delete", args=[resource.pk]))

    assert not stored.exists()


def test_anonymous_visitors_and_people_who_edit_nowhere_cannot_add_resources(client: Client, charlie: User) -> None:
    url = reverse("programmes:resource_create")

    assert client.get(url).status_code == 302
    assert "Add a resource" not in client.get(reverse("programmes:resources")).content.decode()
    assert signed_in(client, charlie).get(url).status_code == 403


def test_the_maker_is_chosen_from_where_the_user_edits(
    client: Client, bob: User, laing: Organisation, portrait_gallery: Organisation
) -> None:
    signed_in(client, bob)

    choices = client.get(reverse("programmes:resource_create")).context["form"].fields["organisation"].queryset
    refused = client.post(reverse("programmes:resource_create"), resource_form(organisation=str(portrait_gallery.pk)))

    assert list(choices) == [laing]
    assert "organisation" in refused.context["form"].errors
