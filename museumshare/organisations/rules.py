from typing import Any

import rules

from museumshare.core.permissions import is_administrator
from museumshare.organisations.models import EDITING_ROLES, Membership, Organisation


def role_at(user: Any, organisation: Organisation | None) -> str | None:
    if organisation is None or not user.is_authenticated:
        return None
    # Memberships are few per user; read them once per request-scoped user object.
    cache: dict[int, str] | None = getattr(user, "_membership_roles", None)
    if cache is None:
        cache = dict(user.memberships.values_list("organisation_id", "role"))
        user._membership_roles = cache
    return cache.get(organisation.pk)


@rules.predicate
def is_member(user: Any, organisation: Organisation | None) -> bool:
    return role_at(user, organisation) is not None


@rules.predicate
def is_editor(user: Any, organisation: Organisation | None) -> bool:
    return role_at(user, organisation) in EDITING_ROLES


@rules.predicate
def edits_anywhere(user: Any) -> bool:
    """Whether `user` edits for any organisation at all (see EDITING_ROLES)."""
    return bool(user.is_authenticated and Membership.objects.editing().filter(user=user).exists())


@rules.predicate
def is_own_membership(user: Any, membership: Membership | None) -> bool:
    return membership is not None and bool(user.is_authenticated) and membership.user_id == user.pk


rules.add_perm("organisations.change_organisation", is_editor | is_administrator)
rules.add_perm("organisations.manage_contacts", is_editor | is_administrator)
rules.add_perm("organisations.view_private_contacts", is_member | is_administrator)
# Whether other museums may email a member: each person chooses for themselves, nobody for a colleague.
rules.add_perm("organisations.choose_messages", is_own_membership)
