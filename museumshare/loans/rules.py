"""Who may do what with loans: the one place each loan permission is stated.

A loan has two sides; editors (and leads) of the lender act for the lender, those of the borrower
for the borrower, administrators for either. Pages and the API ask `has_perm` to decide what to
show; the services in `services.py` `require` the same permission before they write.
"""

from typing import Any

import rules

from museumshare.core.permissions import is_administrator
from museumshare.core.services import Actor, allowed
from museumshare.loans import procedure
from museumshare.loans.models import Loan
from museumshare.organisations.rules import is_editor, is_member


@rules.predicate
def can_see(user: Any, loan: Loan | None) -> bool:
    # The same rule as every list: one query, so a page and a list can never disagree.
    return loan is not None and Loan.objects.visible_to(user).filter(pk=loan.pk).exists()


@rules.predicate
def edits_for_lender(user: Any, loan: Loan | None) -> bool:
    return loan is not None and bool(is_editor(user, loan.lender))


@rules.predicate
def edits_for_borrower(user: Any, loan: Loan | None) -> bool:
    return loan is not None and bool(is_editor(user, loan.borrower))


lender = edits_for_lender | is_administrator
borrower = edits_for_borrower | is_administrator
either_side = lender | borrower

rules.add_perm("loans.view_loan", can_see)
# The object is the borrowing organisation the request is made for.
rules.add_perm("loans.request_loan", is_editor | is_administrator)
rules.add_perm("loans.change_loan", either_side)
# Each step of the procedure belongs to one side (procedure.STEPS): "loans.act_for_<side>".
rules.add_perm(f"loans.act_for_{procedure.LENDER}", lender)
rules.add_perm(f"loans.act_for_{procedure.BORROWER}", borrower)
rules.add_perm("loans.add_document", either_side)
rules.add_perm("loans.record_condition", either_side)
rules.add_perm("loans.ask_renewal", borrower)
rules.add_perm("loans.decide_renewal", lender)
# The object is the owning organisation.
rules.add_perm("loans.change_collection_object", is_editor | is_administrator)
rules.add_perm("loans.change_loans_policy", is_editor | is_administrator)
# Valuations are for the owner's own people (any role); superusers pass every has_perm.
rules.add_perm("loans.view_valuations", is_member)
# Only the system sends reminders (the scheduled command); administrators may run it by hand.
rules.add_perm("loans.send_reminders", is_administrator)


def side_of(actor: Actor, loan: Loan) -> set[str]:
    """The sides of `loan` the actor may act for: the lender, the borrower, both or neither."""
    return {side for side in (procedure.LENDER, procedure.BORROWER) if allowed(actor, f"loans.act_for_{side}", loan)}
