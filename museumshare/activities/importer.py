"""Import activities from a CSV or Excel file into the register of partnership activity.

Each row is one activity, checked by the forms of the web pages: `ActivityForm` for the activity,
`PartnerRowForm` for each partner, and one `OrganisationMatcher` for every organisation in the
file. Rows are matched to the register by `ref`, so importing a file twice changes nothing: a new
ref creates an activity (`activity_create_many`, which writes what `activity_create` does, in
batches), a known one updates it (`activity_update`) when anything in the row differs from the
register. A row whose lead the actor may not record for (activities.add_activity_for, the rule
the web form and the API ask), or whose ref is another organisation's activity, is an error of that
row. If any row has an error, nothing is written unless `skip_invalid` is given; then the valid rows
are written and the others set aside, with their errors, as CSV. The writes are one transaction.
See docs/activities-import.md for the columns and their values.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first activity row 2.
"""

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from museumshare.activities.forms import ActivityForm, PartnerRowForm
from museumshare.activities.models import Activity, Kind, PartnerRole, Place, Status, Visibility
from museumshare.activities.services import (
    PartnerSpec,
    PlaceSpec,
    activity_create_many,
    activity_update,
    partner_roles,
)
from museumshare.core import audit, geography, imports
from museumshare.core.console import COMMAND_LINE, OnRow
from museumshare.core.imports import ImportFailed, ImportSummary, Problem, vocabulary
from museumshare.core.services import Actor, NotPermitted, allowed
from museumshare.core.tables import column_key, date_text, read_table
from museumshare.core.text import fold
from museumshare.organisations.forms import OrganisationMatcher
from museumshare.organisations.importer import country_codes
from museumshare.organisations.models import Organisation

COLUMNS = (
    "ref",
    "title",
    "kind",
    "lead",
    "partners",
    "start_date",
    "end_date",
    "status",
    "description",
    "visitors",
    "participants",
    "objects",
    "funding_amount",
    "funder",
    "themes",
    "not_pre_planned",
    "digital",
    "evidence_links",
    "visibility",
    "places",
)
REQUIRED_COLUMNS = ("ref", "title", "kind", "lead", "start_date")
# The file's column for each ActivityForm field whose name differs, to name the column a user sees.
COLUMN_OF_FIELD = {"external_ref": "ref", "objects_count": "objects"}
FIELD_OF_COLUMN = {column: name for name, column in COLUMN_OF_FIELD.items()}
CHOICES = {"kind": Kind, "status": Status, "visibility": Visibility}
DEFAULTS = {"status": Status.ACTIVE.value, "visibility": Visibility.PARTNERS.value}
BOOLEANS = {"true": True, "yes": True, "y": True, "1": True, "false": False, "no": False, "n": False, "0": False}
PARTNER_ROLES = [role for role in PartnerRole if role != PartnerRole.LEAD]
NUMBER_COLUMNS = ("visitors", "participants", "objects", "funding_amount")
LIST_SEPARATOR = ";"
WRITE_BATCH = 1000
# Any fixed number: the advisory lock that lets one activities import write at a time.
IMPORT_LOCK = 0x6D7361637473
# From this many rows, fetching the whole register at once beats a query per organisation named.
LOAD_REGISTER_FROM = 100
GSS_CODE = re.compile(r"^[ENSW]\d{8}$")
WITH_ROLE = re.compile(r"^(?P<name>.*?\S)\s*\((?P<role>[^()]*)\)$")
THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")
PENCE = Decimal("0.01")


@dataclass
class Candidate:
    """A valid row on its way into the register."""

    row: int
    ref: str
    data: dict[str, Any]
    partners: list[PartnerSpec] | None
    places: list[PlaceSpec] | None
    existing: Activity | None


