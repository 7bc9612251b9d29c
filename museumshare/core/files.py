"""Uploaded files: what each kind of upload may be, told by its content, and how a stored file is served.

A file is what its bytes say it is, never what its name or the browser claims. Each kind of upload
has a list of types it accepts; anything else (a web page, an SVG drawing, a file that is an image
at the start and a web page further on) is refused with a message that names the field. A stored
file is only ever sent by a view that has checked the reader may see it, as a download the browser
will neither sniff nor run: nothing serves MEDIA_URL.
"""

import codecs
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

import filetype  # type: ignore[import-untyped]
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.deconstruct import deconstructible


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extensions: tuple[str, ...]


OOXML = "application/vnd.openxmlformats-officedocument"
ODF = "application/vnd.oasis.opendocument"
TYPES = {
    "pdf": FileType("a PDF", "application/pdf", (".pdf",)),
    "png": FileType("a PNG image", "image/png", (".png",)),
    "jpeg": FileType("a JPEG image", "image/jpeg", (".jpg", ".jpeg")),
    "gif": FileType("a GIF image", "image/gif", (".gif",)),
    "webp": FileType("a WebP image", "image/webp", (".webp",)),
    "docx": FileType("a Word document", f"{OOXML}.wordprocessingml.document", (".docx",)),
    "xlsx": FileType("an Excel workbook", f"{OOXML}.spreadsheetml.sheet", (".xlsx",)),
    "pptx": FileType("a PowerPoint presentation", f"{OOXML}.presentationml.presentation", (".pptx",)),
    "odt": FileType("an OpenDocument text", f"{ODF}.text", (".odt",)),
    "ods": FileType("an OpenDocument spreadsheet", f"{ODF}.spreadsheet", (".ods",)),
    "odp": FileType("an OpenDocument presentation", f"{ODF}.presentation", (".odp",)),
    # Word, Excel and PowerPoint 97–2003 share one container; which of them it is matters not here.
    "ole": FileType("an Office 97–2003 document", "application/octet-stream", (".doc", ".xls", ".ppt")),
    "csv": FileType("a CSV file", "text/csv", (".csv",)),
}
IMAGES = ("png", "jpeg", "gif", "webp")
OFFICE = ("docx", "xlsx", "pptx", "odt", "ods", "odp", "ole")
MB = 1024 * 1024
DOCUMENTS = "a PDF, an image (PNG, JPEG, GIF or WebP) or an office document (Word, Excel, PowerPoint, OpenDocument)"


@dataclass(frozen=True)
class Rule:
    """What one kind of upload may be: its types and its largest size."""

    noun: str
    types: tuple[str, ...]
    max_bytes: int
    accepts: str

    def refusal(self, found: str) -> str:
        return f"The {self.noun} is {found}: upload {self.accepts}."


RULES = {
    "loan_document": Rule(
        "loan document",
        ("pdf", *IMAGES, *OFFICE),
        20 * MB,
        DOCUMENTS,
    ),
    "object_image": Rule("object image", IMAGES, 10 * MB, "a PNG, JPEG, GIF or WebP image"),
    "programme_resource": Rule(
        "resource file",
        ("pdf", *IMAGES, *OFFICE),
        20 * MB,
        DOCUMENTS,
    ),
    "import_spreadsheet": Rule(
        "spreadsheet", ("csv", "xlsx"), 10 * MB, "a CSV file saved as CSV UTF-8, or an Excel workbook (.xlsx)"
    ),
    "return_spreadsheet": Rule("spreadsheet", ("xlsx",), 5 * MB, "the return's Excel workbook (.xlsx)"),
}

# Markup a browser would run: a web page or an SVG drawing, at the start of a file or hidden further on.
MARKUP = re.compile(rb"<\s*(?:script|html|svg|iframe|body|object|embed|!doctype)[\s>/]", re.IGNORECASE)
CHUNK = MB
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
OOXML_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx", "ppt/presentation.xml": "pptx"}
ODF_MIMETYPES = {f"{ODF}.text": "odt", f"{ODF}.spreadsheet": "ods", f"{ODF}.presentation": "odp"}


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    handle.seek(0)
    while chunk := handle.read(CHUNK):
        yield chunk


