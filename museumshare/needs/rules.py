"""Who may do what with needs and offers.

Anyone may see a public need or offer; a private one only its organisation's people, analysts and
administrators (the same rule as `visible_to`). An organisation's editors post, change, withdraw
and reopen its needs and offers, and mark its needs met. Editors at any organisation may start a
conversation about a need they can see: the need's own editors with an organisation that could
meet it, others with the organisation that posted it.
"""

from typing import Any

import rules

from museumshare.activities.models import sees_everything
from museumshare.core.permissions import is_administrator
from museumshare.organisations.models import Organisation
from museumshare.organisations.rules import edits_anywhere, is_editor, is_member


def sees(user: Any, posted: Any) -> bool:
    if posted is None:
        return False
    return bool(posted.is_public or sees_everything(user) or is_member(user, posted.organisation))


def editable_organisations(user: Any) -> "Any":
    """The organisations `user` may post needs and offers for (None: any, for administrators)."""
    if is_administrator(user):
        return None
    return Organisation.objects.edited_by(user).order_by("name")


@rules.predicate
def can_see(user: Any, posted: Any) -> bool:
    return sees(user, posted)


@rules.predicate
def edits_for_poster(user: Any, posted: Any) -> bool:
    return posted is not None and bool(is_editor(user, posted.organisation))


@rules.predicate
def may_post_for(user: Any, organisation: Organisation | None) -> bool:
    """Edits for `organisation`; with none named, for some organisation."""
    return bool(edits_anywhere(user) if organisation is None else is_editor(user, organisation))


rules.add_perm("needs.view_need", can_see)
# Without an object, "add" says whether to offer the button; the services ask it of the organisation.
rules.add_perm("needs.add_need", may_post_for | is_administrator)
rules.add_perm("needs.change_need", edits_for_poster | is_administrator)
rules.add_perm("needs.converse_need", can_see & (edits_anywhere | is_administrator))
rules.add_perm("needs.view_offer", can_see)
rules.add_perm("needs.add_offer", may_post_for | is_administrator)
rules.add_perm("needs.change_offer", edits_for_poster | is_administrator)
# Writing for an organisation in a conversation about a need: its editors.
rules.add_perm("needs.write_for", may_post_for | is_administrator)
