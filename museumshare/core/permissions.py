"""Permission predicates every app shares: platform groups.

Each app states its own rules in its `rules.py` from these and its own predicates; views,
exports and the API ask `user.has_perm(name, obj)`, never the predicates directly.
"""

from typing import Any

import rules

from museumshare.accounts.models import PlatformGroup


@rules.predicate
def is_administrator(user: Any) -> bool:
    return bool(user.is_authenticated and user.in_group(PlatformGroup.ADMINISTRATOR))


@rules.predicate
def is_analyst(user: Any) -> bool:
    return bool(user.is_authenticated and user.in_group(PlatformGroup.ANALYST))


@rules.predicate
def is_programme_manager(user: Any) -> bool:
    return bool(user.is_authenticated and user.in_group(PlatformGroup.PROGRAMME_MANAGER))