def has_markup(handle: IO[bytes]) -> bool:
    """Whether the file holds HTML or SVG anywhere; chunks overlap so a tag across two is still seen."""
    tail = b""
    for chunk in _chunks(handle):
        if MARKUP.search(tail + chunk):
            return True
        tail = chunk[-32:]
    return False


def _zip_type(handle: IO[bytes]) -> str | None:
    handle.seek(0)
    # A zip is read from its end, so anything may come before it: an office document starts with its first entry.
    if handle.read(4) != ZIP_MAGIC:
        return None
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                return next((kind for part, kind in OOXML_PARTS.items() if part in names), None)
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                return ODF_MIMETYPES.get(archive.read("mimetype").decode("ascii", "replace").strip())
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def _is_text(handle: IO[bytes]) -> bool:
    handle.seek(0)
    # Excel's "Unicode text" is UTF-16 with a byte order mark: text, which the importers then ask
    # to have saved as UTF-8, in their own words.
    utf16 = handle.read(2) in (b"\xff\xfe", b"\xfe\xff")
    decoder = codecs.getincrementaldecoder("utf-16" if utf16 else "utf-8-sig")()
    try:
        for chunk in _chunks(handle):
            if b"\x00" in chunk and not utf16:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def identify(handle: IO[bytes]) -> str | None:
    """The allowlisted type the bytes are (a key of TYPES), or None."""
    handle.seek(0)
    head = handle.read(8192)
    if not head:
        return None
    if head.startswith(ZIP_MAGIC):
        return _zip_type(handle)
    if head.startswith(OLE_MAGIC):
        return "ole"
    guess = filetype.guess(head)
    if guess is not None:
        return {"pdf": "pdf", "png": "png", "jpg": "jpeg", "gif": "gif", "webp": "webp"}.get(guess.extension)
    return "csv" if _is_text(handle) else None


def _describe(handle: IO[bytes], found: str | None, hidden: bool) -> str:
    """What a refused file seems to be, in words for the message."""
    handle.seek(0)
    head = handle.read(1024).lstrip().lower()
    if head.startswith(b"<"):
        return "an SVG drawing" if b"<svg" in head else "a web page (HTML)"
    if found is not None:
        return f"{TYPES[found].label} with a web page hidden in it" if hidden else TYPES[found].label
    guess = filetype.guess(head)
    return f"a {guess.extension.upper()} file" if guess is not None else "not a type of file it may be"


def check_upload(upload: Any, *, kind: str) -> str:
    """The type of `upload` (a key of TYPES); ValidationError saying why it may not be a `kind` upload.

    `upload` is an UploadedFile or a FieldFile; it is read in chunks and left at its start.
    """
    rule = RULES[kind]
    if upload.size > rule.max_bytes:
        raise ValidationError(
            f"The {rule.noun} is bigger than {_size(rule.max_bytes)}: choose a smaller file.", code="too_big"
        )
    handle = upload.file if hasattr(upload, "file") and upload.file is not None else upload
    try:
        found, hidden = identify(handle), has_markup(handle)
        if found is None or found not in rule.types or hidden:
            raise ValidationError(rule.refusal(_describe(handle, found, hidden)), code="file_type")
        suffix = PurePosixPath(upload.name or "").suffix.lower()
        if suffix not in TYPES[found].extensions:
            raise ValidationError(
                f"The {rule.noun} is {TYPES[found].label} but its name ends ‘{suffix or '(nothing)'}’: "
                f"rename it to end ‘{TYPES[found].extensions[0]}’ and upload it again.",
                code="file_name",
            )
    finally:
        handle.seek(0)
    return found


@deconstructible
class UploadValidator:
    """The check for a model or form field; a file already stored is not read again."""

    def __init__(self, kind: str) -> None:
        if kind not in RULES:
            raise ValueError(f"No upload rule called {kind}")
        self.kind = kind

    def __call__(self, value: Any) -> None:
        if not value or getattr(value, "_committed", False):
            return
        check_upload(value, kind=self.kind)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadValidator) and other.kind == self.kind

    def __hash__(self) -> int:
        return hash(self.kind)


