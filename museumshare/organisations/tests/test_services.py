"""The organisations services decide who may write, whoever calls them: a page, the API or a script."""

import pytest

from museumshare.accounts.models import User
from museumshare.core.models import AuditEntry
from museumshare.core.services import NotPermitted
from museumshare.organisations.models import Contact, Membership, Organisation
from museumshare.organisations.services import (
    contact_create,
    contact_delete,
    contact_update,
    membership_accept_messages,
    organisation_update,
)


def test_only_the_organisations_editors_change_its_profile(
    alice: User, bob: User, portrait_gallery: Organisation
) -> None:
    with pytest.raises(NotPermitted, match="Only editors at the organisation can change its profile"):
        organisation_update(organisation=portrait_gallery, actor=bob, data={"offers_programmes": "Not ours"})

    assert organisation_update(organisation=portrait_gallery, actor=alice, data={"offers_programmes": "Placements"})
    assert AuditEntry.objects.filter(action="organisation.update").count() == 1


def test_only_the_organisations_editors_change_its_contacts(
    alice: User, bob: User, portrait_gallery: Organisation
) -> None:
    with pytest.raises(NotPermitted, match="Only editors at the organisation can change its contacts"):
        contact_create(organisation=portrait_gallery, actor=bob, data={"name": "Pat Partner"})
    contact = contact_create(organisation=portrait_gallery, actor=alice, data={"name": "Pat Partner"})

    for change in (
        lambda: contact_update(contact=contact, actor=bob, data={"name": "Someone else"}),
        lambda: contact_delete(contact=contact, actor=bob),
    ):
        with pytest.raises(NotPermitted):
            change()
    assert Contact.objects.get(pk=contact.pk).name == "Pat Partner"


def test_each_person_chooses_for_themselves_whether_museums_may_email_them(
    alice: User, bob: User, portrait_gallery: Organisation
) -> None:
    membership = Membership.objects.get(user=alice, organisation=portrait_gallery)

    with pytest.raises(NotPermitted, match="Only the person themselves"):
        membership_accept_messages(membership=membership, actor=bob, accepts=True)

    assert membership_accept_messages(membership=membership, actor=alice, accepts=True)