class ActivityRowForm(ActivityForm):
    """The web page's ActivityForm, for one row of a file.

    Two checks that cost a query a row are made otherwise: the uniqueness of `ref` is checked for
    the whole file at once, against the register and the file's other rows; and the model's
    constraint that an activity ends after it starts is ActivityForm.clean's check already.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.validate_constraints = _checked_by_the_form  # type: ignore[method-assign]

    def validate_unique(self) -> None:
        pass


def _checked_by_the_form(exclude: Any = None) -> None:
    pass


@dataclass
class Checker:
    """Checks rows one by one, with what the whole file shares: one matcher and the existing activities."""

    columns: set[str]
    existing: dict[str, Activity]
    actor: Actor
    matcher: OrganisationMatcher = field(default_factory=OrganisationMatcher)
    first_row_of: dict[str, int] = field(default_factory=dict)

    def check(self, number: int, record: dict[str, str]) -> Candidate | list[Problem]:
        ref = record.get("ref", "")
        problems: dict[str, list[str]] = {}

        def problem(column: str, message: str) -> None:
            problems.setdefault(column, []).append(message)

        if not ref:
            problem("ref", "Enter your reference for the activity, so that importing the file again updates it.")
        elif ref in self.first_row_of:
            problem("ref", f"'{ref}' is already on row {self.first_row_of[ref]}.")
        else:
            self.first_row_of[ref] = number
        form = ActivityRowForm(data=self._form_data(record, problem), matcher=self.matcher)
        form.is_valid()
        for name, errors in form.errors.as_data().items():
            column = COLUMN_OF_FIELD.get(name, "" if name == NON_FIELD_ERRORS else name)
            if column in problems:  # already explained in the file's own terms
                continue
            for error in errors:
                if error.code == "invalid_choice" and column in CHOICES:
                    problem(column, _choice_message(record.get(column, ""), column))
                else:
                    for message in error.messages:
                        problem(column, message)
        partners = self._partners(record, problem) if "partners" in self.columns else None
        places = self._places(record, problem) if "places" in self.columns else None
        existing = self.existing.get(ref)
        lead = form.cleaned_data.get("lead")
        if lead is not None and not allowed(self.actor, "activities.add_activity_for", lead):
            problem("lead", "You can only import activities for organisations you edit for.")
        if existing is not None and not allowed(self.actor, "activities.change_activity", existing):
            problem("ref", f"Another organisation's activity has the reference '{ref}': use another reference.")
        if problems:
            return [
                Problem(number, column, message, ref)
                for column in sorted(problems, key=_column_order)
                for message in problems[column]
            ]
        data = form.activity_data()
        if data["funding_amount"] is not None:
            # As the database gives it back, so that importing 1200 again is no change from 1200.00.
            data["funding_amount"] = data["funding_amount"].quantize(PENCE)
        return Candidate(number, ref, data, partners, places, existing)

    def _form_data(self, record: dict[str, str], problem: Callable[[str, str], None]) -> dict[str, str]:
        data: dict[str, str] = {}
        for column in COLUMNS:
            value = record.get(column, "")
            if column in CHOICES:
                value = vocabulary(CHOICES[column]).get(fold(value), value) if value else DEFAULTS.get(column, "")
            elif column in ("start_date", "end_date"):
                value = date_text(value)
            elif column in ("not_pre_planned", "digital"):
                flag = BOOLEANS.get(value.lower()) if value else False
                if flag is None:
                    problem(column, f"'{value}' should be true or false (yes and no work too).")
                value = "true" if flag else "false"
            elif column in NUMBER_COLUMNS:
                value = value.removeprefix("£").strip()
                if THOUSANDS.match(value):
                    value = value.replace(",", "")
            elif column == "evidence_links":
                value = "\n".join(re.split(r"[\s;]+", value)).strip()
            data[FIELD_OF_COLUMN.get(column, column)] = value
        return data

    def _partners(self, record: dict[str, str], problem: Callable[[str, str], None]) -> list[PartnerSpec]:
        partners: list[PartnerSpec] = []
        seen: set[int] = set()
        for entry in _entries(record.get("partners", "")):
            name, role = self._name_and_role(entry)
            form = PartnerRowForm(
                data={"organisation": name, "role": vocabulary(PartnerRole).get(fold(role), role)},
                matcher=self.matcher,
            )
            if not form.is_valid():
                for field_name, errors in form.errors.as_data().items():
                    for error in errors:
                        if field_name == "role":
                            allowed = ", ".join(PARTNER_ROLES)
                            problem("partners", f"{entry}: '{role}' is not a partner's role; use {allowed}.")
                        else:
                            problem("partners", " ".join(error.messages))
                continue
            organisation: Organisation = form.cleaned_data["organisation"]
            if organisation.pk in seen:
                problem("partners", f"{organisation.name} is listed more than once.")
            seen.add(organisation.pk)
            partners.append((organisation, form.cleaned_data["role"]))
        return partners

    def _name_and_role(self, entry: str) -> tuple[str, str]:
        """'Laing Art Gallery (host)' is the Laing as host; 'Limavady Museum (Green Lane Museum)' is a name."""
        match = WITH_ROLE.match(entry)
        if match is None:
            return entry, PartnerRole.PARTNER
        name, role = match.group("name"), match.group("role").strip()
        if fold(role) in vocabulary(PartnerRole) or (not self._names_one(entry) and self._names_one(name)):
            return name, role
        return entry, PartnerRole.PARTNER

    def _names_one(self, text: str) -> bool:
        try:
            self.matcher.find(text)
        except forms.ValidationError:
            return False
        return True

    def _places(self, record: dict[str, str], problem: Callable[[str, str], None]) -> list[PlaceSpec]:
        places: list[PlaceSpec] = []
        for entry in _entries(record.get("places", "")):
            try:
                spec = self._place(entry)
            except forms.ValidationError as exc:
                problem("places", " ".join(exc.messages))
                continue
            if spec not in places:
                places.append(spec)
        return places

    def _place(self, text: str) -> PlaceSpec:
        if GSS_CODE.match(text.upper()):
            if text.upper() not in geography.districts_by_code():
                raise forms.ValidationError(
                    f"'{text}' is not the code of a UK local authority (a 2025 GSS code such as E08000021)."
                )
            return PlaceSpec(district_code=text.upper())
        country = country_codes().get(fold(text))
        if country == "GB":
            raise forms.ValidationError(
                f"'{text}' is too wide a place: give a UK local authority's code, such as E08000021, "
                "or an organisation."
            )
        if country:
            return PlaceSpec(country=country)
        if len(text) > 300:
            raise forms.ValidationError("A place can be at most 300 characters.")
        try:
            return PlaceSpec(organisation=self.matcher.find(text))
        except forms.ValidationError as exc:
            district = _districts_by_name().get(fold(text))
            if district:
                raise forms.ValidationError(f"Give the local authority's code: {district} for {text}.") from None
            raise forms.ValidationError(
                f"{' '.join(exc.messages)} A place is an organisation, a UK local authority code "
                "such as E08000021, or a country such as France."
            ) from None


def _entries(value: str) -> list[str]:
    return [entry.strip() for entry in value.split(LIST_SEPARATOR) if entry.strip()]


@cache
def _districts_by_name() -> dict[str, str]:
    return {fold(d.name): d.code for d in geography.districts()}


def _choice_message(value: str, column: str) -> str:
    choices = CHOICES[column]
    if column != "kind":
        return f"'{value}' is not one of: {', '.join(choices.values)}."
    near = difflib.get_close_matches(fold(value), list(vocabulary(choices)), n=1, cutoff=0.6)
    code = vocabulary(choices)[near[0]] if near else ""
    hint = f" Did you mean {code} ({Kind(code).label})?" if code else " The import guide lists the kinds."
    return f"'{value}' is not a kind of activity.{hint}"


def _column_order(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else -1


def _existing(refs: list[str]) -> dict[str, Activity]:
    found: dict[str, Activity] = {}
    for start in range(0, len(refs), 500):
        chunk = (
            Activity.objects.filter(external_ref__in=refs[start : start + 500])
            .select_related("lead")
            .prefetch_related("partners", "places")
        )
        found.update((activity.external_ref or "", activity) for activity in chunk)
    return found


def _is_unchanged(candidate: Candidate) -> bool:
    activity = candidate.existing
    assert activity is not None
    wanted = {name: audit.plain(value) for name, value in candidate.data.items()}
    if audit.snapshot(activity, Activity.FIELDS) != wanted:
        return False
    if candidate.partners is not None:
        roles = partner_roles(candidate.data["lead"], candidate.partners)
        if {p.organisation_id: p.role for p in activity.partners.all()} != roles:
            return False
    if candidate.places is not None:
        return sorted(_place_key(p) for p in activity.places.all()) == sorted(_spec_key(s) for s in candidate.places)
    return True


def _place_key(place: Place) -> tuple[str, str]:
    if place.organisation_id:
        return ("organisation", str(place.organisation_id))
    if place.district_code and not place.venue_id:
        return ("district", place.district_code)
    return ("country", place.country.code or "")


def _spec_key(spec: PlaceSpec) -> tuple[str, str]:
    if spec.organisation is not None:
        return ("organisation", str(spec.organisation.pk))
    if spec.district_code:
        return ("district", spec.district_code)
    return ("country", spec.country)


def _write(candidates: list[Candidate], summary: ImportSummary, actor: Actor, on_row: OnRow | None) -> None:
    new = [c for c in candidates if c.existing is None]
    try:
        for start in range(0, len(new), WRITE_BATCH):
            batch = new[start : start + WRITE_BATCH]
            activity_create_many(actor=actor, items=[(c.data, c.partners or [], c.places or []) for c in batch])
            summary.created += len(batch)
            if on_row:
                on_row("Saving", summary.created, len(candidates))
        for candidate in candidates:
            if candidate.existing is None:
                continue
            if not _is_unchanged(candidate) and activity_update(
                activity=candidate.existing,
                actor=actor,
                data=candidate.data,
                partners=candidate.partners,
                places=candidate.places,
            ):
                summary.updated += 1
            else:
                summary.unchanged += 1
            if on_row:
                on_row("Saving", summary.created + summary.updated + summary.unchanged, len(candidates))
    except (ValidationError, IntegrityError, NotPermitted) as exc:
        # Checked rows should save; this is an activity changed by someone else meanwhile (perhaps
        # recorded by another organisation's import while this file was checked), or a bug.
        reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise ImportFailed(f"The activities could not be saved ({reason}), so nothing was imported.") from exc


def import_activities_content(
    *,
    name: str,
    content: bytes,
    actor: Actor = COMMAND_LINE,
    skip_invalid: bool = False,
    on_row: OnRow | None = None,
) -> ImportSummary:
    """Import the file `name` whose bytes are `content`, as `actor`; see the module docstring for the
    rules. `on_row(stage, done, total)` is called as each row is checked and as each is saved.
    """
    table = read_table(name, content, required=REQUIRED_COLUMNS, records="activities")
    summary = ImportSummary(format=table.format, header=table.header, rows_read=len(table.rows))
    records = list(table.records())
    checker = Checker(
        columns={column_key(column) for column in table.header},
        existing=_existing(sorted({record.get("ref", "") for _, record in records} - {""})),
        actor=actor,
    )
    if len(records) >= LOAD_REGISTER_FROM:
        checker.matcher.load_all()
    candidates: list[Candidate] = []
    # Dates such as 1/4/2020 are read the British way wherever the import runs.
    with translation.override("en-gb"):
        for done, ((number, record), (_, cells)) in enumerate(zip(records, table.rows, strict=True), start=1):
            checked = checker.check(number, record)
            if isinstance(checked, Candidate):
                candidates.append(checked)
            else:
                summary.errors.extend(checked)
                summary.rejects.append((number, table.original(cells)))
            if on_row:
                on_row("Checking", done, len(records))
    if summary.errors and not skip_invalid:
        raise ImportFailed(
            f"{summary.rejected} of {summary.rows_read} rows have errors, so nothing was imported.", summary
        )
    with transaction.atomic():
        _one_import_at_a_time()
        # Another import may have recorded some of these references while this file was checked.
        found = _existing([c.ref for c in candidates if c.existing is None])
        for candidate in candidates:
            candidate.existing = candidate.existing or found.get(candidate.ref)
        _write(candidates, summary, actor, on_row)
    return summary


def _one_import_at_a_time() -> None:
    """On PostgreSQL, wait for any other import's writes to finish first (SQLite has one writer anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def import_activities(
    *,
    path: Path,
    actor: Actor = COMMAND_LINE,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
    on_row: OnRow | None = None,
) -> ImportSummary:
    """Import the CSV or Excel file at `path`; rejected rows go to `rejects_path` (or PATH-rejects.csv)."""
    content = imports.read_file(path)
    summary = import_activities_content(
        name=path.name,
        content=content,
        actor=actor,
        skip_invalid=skip_invalid,
        on_row=on_row,
    )
    if summary.errors:
        summary.save_rejects(rejects_path or Path.cwd() / f"{path.stem}-rejects.csv")
    return summary
