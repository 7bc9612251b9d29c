"""Writes to the register of partnership activity. Loans and programmes record theirs through here too.

The public services check the actor's permission (activities/rules.py) first; `activity_in_step` and
the private `_create_many` and `_update` do not, as their callers have checked it over the loan or
programme work the activity counts.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django_countries import countries

from museumshare.activities.models import Activity, Partner, PartnerRole, Place, Visibility
from museumshare.core import audit, geography
from museumshare.core.models import AuditEntry
from museumshare.core.services import Actor, person, require
from museumshare.organisations.models import Located, Organisation, Venue


@dataclass(frozen=True)
class PlaceSpec:
    """Where something happened: exactly one of an organisation's site, a venue, a district or a country."""

    organisation: Organisation | None = None
    venue: Venue | None = None
    district_code: str = ""
    country: str = ""

    def build(self, activity: Activity) -> Place:
        place = Place(activity=activity, organisation=self.organisation, venue=self.venue)
        source: Located | None = self.venue or self.organisation
        if source is not None:
            for name in Located.LOCATION_FIELDS:
                setattr(place, name, getattr(source, name))
            place.name = str(self.venue.name if self.venue else source)
        elif self.district_code:
            district = geography.districts_by_code()[self.district_code]
            place.name = district.name
            place.country = "GB"
            place.nation = district.nation
            place.region_code, place.region_name = district.region_code, district.region_name
            place.upper_tier_code, place.upper_tier_name = district.upper_tier_code, district.upper_tier_name
            place.district_code, place.district_name = district.code, district.name
        else:
            place.country = self.country
            place.name = str(dict(countries).get(self.country, self.country))
        return place


PartnerSpec = tuple[Organisation, str]

MAY_NOT_CHANGE = "Only editors at the lead organisation can change or delete this activity."


def _require_may_lead(actor: Actor, lead: Organisation | None) -> None:
    """Refuse an activity led by an organisation the actor does not edit for (administrators may)."""
    require(
        actor,
        "activities.add_activity_for",
        lead,
        message=f"You can record activities only for organisations you edit for, not {lead}.",
    )


def partner_roles(lead: Organisation, partners: Iterable[PartnerSpec]) -> dict[int, str]:
    """Role by organisation id; the lead is always there, as lead, and the only lead."""
    roles = {
        org.pk: PartnerRole.PARTNER if role == PartnerRole.LEAD else role for org, role in partners if org.pk != lead.pk
    }
    return {lead.pk: PartnerRole.LEAD} | roles


def _describe(
    activity: Activity, partners: Iterable[Partner] | None = None, places: Iterable[Place] | None = None
) -> dict[str, Any]:
    """What the audit log records of an activity; its partners and places are read unless given."""
    values = audit.snapshot(activity, Activity.FIELDS)
    partners = activity.partners.all() if partners is None else partners
    places = activity.places.all() if places is None else places
    values["partners"] = sorted(f"{p.organisation_id}:{p.role}" for p in partners)
    values["places"] = sorted(place.name for place in places)
    return values


def activity_create(
    *, actor: Actor, data: dict[str, Any], partners: Sequence[PartnerSpec] = (), places: Sequence[PlaceSpec] = ()
) -> Activity:
    return activity_create_many(actor=actor, items=[(data, partners, places)])[0]


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    actor: Actor,
    data: dict[str, Any],
    partners: Sequence[PartnerSpec] | None = None,
    places: Sequence[PlaceSpec] | None = None,
) -> dict[str, list[Any]]:
    """Change an activity; `partners` and `places`, when given, replace the lists (partners keep their details)."""
    require(actor, "activities.change_activity", activity, message=MAY_NOT_CHANGE)
    lead = data.get("lead")
    if lead is not None and lead.pk != activity.lead_id:
        _require_may_lead(actor, lead)
    return _update(activity=activity, actor=actor, data=data, partners=partners, places=places)


def _update(
    *,
    activity: Activity,
    actor: Actor,
    data: dict[str, Any],
    partners: Sequence[PartnerSpec] | None,
    places: Sequence[PlaceSpec] | None,
) -> dict[str, list[Any]]:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    before = _describe(activity)
    for name, value in data.items():
        setattr(activity, name, value)
    activity.full_clean(exclude=["lead"])
    activity.save()
    if partners is not None or "lead" in data:
        wanted = partner_roles(activity.lead, partners if partners is not None else _current(activity))
        existing = {p.organisation_id: p for p in activity.partners.all()}
        activity.partners.exclude(organisation_id__in=wanted).delete()
        for org_id, role in wanted.items():
            row = existing.get(org_id)
            if row is None:
                Partner.objects.create(activity=activity, organisation_id=org_id, role=role)
            elif row.role != role:
                row.role = role
                row.save(update_fields=["role"])
    if places is not None:
        activity.places.all().delete()
        Place.objects.bulk_create(spec.build(activity) for spec in places)
    changes = audit.diff(before, _describe(activity))
    if changes:
        audit.record(actor=actor, action="activity.update", obj=activity, changes=changes)
    return changes


