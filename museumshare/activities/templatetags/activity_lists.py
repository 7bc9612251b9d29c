"""Short forms of an activity's partners and places, for lists where the whole list would not fit."""

from collections.abc import Sequence

from django import template

from museumshare.activities.models import Activity, PartnerRole

register = template.Library()
SHOWN = 3


def in_brief(names: Sequence[str], shown: int = SHOWN) -> str:
    """'A, B and C', or 'A, B, C and 4 more' past `shown` names."""
    if len(names) > shown + 1:  # "and 1 more" would take as much room as the name
        return f"{', '.join(names[:shown])} and {len(names) - shown} more"
    if len(names) > 1:
        return f"{', '.join(names[:-1])} and {names[-1]}"
    return "".join(names)


@register.filter
def partners_in_brief(activity: Activity) -> str:
    """The partners other than the lead (needs `partners__organisation` loaded)."""
    return in_brief([p.organisation.name for p in activity.partners.all() if p.role != PartnerRole.LEAD])


@register.filter
def places_in_brief(activity: Activity) -> str:
    return in_brief([place.name for place in activity.places.all()])
