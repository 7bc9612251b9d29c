"""Each person chooses whether other museums may email them through museumshare."""

import pytest
from django.test import Client
from django.urls import reverse

from museumshare.accounts.models import User
from museumshare.core import audit
from museumshare.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_member_chooses_to_receive_messages_and_it_is_audited(alice: User, portrait_gallery: Organisation) -> None:
    url = reverse("organisations:accept_messages", args=[portrait_gallery.slug])
    page = client_for(alice).get(portrait_gallery.get_absolute_url()).content.decode()
    assert "Receive messages" in page

    assert client_for(alice).post(url, {"accepts": "yes"}).status_code == 302

    membership = Membership.objects.get(user=alice, organisation=portrait_gallery)
    assert membership.accepts_messages
    assert audit.history(membership).filter(action="membership.accept_messages", actor=alice).count() == 1
    client_for(alice).post(url, {"accepts": "no"})
    membership.refresh_from_db()
    assert not membership.accepts_messages


def test_someone_from_elsewhere_cannot_choose_for_an_organisation(
    charlie: User, bob: User, portrait_gallery: Organisation
) -> None:
    url = reverse("organisations:accept_messages", args=[portrait_gallery.slug])

    assert client_for(charlie).post(url, {"accepts": "yes"}).status_code == 403
    assert client_for(bob).post(url, {"accepts": "yes"}).status_code == 403
    assert not Membership.objects.filter(organisation=portrait_gallery, accepts_messages=True).exists()
