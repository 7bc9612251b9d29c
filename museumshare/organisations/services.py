"""Writes to organisations, venues and contacts. Each records who did it in the audit log."""

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from museumshare.core import audit
from museumshare.core.services import Actor, require
from museumshare.organisations.models import Contact, Membership, Organisation


def unique_slug(name: str, taken: set[str], hint: str = "") -> str:
    """A slug for `name` not in `taken` (which it joins), using `hint` (a town) before numbers."""
    base = slugify(name)[:200] or "organisation"
    candidates = [base]
    if hint:
        candidates.append(f"{base}-{slugify(hint)}"[:210])
    for candidate in candidates:
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    n = 2
    while f"{candidates[-1]}-{n}" in taken:
        n += 1
    slug = f"{candidates[-1]}-{n}"
    taken.add(slug)
    return slug


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: Actor, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Change an organisation's profile fields; returns what changed (nothing written if nothing did)."""
    require(
        actor,
        "organisations.change_organisation",
        organisation,
        message="Only editors at the organisation can change its profile.",
    )
    changes = audit.assign(organisation, data)
    if changes:
        organisation.search_text = organisation.make_search_text()
        organisation.save()
        audit.record(actor=actor, action="organisation.update", obj=organisation, changes=changes)
    return changes


@transaction.atomic
def membership_accept_messages(*, membership: Membership, actor: Actor, accepts: bool) -> bool:
    """Whether other museums may email this member through museumshare. Each person chooses for
    themselves: nobody is made reachable by a colleague. Returns whether anything changed."""
    require(
        actor,
        "organisations.choose_messages",
        membership,
        message="Only the person themselves can choose whether they receive messages.",
    )
    if membership.accepts_messages == accepts:
        return False
    membership.accepts_messages = accepts
    membership.save(update_fields=["accepts_messages"])
    audit.record(
        actor=actor,
        action="membership.accept_messages",
        obj=membership,
        changes={"accepts_messages": [not accepts, accepts]},
    )
    return True


@transaction.atomic
def contact_create(*, organisation: Organisation, actor: Actor, data: dict[str, Any]) -> Contact:
    _require_manages_contacts(actor, organisation)
    contact = Contact(organisation=organisation, **data)
    contact.save()
    audit.record(
        actor=actor,
        action="contact.create",
        obj=contact,
        changes=audit.diff({}, audit.snapshot(contact, Contact.FIELDS)),
    )
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, actor: Actor, data: dict[str, Any]) -> dict[str, list[Any]]:
    _require_manages_contacts(actor, contact.organisation)
    changes = audit.assign(contact, data)
    if changes:
        contact.save()
        audit.record(actor=actor, action="contact.update", obj=contact, changes=changes)
    return changes


@transaction.atomic
def contact_delete(*, contact: Contact, actor: Actor) -> None:
    _require_manages_contacts(actor, contact.organisation)
    audit.record(
        actor=actor,
        action="contact.delete",
        obj=contact,
        changes=audit.diff(audit.snapshot(contact, Contact.FIELDS), {}),
    )
    contact.delete()


def _require_manages_contacts(actor: Actor, organisation: Organisation) -> None:
    require(
        actor,
        "organisations.manage_contacts",
        organisation,
        message="Only editors at the organisation can change its contacts.",
    )
