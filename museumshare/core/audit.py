"""The audit log: every write service records who did what, to what, and what changed."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from museumshare.core.models import AuditEntry

Snapshot = dict[str, Any]


def plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        # 1200 and 1200.00 are the same amount; record them alike.
        return format(value.normalize(), "f")
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> Snapshot:
    """The values of `fields` on `obj`, as JSON-safe data (foreign keys by their id)."""
    result: Snapshot = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        result[name] = plain(getattr(obj, attname))
    return result


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [before, after]}; a missing side counts as None."""
    names = [*before, *(name for name in after if name not in before)]
    return {name: [before.get(name), after.get(name)] for name in names if before.get(name) != after.get(name)}


def entry(*, actor: Any, action: str, obj: models.Model, changes: Mapping[str, Any] | None = None) -> AuditEntry:
    """An unsaved entry, for services that write many records at once (bulk_create them)."""
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEntry(
        actor=user,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=dict(changes or {}),
    )


def record(*, actor: Any, action: str, obj: models.Model, changes: Mapping[str, Any] | None = None) -> AuditEntry:
    audit_entry = entry(actor=actor, action=action, obj=obj, changes=changes)
    audit_entry.save()
    return audit_entry


def history(obj: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")
