"""Uploaded files: each kind takes only the types it may, told by content; workbooks that would unpack
too large are refused before openpyxl reads them; a stored file goes out as an inert download."""

import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from museumshare.core import files
from museumshare.core.files import RULES, UnsafeWorkbook, check_upload, check_workbook, open_workbook
from museumshare.core.imports import ImportFailed
from museumshare.core.tables import read_table

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00" + b"\x00" * 64
HTML = b"<!doctype html><html><body><script>fetch('/api/v1/')</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'
POLYGLOT = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;<script>alert(document.cookie)</script>"
CSV = b"name,start_date\nLaing Art Gallery,2020-04-01\n"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def office(*parts: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for part in parts:
            archive.writestr(part, "<x/>")
    return out.getvalue()


def workbook(rows: int = 3) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "start_date"])
    for n in range(rows):
        sheet.append([f"Museum {n}", "2020-04-01"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real workbook whose sheet is 256 MB of repeated rows: under 1 MB once zipped."""
    real = zipfile.ZipFile(io.BytesIO(workbook()))
    path: Path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    row = b'<row><c t="inlineStr"><is><t>Laing Art Gallery</t></is></c></row>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in real.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, real.read(info.filename))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            block = row * 16_384
            for _ in range(256 * 1024 * 1024 // len(block)):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return path.read_bytes()


@pytest.mark.parametrize(
    ("kind", "name", "content"),
    [
        ("loan_document", "agreement.pdf", PDF),
        ("loan_document", "photo.png", PNG),
        ("loan_document", "report.docx", office("word/document.xml")),
        ("object_image", "object.png", PNG),
        ("programme_resource", "slides.pptx", office("ppt/presentation.xml")),
        ("import_spreadsheet", "activities.csv", CSV),
        ("import_spreadsheet", "activities.xlsx", workbook()),
        ("return_spreadsheet", "return.xlsx", workbook()),
    ],
)
def test_each_kind_of_upload_takes_the_types_it_may(kind: str, name: str, content: bytes) -> None:
    assert check_upload(upload(name, content), kind=kind)


@pytest.mark.parametrize("kind", list(RULES))
@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("page.html", HTML, "a web page (HTML)"),
        ("drawing.svg", SVG, "an SVG drawing"),
        ("drawing.png", SVG, "an SVG drawing"),
        ("picture.gif", POLYGLOT, "web page"),
    ],
)
def test_every_kind_of_upload_refuses_a_web_page_an_svg_and_a_polyglot(
    kind: str, name: str, content: bytes, said: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name, content), kind=kind)
    message = refused.value.messages[0]
    assert message.startswith(f"The {RULES[kind].noun} is ")
    assert said in message


@pytest.mark.parametrize("kind", list(RULES))
def test_every_kind_of_upload_refuses_a_file_over_its_size(kind: str) -> None:
    big = upload("big.pdf", PDF + b"0" * RULES[kind].max_bytes)
    with pytest.raises(ValidationError, match="bigger than"):
        check_upload(big, kind=kind)


def test_a_file_is_told_by_its_content_and_its_name_must_agree() -> None:
    with pytest.raises(ValidationError, match=r"is a PDF but its name ends ‘\.html’"):
        check_upload(upload("agreement.html", PDF), kind="loan_document")
    with pytest.raises(ValidationError, match="The object image is a PDF"):
        check_upload(upload("photo.png", PDF), kind="object_image")


def test_a_zip_that_is_not_an_office_document_and_one_with_a_page_before_it_are_refused() -> None:
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("index.html", HTML)
    with pytest.raises(ValidationError):
        check_upload(upload("report.docx", plain.getvalue()), kind="loan_document")
    with pytest.raises(ValidationError, match="web page"):
        check_upload(upload("report.docx", HTML + office("word/document.xml")), kind="loan_document")


def test_a_csv_that_is_not_text_is_refused() -> None:
    with pytest.raises(ValidationError, match="The spreadsheet is"):
        check_upload(upload("activities.csv", b"name\x00,\xff\xfe\n"), kind="import_spreadsheet")


def test_a_stored_file_is_sent_as_a_download_the_browser_will_not_sniff_or_run(tmp_path: Path) -> None:
    class Stored:
        name = "loans/2026/page.html"

        def open(self, mode: str) -> io.BytesIO:
            return io.BytesIO(HTML)

    response = files.attachment(Stored())  # type: ignore[arg-type]
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert files.content_type("agreement.pdf") == "application/pdf"
    assert files.content_type("drawing.svg") == "application/octet-stream"


def test_nothing_serves_the_media_address(db: None, settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    (tmp_path / "page.html").write_bytes(HTML)
    assert Client().get("/media/page.html").status_code == 404


def test_a_request_larger_than_the_limit_is_refused_before_it_is_read(db: None, settings: object) -> None:
    settings.MAX_UPLOAD_BYTES = 1000  # type: ignore[attr-defined]
    response = Client().post("/", {"file": upload("big.pdf", PDF + b"0" * 2000)})
    assert response.status_code == 413
    assert "up to 1,000 bytes" in response.text
    assert Client().post("/", {"file": upload("small.pdf", PDF)}).status_code != 413


def test_a_workbook_with_too_many_rows_is_refused_before_openpyxl_reads_it() -> None:
    with pytest.raises(UnsafeWorkbook, match="more than 10 rows"):
        check_workbook(workbook(rows=20), name="activities.xlsx", max_rows=10)
    check_workbook(workbook(rows=5), name="activities.xlsx", max_rows=10)


def test_a_zip_bomb_workbook_is_refused_from_its_directory_quickly_and_in_little_memory(zip_bomb: bytes) -> None:
    assert len(zip_bomb) < 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(UnsafeWorkbook, match=r"unpacks to 25[56] MB"):
        open_workbook(zip_bomb, name="bomb.xlsx")
    took = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert took < 1
    assert peak < 10 * 1024 * 1024


def test_a_workbook_compressed_far_more_than_a_real_one_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>a</t></si>" * 3_000_000 + b"</sst>")
    with pytest.raises(UnsafeWorkbook, match="compressed far more than a real workbook"):
        check_workbook(out.getvalue(), name="bomb.xlsx")


def test_every_import_refuses_a_zip_bomb_with_a_reason(zip_bomb: bytes) -> None:
    with pytest.raises(ImportFailed, match=r"bomb\.xlsx unpacks to 25[56] MB"):
        read_table("bomb.xlsx", zip_bomb, required=["name"], records="activities")
