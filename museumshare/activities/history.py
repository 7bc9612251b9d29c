"""An activity's audit trail in plain words, for its page."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.dateformat import format as format_date

from museumshare.activities.models import Activity, Partner, PartnerRole, Status, Visibility
from museumshare.core import audit
from museumshare.core.models import AuditEntry
from museumshare.organisations.models import Organisation, Venue

ACTIONS = {
    "activity.create": "Recorded the activity",
    "activity.update": "Changed the activity",
    "activity.delete": "Deleted the activity",
    "partner.update": "Added a partner’s details",
}
CHOICES: dict[str, dict[str, str]] = {
    "kind": dict(Activity._meta.get_field("kind").flatchoices),
    "status": dict(Status.choices),
    "visibility": dict(Visibility.choices),
    "role": dict(PartnerRole.choices),
}
LONG_TEXT = 80


@dataclass(frozen=True)
class HistoryItem:
    at: datetime
    who: str
    what: str
    changes: list[str]


def describe(activity: Activity) -> list[HistoryItem]:
    """Who did what to `activity`, and when, newest first; changes read as sentences."""
    entries = list(audit.history(activity))
    names = _names(entries)
    return [
        HistoryItem(
            at=entry.at,
            who=entry.who,
            what=ACTIONS.get(entry.action, entry.action),
            # A new record's every field "changed"; saying so would only repeat the page.
            changes=[] if entry.action == "activity.create" else _changes(entry.changes, names),
        )
        for entry in entries
    ]


def _names(entries: Iterable[AuditEntry]) -> dict[str, dict[int, str]]:
    """Names of the organisations and venues the entries mention by id, in two queries at most."""
    organisation_ids: set[int] = set()
    venue_ids: set[int] = set()
    for entry in entries:
        for name, values in entry.changes.items():
            for value in values:
                if name == "lead" and isinstance(value, int):
                    organisation_ids.add(value)
                elif name == "partners" and isinstance(value, list):
                    organisation_ids.update(int(row.split(":")[0]) for row in value)
                elif name.endswith(": venue") and isinstance(value, int):
                    venue_ids.add(value)
    return {
        "organisation": dict(Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "name"))
        if organisation_ids
        else {},
        "venue": dict(Venue.objects.filter(pk__in=venue_ids).values_list("pk", "name")) if venue_ids else {},
    }


def _changes(changes: dict[str, list[Any]], names: dict[str, dict[int, str]]) -> list[str]:
    sentences = []
    for field, (before, after) in changes.items():
        if field == "partners":
            sentences.append(_partners(before or [], after or [], names["organisation"]))
        elif field == "places":
            sentences.append(_listed("Places", before or [], after or []))
        else:
            who, _, name = field.rpartition(": ")
            model: type[Activity] | type[Partner] = Partner if who else Activity
            label = _label(model, name)
            if who:
                label = f"{who}: {label.lower()}"
            sentences.append(_change(label, _word(name, before, names), _word(name, after, names)))
    return [sentence for sentence in sentences if sentence]


def _label(model: type[Activity] | type[Partner], name: str) -> str:
    try:
        verbose = str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    except FieldDoesNotExist:
        verbose = name.replace("_", " ")
    return verbose[:1].upper() + verbose[1:]


def _change(label: str, before: str, after: str) -> str:
    if not before:
        return f"{label} set to {after}"
    if not after:
        return f"{label} removed (was {before})"
    if len(before) > LONG_TEXT or len(after) > LONG_TEXT:
        return f"{label} changed"
    return f"{label} changed from {before} to {after}"


def _word(name: str, value: Any, names: dict[str, dict[int, str]]) -> str:
    """A stored value as a person would write it: names for ids, labels for codes, 1 April 2020."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name in ("lead", "venue"):
        kind = "organisation" if name == "lead" else "venue"
        return names[kind].get(value, f"a deleted {kind}")
    if name in CHOICES:
        return CHOICES[name].get(value, str(value))
    if name.endswith("_date"):
        return format_date(date.fromisoformat(value), "j F Y")
    if name == "funding_amount":
        try:
            return f"£{Decimal(value):,.2f}".removesuffix(".00")
        except InvalidOperation:
            return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _partners(before: list[str], after: list[str], organisations: dict[int, str]) -> str:
    def roles(rows: list[str]) -> dict[str, str]:
        by_name = {}
        for row in rows:
            pk, _, role = row.partition(":")
            name = organisations.get(int(pk), "a deleted organisation")
            by_name[name] = CHOICES["role"].get(role, role).lower()
        return by_name

    was, now = roles(before), roles(after)
    parts = []
    added = [f"{name} ({role})" for name, role in now.items() if name not in was]
    removed = [f"{name} ({role})" for name, role in was.items() if name not in now]
    changed = [f"{name} is now {role} (was {was[name]})" for name, role in now.items() if was.get(name, role) != role]
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    return f"Partners: {'; '.join(parts + changed)}" if parts or changed else ""


def _listed(label: str, before: list[str], after: list[str]) -> str:
    added = [item for item in after if item not in before]
    removed = [item for item in before if item not in after]
    parts = []
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    return f"{label}: {'; '.join(parts)}" if parts else ""