def _size(limit: int) -> str:
    return f"{limit // MB:,} MB" if limit >= MB else f"{limit:,} bytes"


def content_type(name: str) -> str:
    """The Content-Type a stored file is sent with: its allowlisted type's, else a plain download."""
    suffix = PurePosixPath(name).suffix.lower()
    for found in TYPES.values():
        if suffix in found.extensions:
            return found.content_type
    return "application/octet-stream"


def attachment(file: FieldFile, *, filename: str | None = None) -> FileResponse:
    """A stored file as an inert download: the caller has already checked the reader may see it."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file is missing from storage.") from None
    name = filename or PurePosixPath(file.name or "file").name
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type(name))
    response["X-Content-Type-Options"] = "nosniff"
    # Even opened by address in a tab, a file runs no script and reaches nothing of the site.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class UploadSizeLimitMiddleware:
    """413 for a request whose body is larger than MAX_UPLOAD_BYTES, before any of it is read.

    Django reads no more of a body than its Content-Length, so the header is the size that counts.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_UPLOAD_BYTES
        if length > limit:
            return HttpResponse(
                f"The upload is too large: files of up to {_size(limit)} can be uploaded.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


# Excel workbooks are zips of XML: a small file can unpack to gigabytes, which openpyxl would
# hold in memory before any limit of ours applied. These are checked from the zip's directory and
# a streamed pass over each sheet, in bounded memory, before openpyxl sees the file.
XLSX_MAX_UNPACKED = 100 * MB
XLSX_MAX_RATIO = 100
XLSX_MAX_ROWS = 100_000
SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>]")
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+:[A-Z]+(\d+)\"")


class UnsafeWorkbook(ValueError):
    """A workbook refused before it is opened; the message says why, for the person who uploaded it."""


def _sheet_rows(archive: zipfile.ZipFile, part: str, limit: int) -> int:
    """The rows of a sheet, counted as it streams; stops counting once past the limit."""
    rows, tail = 0, b""
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            # A sheet says its size near its start; a true one too large is refused without reading on.
            declared = DIMENSION.search(chunk[:4096]) if not tail else None
            if declared and int(declared.group(1)) > limit:
                return int(declared.group(1))
            window = tail + chunk
            # A tag that ended in the last chunk's tail was counted then.
            rows += sum(1 for found in ROW_TAG.finditer(window) if found.end() > len(tail))
            if rows > limit:
                return rows
            tail = chunk[-32:]
    return rows


def check_workbook(content: bytes, *, name: str, max_rows: int = XLSX_MAX_ROWS) -> None:
    """UnsafeWorkbook if the .xlsx `content` would unpack too large or has too many rows to read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip at all: openpyxl fails on it at once, and each reader says so in its words
    with archive:
        entries = archive.infolist()
        unpacked = sum(entry.file_size for entry in entries)
        if unpacked > XLSX_MAX_UNPACKED:
            raise UnsafeWorkbook(
                f"{name} unpacks to {unpacked // MB:,} MB, more than the {XLSX_MAX_UNPACKED // MB} MB a workbook "
                "may: split it into smaller files."
            )
        for entry in entries:
            if entry.file_size > MB and entry.file_size > XLSX_MAX_RATIO * max(entry.compress_size, 1):
                raise UnsafeWorkbook(
                    f"{name} is compressed far more than a real workbook is ({entry.filename} unpacks "
                    f"{entry.file_size // max(entry.compress_size, 1):,} times larger): it cannot be read safely."
                )
        for entry in entries:
            if SHEET_PART.match(entry.filename) and _sheet_rows(archive, entry.filename, max_rows) > max_rows:
                raise UnsafeWorkbook(f"{name} has more than {max_rows:,} rows: split it into smaller files.")


def open_workbook(content: bytes, *, name: str, max_rows: int = XLSX_MAX_ROWS) -> Any:
    """An openpyxl workbook (read only, values not formulas) of `content`, once it is checked safe.

    UnsafeWorkbook if it is not; openpyxl's own errors for a damaged file pass through."""
    from openpyxl import load_workbook

    check_workbook(content, name=name, max_rows=max_rows)
    return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
