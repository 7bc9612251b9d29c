"""The library's uploaded files: only PDFs, images and office documents, sent by their own view as downloads."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from museumshare.accounts.models import User
from museumshare.core.tests.test_files import HTML, PDF, POLYGLOT, SVG
from museumshare.programmes.models import Resource
from museumshare.programmes.tests.test_resources import media, resource_form, signed_in

__all__ = ["media"]


@pytest.mark.parametrize(("name", "content"), [("page.html", HTML), ("drawing.svg", SVG), ("picture.gif", POLYGLOT)])
def test_a_web_page_an_svg_or_a_polyglot_is_refused_as_a_resource_file(
    client: Client, alice: User, media: Path, name: str, content: bytes
) -> None:
    upload = SimpleUploadedFile(name, content, content_type="image/gif")
    response = signed_in(client, alice).post(reverse("programmes:resource_create"), resource_form(url="", file=upload))
    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith("The resource file is ")
    assert not Resource.objects.exists()


def test_a_resource_file_is_sent_by_its_own_view_as_an_inert_download_to_anyone(
    client: Client, alice: User, media: Path
) -> None:
    upload = SimpleUploadedFile("toolkit.pdf", PDF, content_type="application/pdf")
    signed_in(client, alice).post(reverse("programmes:resource_create"), resource_form(url="", file=upload))
    resource = Resource.objects.get()
    assert resource.link() == reverse("programmes:resource_file", args=[resource.pk])
    assert "/media/" not in Client().get(resource.get_absolute_url()).text
    response = Client().get(resource.link())
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Disposition"] == 'attachment; filename="toolkit.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
