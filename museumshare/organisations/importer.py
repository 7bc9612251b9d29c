"""Import organisations from the Mapping Museums CSV or museumshare's own CSV format.

Every row, whatever its format, is turned into the columns of the museumshare format and
validated by `OrganisationRowForm`. Errors (a row that cannot be imported) stop the whole
import unless `skip_invalid` is given; warnings (doubtful coordinates, likely duplicates)
import the row and flag it for review. Rows are matched to the register by their id (`ref`,
or `museum_id` in Mapping Museums files), so importing a file twice changes nothing.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first record row 2.
"""

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django import forms
from django.db import models, transaction
from django.utils import timezone
from django_countries import countries

from museumshare.core import audit, geography, imports
from museumshare.core.console import COMMAND_LINE, OnRow
from museumshare.core.imports import ImportFailed as ImportFailed  # the command and callers catch it from here
from museumshare.core.imports import Problem, vocabulary
from museumshare.core.models import AuditEntry
from museumshare.core.services import Actor
from museumshare.core.text import LONG_TEXT, fold, no_control_characters
from museumshare.organisations.models import Accreditation, Governance, Kind, Nation, Organisation, Size, Venue
from museumshare.organisations.services import unique_slug

DATA_DIR = Path(__file__).resolve().parent / "data"
MAPPING_MUSEUMS_FILE = DATA_DIR / "mapping_museums_uk_2021-09-30.csv"
NATIONAL_MUSEUMS_FILE = DATA_DIR / "national_museums.csv"

OWN_COLUMNS = (
    "ref",
    "name",
    "kind",
    "governance",
    "is_national",
    "nation",
    "postcode",
    "latitude",
    "longitude",
    "country",
    "website",
)
OPTIONAL_COLUMNS = (
    "address_line_1",
    "address_line_2",
    "town",
    "accreditation",
    "size",
    "subject",
    "year_opened",
    "year_closed",
    "aliases",
)
# Mapping Museums column for each museumshare column, to name the column a user sees.
MM_COLUMNS = {
    "ref": "museum_id",
    "name": "Name_of_museum",
    "address_line_1": "Address_line_1",
    "address_line_2": "Address_line_2",
    "town": "Village,_Town_or_City",
    "postcode": "Postcode",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "governance": "Governance",
    "accreditation": "Accreditation",
    "size": "Size",
    "subject": "Subject_Matter",
    "year_opened": "Year_opened",
    "year_closed": "Year_closed",
    "nation": "Admin_area",
}
MM_STILL_OPEN = "9999"
KEPT_WHEN_BLANK = ("website", "aliases")


@dataclass
class ImportSummary(imports.ImportSummary):
    warnings: list[Problem] = field(default_factory=list)
    flagged_for_review: int = 0
    national_bodies: int = 0


@cache
def country_codes() -> dict[str, str]:
    """ISO 3166 codes by code and by English name, folded; looked up once per process."""
    codes: dict[str, str] = {}
    for code, name in countries:
        codes[fold(code)] = code
        codes[fold(str(name))] = code
    return codes


def _choice_message(value: str, choices: list[tuple[str, str]]) -> str:
    allowed = ", ".join(code for code, _ in choices)
    return f"'{value}' is not one of: {allowed}."


