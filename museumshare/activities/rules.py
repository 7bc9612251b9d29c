from typing import Any

import rules

from museumshare.activities.models import Activity, Partner
from museumshare.core.permissions import is_administrator
from museumshare.organisations.models import Role
from museumshare.organisations.rules import role_at


@rules.predicate
def can_see(user: Any, activity: Activity | None) -> bool:
    # The same rule as every list: one query, so a page and a list can never disagree.
    return activity is not None and Activity.objects.visible_to(user).filter(pk=activity.pk).exists()


@rules.predicate
def edits_for_lead(user: Any, activity: Activity | None) -> bool:
    return activity is not None and role_at(user, activity.lead) in (Role.EDITOR, Role.LEAD)


@rules.predicate
def edits_for_partner(user: Any, partner: Partner | None) -> bool:
    return partner is not None and role_at(user, partner.organisation) in (Role.EDITOR, Role.LEAD)


@rules.predicate
def edits_for_any_organisation(user: Any) -> bool:
    return bool(user.is_authenticated and user.memberships.filter(role__in=(Role.EDITOR, Role.LEAD)).exists())


@rules.predicate
def sees_partners_activity(user: Any, partner: Partner | None) -> bool:
    return partner is not None and bool(can_see(user, partner.activity))


@rules.predicate
def edits_partners_activity(user: Any, partner: Partner | None) -> bool:
    return partner is not None and edits_for_lead(user, partner.activity)


rules.add_perm("activities.view_activity", can_see)
rules.add_perm("activities.add_activity", edits_for_any_organisation | is_administrator)
rules.add_perm("activities.change_activity", edits_for_lead | is_administrator)
rules.add_perm("activities.delete_activity", edits_for_lead | is_administrator)
# A partner's editor adds their own organisation's venue and reach to an activity they can see.
rules.add_perm(
    "activities.change_partner",
    (edits_for_partner & sees_partners_activity) | edits_partners_activity | is_administrator,
)
