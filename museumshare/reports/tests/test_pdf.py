"""The report as a PDF: a real document whose text can be selected and searched, with its charts
as vector drawings, page numbers, and DRAFT on every page until it is published."""

import re
import zlib
from typing import Any

import pytest

from museumshare.organisations.models import Organisation
from museumshare.reports import pdf
from museumshare.reports.compute import compute

BREAKDOWNS = {
    "loans_by_nation": [
        {"label": "England", "code": "E92000001", "loans": 120, "objects": 900},
        {"label": "Scotland", "code": "S92000003", "loans": 14, "objects": 40},
        {"label": "Wales", "code": "W92000004", "loans": 9, "objects": 31},
        {"label": "Northern Ireland", "code": "N92000002", "loans": 0, "objects": 0},
    ],
    "loan_lengths": [
        {"label": "Short loans (under 18 months)", "code": "short", "loans": 97, "objects": 700},
        {"label": "Long loans (18 months or more)", "code": "long", "loans": 46, "objects": 271},
    ],
    "map_venues": [
        {"name": "Laing Art Gallery", "lat": 54.974, "lon": -1.611, "loans": 12},
        {"name": "Dylan Thomas Boathouse", "lat": 51.77, "lon": -4.40, "loans": 2},
    ],
}


OBJECT = re.compile(rb"(\d+) 0 obj\s")


def _inflate(body: bytes) -> bytes | None:
    """An object's stream, inflated, or None if it has none."""
    start = body.find(b"stream")
    if start < 0 or b"endstream" not in body:
        return None
    data = body[body.index(b"\n", start) + 1 :]
    return zlib.decompressobj().decompress(data) if b"/FlateDecode" in body[:start] else data


def pdf_objects(document: bytes) -> dict[int, bytes]:
    """Every object of the PDF by number, those packed in compressed object streams too. Each
    stream is read by its /Length, so its bytes are never mistaken for the PDF's own syntax."""
    found: dict[int, bytes] = {}
    position = 0
    while match := OBJECT.search(document, position):
        header_end = min(
            i for i in (document.find(b"stream", match.end()), document.find(b"endobj", match.end())) if i >= 0
        )
        header = document[match.start() : header_end]
        if document.startswith(b"stream", header_end):
            length = int(re.search(rb"/Length (\d+)", header)[1])  # type: ignore[index]
            data_start = document.index(b"\n", header_end) + 1
            found[int(match[1])] = header + b"stream\n" + document[data_start : data_start + length] + b"endstream"
            position = data_start + length
        else:
            found[int(match[1])] = header
            position = header_end
    for body in list(found.values()):
        if b"/ObjStm" in body and (data := _inflate(body)) is not None:
            first = int(re.search(rb"/First (\d+)", body)[1])  # type: ignore[index]
            numbers = [int(n) for n in data[:first].split()]
            offsets = list(zip(numbers[::2], numbers[1::2], strict=True))
            for i, (number, offset) in enumerate(offsets):
                end = offsets[i + 1][1] if i + 1 < len(offsets) else len(data) - first
                found[number] = data[first + offset : first + end]
    return found


def _cmap(stream: bytes) -> dict[bytes, str]:
    table: dict[bytes, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for source, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[source.lower()] = bytes.fromhex(target.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for low, high, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for code in range(int(low, 16), int(high, 16) + 1):
                table[f"{code:0{len(low)}x}".encode()] = chr(int(target, 16) + code - int(low, 16))
    return table


def pdf_text(document: bytes) -> str:
    """The text a reader can select and copy: each text operator's glyphs, read back through its
    font's ToUnicode map (WeasyPrint names a font's resource by its subset tag), words spaced."""
    objects = pdf_objects(document)
    fonts: dict[bytes, dict[bytes, str]] = {}
    for body in objects.values():
        unicode_map, tag = re.search(rb"/ToUnicode (\d+) 0 R", body), re.search(rb"/BaseFont /([A-Z]{6})\+", body)
        if unicode_map and tag:
            fonts[tag[1]] = _cmap(_inflate(objects[int(unicode_map[1])]) or b"")
    shown: list[str] = []
    operators = re.compile(rb"/(\S+)\s+[-\d.]+\s+Tf|\[((?:<[0-9A-Fa-f]*>|[-\d.\s])*)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj|ET")
    for body in objects.values():
        content = _inflate(body) if b"stream" in body else None
        if not content or b" Tf" not in content:
            continue
        table: dict[bytes, str] = {}
        for match in operators.finditer(content):
            if match[1]:
                table = fonts.get(match[1], {})
                continue
            if match[0] == b"ET":
                shown.append(" ")
                continue
            width = len(next(iter(table), b"0000"))
            for hexed in re.findall(rb"<([0-9A-Fa-f]*)>", match[2] or b"<" + match[3] + b">"):
                codes = hexed.lower()
                shown.append("".join(table.get(codes[i : i + width], "") for i in range(0, len(codes), width)))
    return " ".join("".join(shown).split())


@pytest.fixture
def data(published_figures: tuple[Organisation, Organisation]) -> dict[str, Any]:
    return compute(2020, with_breakdowns=False).as_json() | {"breakdowns": BREAKDOWNS}


@pytest.fixture
def draft_pdf(data: dict[str, Any]) -> bytes:
    return pdf.render(data)


def test_it_is_a_pdf_whose_text_can_be_selected_from_the_title_to_the_sentences(draft_pdf: bytes) -> None:
    assert draft_pdf.startswith(b"%PDF-")
    text = pdf_text(draft_pdf)

    assert "Museum Partnership Report 2020/21" in text
    assert "Formal networks taken part in rose by 26% compared with 2017/18, from 348 networks to 438" in text
    assert "Laing Art Gallery" in text  # the venues' table


def test_its_charts_are_vector_drawings_with_their_words_as_text(draft_pdf: bytes) -> None:
    objects = pdf_objects(draft_pdf)

    assert not [body for body in objects.values() if re.search(rb"/Subtype\s*/Image", body)]
    text = pdf_text(draft_pdf)
    # Words only the charts draw: the trend chart's years on its axis and a bar's label.
    assert "Networks" in text
    assert "Northern Ireland" in text
    drawn = b"".join(c for body in objects.values() if b"stream" in body and (c := _inflate(body) or b""))
    assert re.search(rb"\sre\s", drawn)
    assert re.search(rb"\sf\*?\s", drawn)


def test_its_pages_are_numbered_and_the_contents_say_where_each_section_starts(draft_pdf: bytes) -> None:
    text = pdf_text(draft_pdf)

    pages = int(re.search(r"Page 2 of (\d+)", text)[1])  # type: ignore[index]
    assert pages >= 5
    assert f"Page {pages} of {pages}" in text
    assert re.search(r"Sharing collections[ .]*\d+", text)  # the contents' leader and page number


def test_a_draft_says_so_on_every_page_and_a_published_report_says_when_it_was_published(
    data: dict[str, Any], draft_pdf: bytes
) -> None:
    text = pdf_text(draft_pdf)
    pages = int(re.search(r"Page 2 of (\d+)", text)[1])  # type: ignore[index]
    assert text.count("DRAFT: not published, do not share") == pages

    published = pdf_text(
        pdf.render(data | {"status": "published", "version": 1, "published_at": "2022-03-03T10:00:00+00:00"})
    )
    assert "Published on 3 March 2022" in published
    assert "DRAFT" not in published
