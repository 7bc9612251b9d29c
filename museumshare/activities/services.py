"""Writes to the register of partnership activity. Loans and programmes record theirs through here too."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django_countries import countries

from museumshare.activities.models import Activity, Partner, PartnerRole, Place
from museumshare.core import audit, geography
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


def _partner_rows(lead: Organisation, partners: Iterable[PartnerSpec]) -> dict[int, str]:
    """Role by organisation id; the lead is always there, as lead, and once."""
    roles = {org.pk: role for org, role in partners if org.pk != lead.pk}
    return {lead.pk: PartnerRole.LEAD} | roles


def _describe(activity: Activity) -> dict[str, Any]:
    values = audit.snapshot(activity, Activity.FIELDS)
    values["partners"] = sorted(f"{p.organisation_id}:{p.role}" for p in activity.partners.all())
    values["places"] = sorted(place.name for place in activity.places.all())
    return values


@transaction.atomic
def activity_create(
    *, actor: Any, data: dict[str, Any], partners: Sequence[PartnerSpec] = (), places: Sequence[PlaceSpec] = ()
) -> Activity:
    user = actor if getattr(actor, "is_authenticated", False) else None
    activity = Activity(**data, created_by=user)
    activity.full_clean(exclude=["lead"])
    activity.save()
    Partner.objects.bulk_create(
        Partner(activity=activity, organisation_id=org_id, role=role)
        for org_id, role in _partner_rows(activity.lead, partners).items()
    )
    Place.objects.bulk_create(spec.build(activity) for spec in places)
    audit.record(actor=actor, action="activity.create", obj=activity, changes=audit.diff({}, _describe(activity)))
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    actor: Any,
    data: dict[str, Any],
    partners: Sequence[PartnerSpec] | None = None,
    places: Sequence[PlaceSpec] | None = None,
) -> dict[str, list[Any]]:
    """Change an activity; `partners` and `places`, when given, replace the lists (partners keep their details)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    before = _describe(activity)
    for name, value in data.items():
        setattr(activity, name, value)
    activity.full_clean(exclude=["lead"])
    activity.save()
    if partners is not None or "lead" in data:
        wanted = _partner_rows(activity.lead, partners if partners is not None else _current(activity))
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
def activity_delete(*, activity: Activity, actor: Any) -> None:
    audit.record(actor=actor, action="activity.delete", obj=activity, changes=audit.diff(_describe(activity), {}))
    activity.delete()


@transaction.atomic
def partner_update(*, partner: Partner, actor: Any, data: dict[str, Any]) -> dict[str, list[Any]]:
    """A partner's own details on an activity: its venue and its reach."""
    before = audit.snapshot(partner, data.keys())
    for name, value in data.items():
        setattr(partner, name, value)
    changes = audit.diff(before, audit.snapshot(partner, data.keys()))
    if changes:
        partner.save()
        audit.record(
            actor=actor,
            action="partner.update",
            obj=partner.activity,
            changes={f"{partner.organisation}: {name}": change for name, change in changes.items()},
        )
    return changes
