"""Events, who registers and attends, and the actions agreed at them."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from museumshare.activities.models import PartnerRole, Visibility
from museumshare.activities.models import Status as ActivityStatus
from museumshare.activities.services import PlaceSpec, activity_in_step
from museumshare.core import audit
from museumshare.core.services import Actor, Refused, allowed, require
from museumshare.organisations.models import Organisation
from museumshare.programmes import rules
from museumshare.programmes.models import (
    Action,
    Audience,
    Event,
    Registration,
)
from museumshare.programmes.services.common import (
    _create,
    _require_for,
    _signed_in,
)

# Events


def _record_event_activity(event: Event, actor: Actor) -> None:
    """The event in the register: its organiser leads; the organisations of the people who came take part."""
    registrations = list(event.registrations.select_related("organisation"))
    recorded = [r for r in registrations if r.attended is not None]
    came = [r for r in recorded if r.attended] if recorded else registrations
    organisations = {r.organisation.pk: r.organisation for r in came if r.organisation}
    organisations.pop(event.organiser_id, None)
    if recorded:
        status = ActivityStatus.COMPLETED
    elif event.starts_at > timezone.now():
        status = ActivityStatus.PLANNED
    else:
        status = ActivityStatus.ACTIVE
    digital = bool(event.online_link and not event.location)
    activity_in_step(
        work=event,
        ref=f"event:{event.pk}",
        actor=actor,
        data={
            "title": event.title,
            "kind": event.activity_kind,
            "lead": event.organiser,
            "start_date": timezone.localdate(event.starts_at),
            "end_date": timezone.localdate(event.ends_at or event.starts_at),
            "status": status,
            "participants": len(came) or None,
            "digital": digital,
            "description": event.description,
            "themes": event.programme.theme if event.programme else "",
        },
        partners=[(org, PartnerRole.PARTICIPANT) for org in organisations.values()],
        places=[] if digital else [PlaceSpec(organisation=event.organiser)],
        visibility=Visibility.PUBLIC if event.audience == Audience.OPEN else Visibility.PARTNERS,
    )


EVENT_MANAGERS_ONLY = "Only the event's organisers and the programme's managers can do that."


@transaction.atomic
def event_create(*, actor: Actor, data: dict[str, Any], is_demo: bool = False) -> Event:
    _require_for(actor, "programmes.add_event", data.get("organiser"))
    event = _create(Event, actor, "event.create", data, is_demo=is_demo)
    _record_event_activity(event, actor)
    return event


@transaction.atomic
def event_update(*, event: Event, actor: Actor, data: dict[str, Any]) -> dict[str, list[Any]]:
    require(actor, "programmes.change_event", event, message=EVENT_MANAGERS_ONLY)
    if "organiser" in data and data["organiser"].pk != event.organiser_id:
        _require_for(actor, "programmes.add_event", data["organiser"])
    changes = audit.save_changes(event, actor=actor, action="event.update", data=data)
    if changes.keys() - {"minutes", "agenda"}:
        _record_event_activity(event, actor)
    return changes


def may_register(user: Actor, event: Event) -> str:
    """Why `user` may not register, in words; empty when they may."""
    if event.starts_at < timezone.now():
        return "This event has already taken place."
    if event.audience == Audience.MEMBERS and not (
        rules.belongs_to_programme(user, event.programme) or allowed(user, "programmes.change_event", event)
    ):
        return f"This event is only for staff of the museums in {event.programme or 'the programme'}."
    if event.capacity is not None and event.registrations.count() >= event.capacity:
        return "This event is full."
    return ""


@transaction.atomic
def event_register(*, event: Event, actor: Actor, organisation: Organisation | None) -> Registration:
    require(actor, "programmes.register_for_event", event, message="Sign in to register for an event.")
    actor = _signed_in(actor)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if (why := may_register(actor, event)) != "":
        raise Refused(why)
    if organisation is not None and not actor.memberships.filter(organisation=organisation).exists():
        raise Refused({"organisation": "Choose an organisation you work for."})
    registration, created = Registration.objects.get_or_create(
        event=event, user=actor, defaults={"organisation": organisation}
    )
    if created:
        audit.record(actor=actor, action="event.register", obj=event, changes={"registered": [None, str(actor)]})
        _record_event_activity(event, actor)
    return registration


@transaction.atomic
def event_unregister(*, event: Event, actor: Actor) -> None:
    require(actor, "programmes.register_for_event", event, message="Sign in to cancel a registration.")
    deleted, _ = Registration.objects.filter(event=event, user=_signed_in(actor)).delete()
    if deleted:
        audit.record(actor=actor, action="event.unregister", obj=event, changes={"registered": [str(actor), None]})
        _record_event_activity(event, actor)


@transaction.atomic
def attendance_record(*, event: Event, actor: Actor, attended: set[int]) -> int:
    """Who came, by registration id; everyone else registered is recorded as absent. Returns how many came."""
    require(actor, "programmes.change_event", event, message=EVENT_MANAGERS_ONLY)
    registrations = event.registrations.all()
    registrations.filter(pk__in=attended).update(attended=True)
    registrations.exclude(pk__in=attended).update(attended=False)
    came = registrations.filter(attended=True).count()
    audit.record(actor=actor, action="event.attendance", obj=event, changes={"attended": [None, came]})
    _record_event_activity(event, actor)
    return came


@transaction.atomic
def action_create(*, event: Event, actor: Actor, data: dict[str, Any]) -> Action:
    require(actor, "programmes.change_event", event, message=EVENT_MANAGERS_ONLY)
    return _create(Action, actor, "action.create", data, event=event)


@transaction.atomic
def action_update(*, action: Action, actor: Actor, data: dict[str, Any]) -> dict[str, list[Any]]:
    require(
        actor,
        "programmes.change_action",
        action,
        message="Only the action's owner, the event's organisers and the programme's managers can do that.",
    )
    if "done" in data:
        data = data | {"done_at": timezone.now() if data["done"] else None}
        if action.done == data["done"]:
            data["done_at"] = action.done_at
    return audit.save_changes(action, actor=actor, action="action.update", data=data)
