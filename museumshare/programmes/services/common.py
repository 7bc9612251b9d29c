"""What the programmes services share: creating a record with its audit entry, who may add for an
organisation, and the emails they send."""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.mail import send_mail
from django.db import models, transaction

from museumshare.accounts.models import User
from museumshare.core import audit
from museumshare.core.services import Actor, NotPermitted, require
from museumshare.organisations.models import Membership, Organisation

M = TypeVar("M", bound=models.Model)


def _create(model: type[M], actor: Actor, action: str, data: dict[str, Any], **extra: Any) -> M:
    obj = model(**data, **extra)
    obj.full_clean()
    obj.save()
    audit.record(actor=actor, action=action, obj=obj, changes=audit.diff({}, audit.snapshot(obj, data.keys())))
    return obj


def _editors_emails(organisation: Organisation) -> list[str]:
    memberships = Membership.objects.editing().filter(organisation=organisation).select_related("user")
    return sorted({m.user.email for m in memberships if m.user.is_active})


def _require_for(actor: Actor, permission: str, organisation: Organisation | None) -> None:
    """An opportunity, event or resource is added by someone who may add one at all, and for an
    organisation `actor` edits for, or a member of a programme they manage (see rules.may_host)."""
    what = WHAT_IS_ADDED[permission]
    require(actor, permission, message=f"Only editors at an organisation and programme managers can {what}.")
    if organisation is not None:
        message = (
            f"You can {what} only for organisations you edit for, or members of programmes you manage; "
            f"not {organisation}."
        )
        require(actor, permission, organisation, message=message)


WHAT_IS_ADDED = {
    "programmes.add_opportunity": "offer opportunities",
    "programmes.add_event": "hold events",
    "programmes.add_resource": "add resources to the library",
}


def _signed_in(actor: Actor) -> User:
    """The person acting, where only a person can (applying, registering): not the system."""
    if not isinstance(actor, User):
        raise NotPermitted("Only a signed-in person can do that.")
    return actor


def _email(recipients: Iterable[str], subject: str, body: str) -> None:
    """Send once the change is committed, so nobody hears of a change that was rolled back."""
    to = sorted(set(recipients))
    if to:
        transaction.on_commit(lambda: send_mail(f"[museumshare] {subject}", body, None, to))
