"""A loan's documents, its objects' images and its PDFs: files by content, sent inert, fetched from nowhere."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from museumshare.accounts.models import User
from museumshare.core.imports import ImportFailed
from museumshare.core.pdf import BASE_URL, RefusedURL, resolve, url_fetcher
from museumshare.core.tests.test_files import HTML, PDF, PNG, POLYGLOT, SVG
from museumshare.loans.models import CollectionObject, Loan, LoanDocument, Status
from museumshare.loans.services import loan_transition


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def loan(request_loan: Callable[..., Loan], portraits: list[CollectionObject], bob: User) -> Loan:
    return loan_transition(loan=request_loan(portraits[:1]), actor=bob, to=Status.REQUESTED)


@pytest.fixture(autouse=True)
def media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def add(user: User, loan: Loan, name: str, content: bytes) -> str:
    upload = SimpleUploadedFile(name, content, content_type="text/html")
    url = reverse("loans:document", args=[loan.pk])
    response = client_for(user).post(url, {"kind": "other", "title": "A file", "file": upload})
    return response.text if response.status_code == 200 else ""


@pytest.mark.parametrize(
    ("name", "content"), [("page.html", HTML), ("drawing.svg", SVG), ("drawing.png", SVG), ("picture.gif", POLYGLOT)]
)
def test_a_web_page_an_svg_or_a_polyglot_is_refused_as_a_loan_document(
    alice: User, loan: Loan, name: str, content: bytes
) -> None:
    page = add(alice, loan, name, content)
    assert "The loan document is" in page
    assert not LoanDocument.objects.exists()


def test_a_document_is_sent_to_the_parties_as_an_inert_download(
    alice: User, bob: User, charlie: User, loan: Loan
) -> None:
    assert add(alice, loan, "agreement.pdf", PDF) == ""
    url = reverse("loans:document_file", args=[loan.pk, LoanDocument.objects.get().pk])
    response = client_for(bob).get(url)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert client_for(charlie).get(url).status_code == 404


def test_an_objects_image_is_checked_and_shown_only_to_those_who_may_see_the_object(
    alice: User, bob: User, charlie: User, loan: Loan, portraits: list[CollectionObject]
) -> None:
    on_loan, kept = portraits[0], portraits[1]
    kept.image = SimpleUploadedFile("drawing.png", SVG)
    with pytest.raises(ValidationError, match="The object image is an SVG drawing"):
        kept.full_clean()
    for obj in (on_loan, kept):
        obj.image = SimpleUploadedFile("portrait.png", PNG)
        obj.full_clean()
        obj.save()
    image = reverse("loans:object_image", args=[on_loan.pk])
    assert client_for(alice).get(image)["Content-Type"] == "image/png"
    assert client_for(bob).get(image)["Content-Disposition"].startswith("attachment;")
    assert client_for(bob).get(reverse("loans:object_image", args=[kept.pk])).status_code == 404
    assert client_for(charlie).get(image).status_code == 404


@pytest.mark.parametrize("reference", ["LO-1\n} @import url(http://169.254.169.254/)", 'LO-1"', "<b>LO</b>", " LO-1"])
def test_a_loan_reference_outside_the_fixed_format_is_refused(
    request_loan: Callable[..., Loan], portraits: list[CollectionObject], reference: str
) -> None:
    with pytest.raises(ValidationError, match=r"letters, digits, spaces and / - \. only"):
        request_loan(portraits[:1], reference=reference)


def test_no_record_text_is_written_into_a_pdfs_style(alice: User, loan: Loan) -> None:
    for template in ("loans/pdf/agreement.html", "loans/pdf/letter.html"):
        html = render_to_string(template, {"loan": loan, "objects": [], "today": None})
        style = re.search(r"<style>(.*?)</style>", html, re.S)
        assert style is not None
        assert "{{" not in style[1]
        assert loan.reference not in style[1]


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/static/museumshare/museumshare.css",
        "file:///etc/passwd",
        "ftp://example.com/x",
        f"{BASE_URL}static/../settings.py",
        f"{BASE_URL}media/loans/agreement.pdf",
    ],
)
def test_the_pdf_fetcher_refuses_every_url_but_the_apps_static_files(url: str) -> None:
    with pytest.raises(RefusedURL):
        resolve(url)
    with pytest.raises(RefusedURL):
        url_fetcher()(url)


def test_the_pdf_fetcher_serves_a_static_file_from_disk() -> None:
    body, media_type = resolve(f"{BASE_URL}static/museumshare/museumshare.css")
    assert media_type == "text/css"
    assert body.strip()
    assert resolve("data:text/plain,hello") == (b"hello", "text/plain")


@pytest.mark.parametrize(("reference", "said"), [('"LO-2019-1\n} @import url(//x)"', ""), ("LO<1>", "letters, digits")])
def test_an_import_row_whose_reference_is_outside_the_fixed_format_is_refused(
    tmp_path: Path, alice: User, register: dict[str, object], reference: str, said: str
) -> None:
    from museumshare.loans.importer import import_loans
    from museumshare.loans.tests.test_importer import GOOD, write

    bad = GOOD[0].replace("LO-2019-1,", f"{reference},", 1)
    with pytest.raises(ImportFailed) as failed:
        import_loans(path=write(tmp_path, [bad]), actor=alice)
    assert failed.value.summary is not None
    assert [(p.column, said in p.message) for p in failed.value.summary.errors] == [("reference", True)]
    assert not Loan.objects.exists()