class OrganisationRowForm(forms.Form):
    """One organisation as a row of the museumshare CSV format."""

    ref = forms.CharField(max_length=100, error_messages={"required": "Enter the organisation's id."})
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the organisation's name."})
    kind = forms.CharField(required=False)
    governance = forms.CharField(required=False)
    is_national = forms.CharField(required=False)
    nation = forms.CharField(required=False)
    address_line_1 = forms.CharField(required=False, max_length=200)
    address_line_2 = forms.CharField(required=False, max_length=200)
    town = forms.CharField(required=False, max_length=100)
    postcode = forms.CharField(required=False, max_length=12)
    latitude = forms.CharField(required=False)
    longitude = forms.CharField(required=False)
    country = forms.CharField(required=False)
    website = forms.URLField(
        required=False, max_length=300, assume_scheme="https", error_messages={"invalid": "Enter a full web address."}
    )
    accreditation = forms.CharField(required=False)
    size = forms.CharField(required=False)
    subject = forms.CharField(required=False, max_length=120)
    year_opened = forms.CharField(required=False)
    year_closed = forms.CharField(required=False)
    aliases = forms.CharField(required=False, max_length=LONG_TEXT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The register's one rule for text (core.text): every cell is one line of plain text.
        for formfield in self.fields.values():
            formfield.validators.append(no_control_characters)

    def _choice(self, name: str, choices: type[models.TextChoices], default: str = "") -> str:
        value = self.cleaned_data.get(name, "").strip()
        if not value:
            return default
        code = vocabulary(choices).get(fold(value))
        if code is None:
            raise forms.ValidationError(_choice_message(value, choices.choices))
        return code

    def clean_kind(self) -> str:
        return self._choice("kind", Kind, Kind.MUSEUM.value)

    def clean_governance(self) -> str:
        value: str = self.cleaned_data.get("governance", "").strip()
        if value and value not in Governance.values:
            raise forms.ValidationError(_choice_message(value, Governance.choices))
        return value

    def clean_is_national(self) -> bool:
        value: str = self.cleaned_data.get("is_national", "").strip().lower()
        if value not in ("", "true", "false"):
            raise forms.ValidationError(f"'{value}' should be true or false.")
        return value == "true"

    def clean_nation(self) -> str:
        return self._choice("nation", Nation)

    def clean_accreditation(self) -> str:
        return self._choice("accreditation", Accreditation)

    def clean_size(self) -> str:
        return self._choice("size", Size)

    def clean_country(self) -> str:
        value = self.cleaned_data.get("country", "").strip()
        if not value:
            return "GB"
        code = country_codes().get(fold(value))
        if code is None:
            raise forms.ValidationError(f"'{value}' is not a country name or ISO 3166 code.")
        return code

    def _number(self, name: str) -> float | None:
        value = self.cleaned_data.get(name, "").strip()
        if not value:
            return None
        try:
            return float(value)
        except ValueError:
            raise forms.ValidationError(f"'{value}' is not a number.") from None

    def clean_latitude(self) -> float | None:
        return self._number("latitude")

    def clean_longitude(self) -> float | None:
        return self._number("longitude")

    def _year(self, name: str) -> int | None:
        value = self.cleaned_data.get(name, "").strip()
        if not value:
            return None
        if not value.isdigit() or not 1000 <= int(value) <= 2100:
            raise forms.ValidationError(f"'{value}' is not a year.")
        return int(value)

    def clean_year_opened(self) -> int | None:
        return self._year("year_opened")

    def clean_year_closed(self) -> int | None:
        return self._year("year_closed")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not self.errors:
            self.add_error("latitude", "Give both latitude and longitude, or neither.")
        opened, closed = data.get("year_opened"), data.get("year_closed")
        if opened and closed and closed < opened:
            self.add_error("year_closed", f"The museum cannot close ({closed}) before it opened ({opened}).")
        return data


@dataclass
class Candidate:
    """A valid row on its way into the register."""

    row: int
    ref: str
    values: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def _mm_years(value: str) -> tuple[str, str]:
    low, _, high = value.partition(":")
    return low.strip(), (high or low).strip()


def _mm_kind(row: dict[str, str]) -> str:
    """Mapping Museums records every site as a museum; its subject tells houses and galleries apart."""
    subject = row.get("Subject_Matter", "")
    if subject.startswith("Buildings-Houses"):
        return Kind.HISTORIC_HOUSE
    if subject.startswith("Arts-Fine_and_decorative_arts") and "gallery" in row.get("Name_of_museum", "").lower():
        return Kind.GALLERY
    return Kind.MUSEUM


def mapping_museums_row(row: dict[str, str]) -> dict[str, str]:
    """A Mapping Museums row in the columns of the museumshare format."""
    opened, _ = _mm_years(row.get("Year_opened", ""))
    _, closed = _mm_years(row.get("Year_closed", ""))
    admin_nation = row.get("Admin_area", "").strip("/").split("/")[0]
    postcode = row.get("Postcode", "").strip()
    country = geography.crown_dependency(postcode) or "GB"
    governance = row.get("Governance", "").strip()
    return {
        "ref": row.get("museum_id", "").strip(),
        "name": row.get("Name_of_museum", "").strip(),
        "kind": _mm_kind(row),
        "governance": governance,
        "is_national": "true" if governance == Governance.NATIONAL else "false",
        "nation": admin_nation if admin_nation in Nation.values else "",
        "address_line_1": row.get("Address_line_1", "").strip(),
        "address_line_2": row.get("Address_line_2", "").strip(),
        "town": row.get("Village,_Town_or_City", "").strip(),
        "postcode": postcode,
        "latitude": row.get("Latitude", "").strip(),
        "longitude": row.get("Longitude", "").strip(),
        "country": country,
        "website": "",
        "accreditation": row.get("Accreditation", "").strip(),
        "size": row.get("Size", "").strip(),
        "subject": row.get("Subject_Matter", "").strip(),
        "year_opened": opened,
        "year_closed": "" if closed == MM_STILL_OPEN else closed,
        "aliases": "",
    }


def _read(path: Path) -> tuple[str, list[str], list[dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = list(reader.fieldnames or [])
            rows = list(reader)
    except FileNotFoundError:
        raise ImportFailed(f"There is no file at {path}.") from None
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{path} is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8.") from None
    except csv.Error as exc:
        raise ImportFailed(f"{path} is not a readable CSV file: {exc}.") from None
    if "museum_id" in header:
        missing = [c for c in MM_COLUMNS.values() if c not in header]
        fmt = "Mapping Museums"
    elif "ref" in header:
        missing = [c for c in OWN_COLUMNS if c not in header]
        fmt = "museumshare"
    else:
        raise ImportFailed(
            "The header has neither a museum_id column (a Mapping Museums file) "
            "nor a ref column (a museumshare file); see docs/csv-format.md."
        )
    if missing:
        raise ImportFailed(f"The {fmt} header is missing the column(s): {', '.join(missing)}.")
    return fmt, header, rows


def national_sites() -> list[dict[str, str]]:
    with NATIONAL_MUSEUMS_FILE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _validate(fmt: str, rows: list[dict[str, str]], summary: ImportSummary, on_row: OnRow | None) -> list[Candidate]:
    sites = national_sites()
    national_refs = {site["site_ref"] for site in sites}
    # A national body whose main site is a register entry goes by its own name today
    # (Museum of the Home, not Geffrye Museum); the register's name stays as an alias.
    body_names = {site["body_ref"]: site["body_name"] for site in sites if site["body_ref"] == site["site_ref"]}

    def column_name(column: str) -> str:
        return MM_COLUMNS.get(column, column) if fmt == "Mapping Museums" else column

    first_row_of: dict[str, int] = {}
    candidates: list[Candidate] = []
    for number, raw in enumerate(rows, start=2):
        if on_row:
            on_row("Checking", number - 1, len(rows))
        record = mapping_museums_row(raw) if fmt == "Mapping Museums" else raw
        form = OrganisationRowForm(data={k: (v or "") for k, v in record.items() if k})
        ref = (record.get("ref") or "").strip()
        problems = [
            Problem(number, column_name(name), str(message), ref)
            for name, messages in form.errors.items()
            for message in messages
        ]
        if ref and ref in first_row_of:
            problems.append(Problem(number, column_name("ref"), f"'{ref}' is already on row {first_row_of[ref]}.", ref))
        elif ref:
            first_row_of[ref] = number
        if problems:
            summary.errors.extend(problems)
            continue
        data = form.cleaned_data
        values = {name: value for name, value in data.items() if name not in ("ref", "aliases")}
        aliases = [a.strip() for a in data["aliases"].split("|") if a.strip()]
        if data["ref"] in body_names and body_names[data["ref"]] != values["name"]:
            aliases.append(values["name"])
            values["name"] = body_names[data["ref"]]
        values["aliases"] = "\n".join(aliases)
        # A national site is national whatever the file says, or every import would undo the grouping.
        values["is_national"] = values["is_national"] or data["ref"] in national_refs
        # Websites and aliases are also kept by people; a file that leaves them blank keeps theirs.
        for name in KEPT_WHEN_BLANK:
            if not values[name]:
                del values[name]
        candidates.append(Candidate(row=number, ref=data["ref"], values=values))
    return candidates


def _place(candidates: list[Candidate], summary: ImportSummary) -> None:
    """Check each row's coordinates and give it its district, upper tier, region and nation."""
    to_locate: list[Candidate] = []
    for c in candidates:
        v = c.values
        lat, lon = v["latitude"], v["longitude"]
        for name in Organisation.GEOGRAPHY_FIELDS:
            v[name] = ""
        if v["country"] != "GB":
            v["nation"] = ""
        if lat is None:
            continue
        if not geography.is_valid_coordinate(lat, lon):
            _drop_point(c, summary, f"impossible coordinates ({lat}, {lon}) were left out.")
        elif v["country"] == "GB" or geography.crown_dependency(v["postcode"]):
            if not geography.in_british_isles(lat, lon):
                _drop_point(c, summary, f"coordinates ({lat}, {lon}) are outside the UK and were left out.")
            elif v["country"] == "GB":
                to_locate.append(c)
    found = geography.locate_many([(c.values["latitude"], c.values["longitude"]) for c in to_locate])
    for c, district in zip(to_locate, found, strict=True):
        v = c.values
        if district is None:
            _drop_point(
                c,
                summary,
                f"coordinates ({v['latitude']}, {v['longitude']}) are more than "
                f"{geography.COASTAL_TOLERANCE_KM:g} km from any UK local authority and were left out.",
            )
            continue
        if v["nation"] and v["nation"] != district.nation:
            _warn(
                c, summary, "nation", f"nation is given as {v['nation']} but the coordinates are in {district.nation}."
            )
        v.update(
            nation=district.nation,
            region_code=district.region_code,
            region_name=district.region_name,
            upper_tier_code=district.upper_tier_code,
            upper_tier_name=district.upper_tier_name,
            district_code=district.code,
            district_name=district.name,
        )


def _warn(c: Candidate, summary: ImportSummary, column: str, message: str) -> None:
    if summary.format == "Mapping Museums":
        column = MM_COLUMNS.get(column, column)
    summary.warnings.append(Problem(c.row, column, message, c.ref))
    c.notes.append(message[0].upper() + message[1:])


def _drop_point(c: Candidate, summary: ImportSummary, message: str) -> None:
    c.values["latitude"] = c.values["longitude"] = None
    _warn(c, summary, "latitude", message)


def _name_key(name: str) -> str:
    words = fold(name).split()
    if words and words[0] == "the":
        words = words[1:]
    return re.sub(r"[^a-z0-9]", "", "".join(words))


def _flag_duplicates(candidates: list[Candidate], summary: ImportSummary) -> None:
    """Flag rows whose name is the same as another's, give or take punctuation, at one postcode."""
    refs = {c.ref for c in candidates}
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    existing = Organisation.objects.exclude(postcode="").values_list("postcode", "name", "external_id")
    for postcode, name, ref in existing.iterator():
        if ref not in refs:
            seen[(postcode.replace(" ", "").upper(), _name_key(name))] = (name, ref or "")
    for c in candidates:
        postcode = c.values["postcode"].replace(" ", "").upper()
        if not postcode:
            continue
        key = (postcode, _name_key(c.values["name"]))
        if key in seen:
            other_name, other_ref = seen[key]
            _warn(c, summary, "name", f"likely duplicate of {other_name} ({other_ref}) at the same postcode.")
        else:
            seen[key] = (c.values["name"], c.ref)


def _write(candidates: list[Candidate], summary: ImportSummary, actor: Actor) -> None:
    now = timezone.now()
    existing = {o.external_id: o for o in Organisation.objects.filter(external_id__in=[c.ref for c in candidates])}
    taken = set(Organisation.objects.values_list("slug", flat=True))
    to_create: list[Organisation] = []
    to_update: list[tuple[Organisation, dict[str, list[Any]]]] = []
    for c in candidates:
        values = c.values | {"needs_review": bool(c.notes), "review_notes": "\n".join(c.notes)}
        org = existing.get(c.ref)
        if org is None:
            org = Organisation(external_id=c.ref, slug=unique_slug(values["name"], taken, values["town"]), **values)
            org.search_text = org.make_search_text()
            to_create.append(org)
            continue
        before = audit.snapshot(org, Organisation.REGISTER_FIELDS)
        for name, value in values.items():
            setattr(org, name, value)
        org.search_text = org.make_search_text()
        changes = audit.diff(before, audit.snapshot(org, Organisation.REGISTER_FIELDS))
        if changes:
            org.updated_at = now
            to_update.append((org, changes))
    Organisation.objects.bulk_create(to_create, batch_size=500)
    Organisation.objects.bulk_update(
        [org for org, _ in to_update], [*Organisation.REGISTER_FIELDS, "updated_at"], batch_size=500
    )
    entries = [
        audit.entry(
            actor=actor,
            action="organisation.import",
            obj=org,
            changes=audit.diff({}, audit.snapshot(org, Organisation.REGISTER_FIELDS)),
        )
        for org in to_create
    ] + [audit.entry(actor=actor, action="organisation.import", obj=org, changes=ch) for org, ch in to_update]
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    summary.created = len(to_create)
    summary.updated = len(to_update)
    summary.unchanged = len(candidates) - len(to_create) - len(to_update)
    summary.flagged_for_review = sum(1 for c in candidates if c.notes)


def group_national_museums(*, actor: Actor) -> int:
    """Put each national site in the register under its national body, with a venue for each site.

    Bodies whose main site is itself in the register (the National Gallery) are that entry;
    the others (Tate, Science Museum Group) get one of their own, placed at their headquarters.
    Only bodies with at least one site in the register are touched. Returns their number.
    """
    rows = national_sites()
    sites = {o.external_id: o for o in Organisation.objects.filter(external_id__in=[r["site_ref"] for r in rows])}
    bodies: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        if row["site_ref"] in sites:
            bodies.setdefault(row["body_ref"], []).append(row)
    existing = {o.external_id: o for o in Organisation.objects.filter(external_id__in=list(bodies))}
    taken = set(Organisation.objects.values_list("slug", flat=True))
    for body_ref, body_rows in bodies.items():
        first = body_rows[0]
        hq = next((sites[r["site_ref"]] for r in body_rows if r["headquarters"] == "true"), sites[first["site_ref"]])
        body = existing.get(body_ref) or sites.get(body_ref)
        wanted: dict[str, Any] = {
            "is_national": True,
            "national_group": None,
            "partnership_report": first["partnership_report"] == "true",
            "sponsor": first["sponsor"],
        }
        if body is None or not body_ref.startswith("mm."):
            wanted |= {"name": first["body_name"], "kind": Kind.MUSEUM, "governance": Governance.NATIONAL}
            wanted |= {name: getattr(hq, name) for name in Organisation.LOCATION_FIELDS}
        if body is None:
            body = Organisation(external_id=body_ref, slug=unique_slug(first["body_name"], taken), **wanted)
            body.search_text = body.make_search_text()
            body.save()
            audit.record(
                actor=actor,
                action="organisation.group_national",
                obj=body,
                changes=audit.diff({}, audit.snapshot(body, wanted)),
            )
        else:
            _apply(body, wanted, actor)
        for row in body_rows:
            site = sites[row["site_ref"]]
            if site.pk != body.pk:
                _apply(site, {"is_national": True, "national_group": body}, actor)
            _venue_for_site(body, site, actor)
    return len(bodies)


def _apply(org: Organisation, wanted: dict[str, Any], actor: Actor) -> None:
    before = audit.snapshot(org, wanted)
    for name, value in wanted.items():
        setattr(org, name, value)
    changes = audit.diff(before, audit.snapshot(org, wanted))
    if changes:
        org.search_text = org.make_search_text()
        org.save()
        audit.record(actor=actor, action="organisation.group_national", obj=org, changes=changes)


def _venue_for_site(body: Organisation, site: Organisation, actor: Actor) -> None:
    wanted = {"name": site.name} | {name: getattr(site, name) for name in Venue.LOCATION_FIELDS}
    venue = Venue.objects.filter(organisation=body, site=site).first()
    if venue is None:
        venue = Venue.objects.create(organisation=body, site=site, **wanted)
        audit.record(
            actor=actor, action="venue.create", obj=venue, changes=audit.diff({}, audit.snapshot(venue, wanted))
        )
        return
    before = audit.snapshot(venue, wanted)
    for name, value in wanted.items():
        setattr(venue, name, value)
    changes = audit.diff(before, audit.snapshot(venue, wanted))
    if changes:
        venue.save()
        audit.record(actor=actor, action="venue.update", obj=venue, changes=changes)


def _write_rejects(path: Path, header: list[str], rows: list[dict[str, str]], errors: list[Problem]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        imports.write_rejects(f, header, enumerate(rows, start=2), errors)


def import_organisations(
    *,
    path: Path,
    actor: Actor = COMMAND_LINE,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
    on_row: OnRow | None = None,
) -> ImportSummary:
    """Import a CSV file into the register; see the module docstring for the rules."""
    fmt, header, rows = _read(path)
    summary = ImportSummary(format=fmt, rows_read=len(rows))
    candidates = _validate(fmt, rows, summary, on_row)
    if summary.errors and not skip_invalid:
        raise ImportFailed(f"{summary.rejected} of {len(rows)} rows have errors, so nothing was imported.", summary)
    _place(candidates, summary)
    _flag_duplicates(candidates, summary)
    summary.warnings.sort(key=lambda problem: problem.row)
    with transaction.atomic():
        _write(candidates, summary, actor)
        summary.national_bodies = group_national_museums(actor=actor)
    if summary.errors:
        summary.rejects_path = rejects_path or Path.cwd() / f"{path.stem}-rejects.csv"
        _write_rejects(summary.rejects_path, header, rows, summary.errors)
    return summary