def _current(activity: Activity) -> list[PartnerSpec]:
    return [(p.organisation, p.role) for p in activity.partners.select_related("organisation")]


@transaction.atomic
def activity_delete(*, activity: Activity, actor: Actor) -> None:
    require(actor, "activities.delete_activity", activity, message=MAY_NOT_CHANGE)
    audit.record(actor=actor, action="activity.delete", obj=activity, changes=audit.diff(_describe(activity), {}))
    activity.delete()


@transaction.atomic
def partner_update(*, partner: Partner, actor: Actor, data: dict[str, Any]) -> dict[str, list[Any]]:
    """A partner's own details on an activity: its venue and its reach."""
    require(
        actor,
        "activities.change_partner",
        partner,
        message="Only editors at the partner or at the lead organisation can change the partner's details.",
    )
    changes = audit.assign(partner, data)
    if changes:
        partner.save()
        audit.record(
            actor=actor,
            action="partner.update",
            obj=partner.activity,
            changes={f"{partner.organisation}: {name}": change for name, change in changes.items()},
        )
    return changes


ActivityItem = tuple[dict[str, Any], Sequence[PartnerSpec], Sequence[PlaceSpec]]


@transaction.atomic
def activity_create_many(*, actor: Actor, items: Sequence[ActivityItem]) -> list[Activity]:
    """Record activities, each from (data, partners, places), in a few queries for them all.

    Imports record thousands at once, so the checks that would cost a query an activity (unique
    references, the end-after-start constraint) are made for the whole batch in Python.
    """
    require(actor, "activities.add_activity", message="Only editors at an organisation can record activities.")
    leads = {getattr(data.get("lead"), "pk", None): data.get("lead") for data, _, _ in items}
    for lead in leads.values():
        _require_may_lead(actor, lead)
    return _create_many(actor=actor, items=items)


def _create_many(*, actor: Actor, items: Sequence[ActivityItem]) -> list[Activity]:
    user = person(actor)
    activities = []
    for data, _, _ in items:
        activity = Activity(**data, created_by=user)
        activity.full_clean(exclude=["lead"], validate_unique=False, validate_constraints=False)
        if activity.end_date and activity.end_date < activity.start_date:
            raise ValidationError({"end_date": "Enter an end date on or after the start date."})
        activities.append(activity)
    refs = Counter(activity.external_ref for activity in activities if activity.external_ref)
    used = {ref for ref, count in refs.items() if count > 1}
    unique = list(refs)
    for start in range(0, len(unique), 500):
        found = Activity.objects.filter(external_ref__in=unique[start : start + 500])
        used.update(ref for ref in found.values_list("external_ref", flat=True) if ref)
    if used:
        raise ValidationError({"external_ref": f"These references are already used: {', '.join(sorted(used))}."})
    Activity.objects.bulk_create(activities, batch_size=500)
    partners: dict[int, list[Partner]] = {}
    places: dict[int, list[Place]] = {}
    for activity, (_, partner_specs, place_specs) in zip(activities, items, strict=True):
        partners[activity.pk] = [
            Partner(activity=activity, organisation_id=org_id, role=role)
            for org_id, role in partner_roles(activity.lead, partner_specs).items()
        ]
        places[activity.pk] = [spec.build(activity) for spec in place_specs]
    Partner.objects.bulk_create([p for rows in partners.values() for p in rows], batch_size=1000)
    Place.objects.bulk_create([p for rows in places.values() for p in rows], batch_size=1000)
    AuditEntry.objects.bulk_create(
        [
            audit.entry(
                actor=actor,
                action="activity.create",
                obj=activity,
                changes=audit.diff({}, _describe(activity, partners[activity.pk], places[activity.pk])),
            )
            for activity in activities
        ],
        batch_size=500,
    )
    return activities


class CountedWork(Protocol):
    """A record whose work the register counts as one activity: a loan, an opportunity, a mentoring
    pair, an event, a co-produced display."""

    pk: Any
    activity: Activity | None

    def save(self, *, update_fields: Sequence[str]) -> None: ...


def activity_in_step(
    *,
    work: CountedWork,
    ref: str,
    actor: Actor,
    data: dict[str, Any],
    partners: Sequence[PartnerSpec],
    places: Sequence[PlaceSpec],
    visibility: Visibility,
) -> Activity:
    """Keep the register's activity for `work` in step with it: recorded the first time, with
    `visibility` and the reference `ref`, then updated (its visibility stays as its editors set it).

    Called only by the service that changed `work`, which has checked the actor's permission over
    it; the activity's lead may be another organisation (a loan's lender when its borrower acts).
    """
    if work.activity is None:
        data = data | {"visibility": visibility, "external_ref": ref}
        work.activity = _create_many(actor=actor, items=[(data, partners, places)])[0]
        work.save(update_fields=["activity"])
    else:
        _update(activity=work.activity, actor=actor, data=data, partners=partners, places=places)
    return work.activity
