from typing import Any

import rules

from museumshare.activities.models import Activity, Partner
from museumshare.core.permissions import is_administrator
from museumshare.organisations.rules import edits_anywhere, is_editor


@rules.predicate
def can_see(user: Any, activity: Activity | None) -> bool:
    # The same rule as every list: one query, so a page and a list can never disagree.
    return activity is not None and Activity.objects.visible_to(user).filter(pk=activity.pk).exists()


@rules.predicate
def edits_for_lead(user: Any, activity: Activity | None) -> bool:
    return activity is not None and is_editor(user, activity.lead)


@rules.predicate
def edits_for_partner(user: Any, partner: Partner | None) -> bool:
    return partner is not None and is_editor(user, partner.organisation)


@rules.predicate
def sees_partners_activity(user: Any, partner: Partner | None) -> bool:
    return partner is not None and bool(can_see(user, partner.activity))


@rules.predicate
def edits_partners_activity(user: Any, partner: Partner | None) -> bool:
    return partner is not None and edits_for_lead(user, partner.activity)


rules.add_perm("activities.view_activity", can_see)
# Whether someone records activities at all (the "Record an activity" button and page); which
# organisations they may record for is add_activity_for.
rules.add_perm("activities.add_activity", edits_anywhere | is_administrator)
# Over an Organisation: an activity it leads, recorded or changed to have it as lead, by the web
# form, the API and each row of an import alike.
rules.add_perm("activities.add_activity_for", is_editor | is_administrator)
rules.add_perm("activities.change_activity", edits_for_lead | is_administrator)
rules.add_perm("activities.delete_activity", edits_for_lead | is_administrator)
# A partner's editor adds their own organisation's venue and reach to an activity they can see.
rules.add_perm(
    "activities.change_partner",
    (edits_for_partner & sees_partners_activity) | edits_partners_activity | is_administrator,
)
