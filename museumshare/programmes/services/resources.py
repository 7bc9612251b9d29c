"""The knowledge-exchange library's resources."""

from typing import Any

from django.db import transaction

from museumshare.core import audit
from museumshare.core.services import Actor, Refused, person, require
from museumshare.programmes.models import (
    Resource,
)
from museumshare.programmes.services.common import (
    _require_for,
)

# Resources


RESOURCE_CHANGERS_ONLY = (
    "Only the person who added a resource, its organisation's editors and its programme's managers can change it."
)


@transaction.atomic
def resource_create(*, actor: Actor, data: dict[str, Any], file: Any = None, is_demo: bool = False) -> Resource:
    _require_for(actor, "programmes.add_resource", data.get("organisation"))
    resource = Resource(**data, created_by=person(actor), is_demo=is_demo)
    if file is not None:
        resource.file = file
    if not resource.url and not resource.file:
        raise Refused({"url": "Give a web address for the resource, or upload a file."})
    resource.full_clean()
    resource.save()
    audit.record(
        actor=actor,
        action="resource.create",
        obj=resource,
        changes=audit.diff({}, audit.snapshot(resource, data.keys())),
    )
    return resource


@transaction.atomic
def resource_update(*, resource: Resource, actor: Actor, data: dict[str, Any]) -> dict[str, list[Any]]:
    require(actor, "programmes.change_resource", resource, message=RESOURCE_CHANGERS_ONLY)
    if data.get("organisation") is not None and data["organisation"].pk != resource.organisation_id:
        _require_for(actor, "programmes.add_resource", data["organisation"])
    return audit.save_changes(resource, actor=actor, action="resource.update", data=data)


@transaction.atomic
def resource_delete(*, resource: Resource, actor: Actor) -> None:
    require(actor, "programmes.change_resource", resource, message=RESOURCE_CHANGERS_ONLY)
    audit.record(
        actor=actor,
        action="resource.delete",
        obj=resource,
        changes=audit.diff(audit.snapshot(resource, Resource.FIELDS), {}),
    )
    if resource.file:
        resource.file.delete(save=False)
    resource.delete()
