"""Who may see, change and review returns, and run the collection.

An organisation's members see its returns, and its editors complete and submit them. Analysts
(and administrators) see every return, review them and run the years. Once a year is published,
anyone sees its approved returns; before that, nobody outside the organisation does. Who did what to
a return, and what the analysts said, is for the organisation's people and the analysts only.
"""

from typing import Any

import rules

from museumshare.core.permissions import is_administrator, is_analyst
from museumshare.organisations.rules import is_editor, is_member


@rules.predicate
def is_published(user: Any, return_: Any) -> bool:
    return bool(return_.is_published())


@rules.predicate
def is_members_return(user: Any, return_: Any) -> bool:
    return bool(is_member(user, return_.organisation))


@rules.predicate
def is_editors_return(user: Any, return_: Any) -> bool:
    return bool(is_editor(user, return_.organisation))


runs_the_collection = is_analyst | is_administrator

rules.add_perm("returns.view_return", is_published | is_members_return | runs_the_collection)
# The history of a return and the analysts' comments on it: the web page and the API both ask this.
rules.add_perm("returns.view_review", is_members_return | runs_the_collection)
rules.add_perm("returns.change_return", is_editors_return | is_administrator)
rules.add_perm("returns.review_return", runs_the_collection)
# Opening, closing and publishing years, importing past returns, and reminding the organisations.
rules.add_perm("returns.manage_years", runs_the_collection)
