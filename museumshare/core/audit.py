"""The audit log: every write service records who did what, to what, and what changed."""

from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest, HttpResponse

from museumshare.core.models import AuditEntry
from museumshare.core.network import client_ip
from museumshare.core.services import Actor, person

Snapshot = dict[str, Any]
# Who acted when nobody had signed in: someone asking for a reset link, trying to sign in.
NOT_SIGNED_IN = "someone not signed in"

# The request being answered, so that every entry written while answering it carries the
# client's address, however deep in a service it is made, and so that signal receivers (which
# get no request) know who is acting. None outside a request.
current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)


class AddressMiddleware:
    """Holds the request for the audit entries made while answering it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


def current_address() -> str | None:
    """The client's address (core.network.client_ip) of the request being answered, if any."""
    request = current_request.get()
    return (client_ip(request) or None) if request is not None else None


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


def assign(obj: models.Model, data: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set each of `data` on `obj` (unsaved) and return what that changed, as `diff` gives it."""
    before = snapshot(obj, data.keys())
    for name, value in data.items():
        setattr(obj, name, value)
    return diff(before, snapshot(obj, data.keys()))


def save_changes(obj: models.Model, *, actor: Actor, action: str, data: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set `data` on `obj`, and if that changed anything validate it, save it and record what changed."""
    changes = assign(obj, data)
    if changes:
        obj.full_clean()
        obj.save()
        record(actor=actor, action=action, obj=obj, changes=changes)
    return changes


def entry(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    changes: Mapping[str, Any] | None = None,
    address: str | None = None,
) -> AuditEntry:
    """An unsaved entry, for services that write many records at once (bulk_create them).

    The actor's name and email are copied in as they are now, so the entry says who acted even
    after the person is renamed or deleted. `address` defaults to the current request's."""
    user = person(actor)
    return AuditEntry(
        actor=user,
        # The system names itself ("command-line import"), as does someone not signed in.
        actor_name=NOT_SIGNED_IN if isinstance(actor, AnonymousUser) else actor.name,
        actor_email=getattr(user, "email", "") if user else "",
        address=address or current_address(),
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        # A failed sign-in with an unknown address is about an account that does not exist.
        object_id="" if obj.pk is None else str(obj.pk),
        object_repr=str(obj)[:300],
        changes=dict(changes or {}),
    )


def record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    changes: Mapping[str, Any] | None = None,
    address: str | None = None,
) -> AuditEntry:
    audit_entry = entry(actor=actor, action=action, obj=obj, changes=changes, address=address)
    audit_entry.save()
    return audit_entry


def history(obj: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")
