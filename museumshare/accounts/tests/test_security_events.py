"""Each security event leaves an entry in the audit log with the client's address."""

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django.fixtures import Settings

from museumshare.accounts.models import User
from museumshare.accounts.services import token_create, token_revoke
from museumshare.conftest import PASSWORD
from museumshare.core.models import AuditEntry

CLIENT: dict[str, Any] = {"REMOTE_ADDR": "203.0.113.5"}
# The proxy's own address, and the client's as the proxy saw it.
THROUGH_PROXY: dict[str, Any] = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}


@pytest.fixture(autouse=True)
def proxy(settings: Settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]


def test_a_sign_in_is_recorded_with_the_clients_address(alice: User) -> None:
    Client(**CLIENT).post(reverse("accounts:login"), {"username": alice.email, "password": PASSWORD})

    entry = AuditEntry.objects.get(action="user.sign_in")
    assert (entry.actor, entry.actor_email, entry.address) == (alice, alice.email, "203.0.113.5")


def test_a_failed_sign_in_through_the_proxy_records_the_address_tried_but_never_the_password(alice: User) -> None:
    Client(**THROUGH_PROXY).post(reverse("accounts:login"), {"username": "ALICE@example.org", "password": "guess"})
    Client(**THROUGH_PROXY).post(reverse("accounts:login"), {"username": "nobody@example.org", "password": "guess"})

    known, unknown = AuditEntry.objects.filter(action="user.sign_in_failed").order_by("id")
    assert (known.object_id, known.changes, known.address) == (
        str(alice.pk),
        {"email": [None, "ALICE@example.org"]},
        "198.51.100.7",
    )
    assert (unknown.object_id, unknown.object_repr, unknown.actor) == ("", "nobody@example.org", None)
    assert "guess" not in str(known.changes) + str(unknown.changes)


def test_a_password_reset_request_is_recorded_for_known_and_unknown_addresses(alice: User) -> None:
    for email in (alice.email, "nobody@example.org"):
        Client(**CLIENT).post(reverse("accounts:password_reset"), {"email": email})

    entries = AuditEntry.objects.filter(action="user.password_reset_request").order_by("id")
    assert [(e.object_repr, e.address, e.who) for e in entries] == [
        (str(alice), "203.0.113.5", "someone not signed in"),
        ("nobody@example.org", "203.0.113.5", "someone not signed in"),
    ]


def test_an_entry_made_inside_a_service_carries_the_address_the_proxy_saw(alice: User) -> None:
    token, _ = token_create(actor=alice, user=alice, name="Nightly export")
    client = Client(**THROUGH_PROXY)
    client.force_login(alice)

    client.post(reverse("accounts:token_revoke", args=[token.pk]))

    assert AuditEntry.objects.get(action="api_token.revoke").address == "198.51.100.7"
    # Made outside any request, as a command would: no address.
    assert AuditEntry.objects.get(action="api_token.create").address is None


def test_the_admin_giving_staff_access_and_a_group_is_recorded_before_and_after(
    admin_user: User, charlie: User
) -> None:
    client = Client(**CLIENT)
    client.force_login(admin_user)
    analysts = Group.objects.get_or_create(name="Analyst")[0]

    response = client.post(
        reverse("admin:accounts_user_change", args=[charlie.pk]),
        {
            "email": charlie.email,
            "name": charlie.name,
            "is_active": "on",
            "is_staff": "on",
            "groups": [analysts.pk],
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    access = AuditEntry.objects.get(action="user.access_change", object_id=str(charlie.pk))
    groups = AuditEntry.objects.get(action="user.groups_change", object_id=str(charlie.pk))
    assert (access.actor, access.address, access.changes) == (admin_user, "203.0.113.5", {"is_staff": [False, True]})
    assert (groups.object_id, groups.changes) == (str(charlie.pk), {"groups": [[], ["Analyst"]]})


def test_a_group_changed_from_its_own_side_is_recorded_for_each_person(alice: User, bob: User) -> None:
    managers = Group.objects.get_or_create(name="Programme manager")[0]
    managers.user_set.add(alice, bob)
    managers.user_set.remove(bob)

    changes = {
        (entry.object_id, str(entry.changes))
        for entry in AuditEntry.objects.filter(action="user.groups_change", object_id__in=[alice.pk, bob.pk])
    }
    assert changes == {
        (str(alice.pk), str({"groups": [[], ["Programme manager"]]})),
        (str(bob.pk), str({"groups": [[], ["Programme manager"]]})),
        (str(bob.pk), str({"groups": [["Programme manager"], []]})),
    }


def test_a_token_made_and_revoked_is_recorded(alice: User) -> None:
    token, _ = token_create(actor=alice, user=alice, name="Nightly export")
    token_revoke(actor=alice, token=token)

    assert list(AuditEntry.objects.filter(actor=alice, object_id=str(token.pk)).values_list("action", flat=True)) == [
        "api_token.revoke",
        "api_token.create",
    ]


@pytest.mark.skipif(not apps.is_installed("axes"), reason="django-axes is not installed")
def test_a_lockout_is_recorded_with_the_address(alice: User) -> None:
    from axes.signals import user_locked_out

    request = RequestFactory().post("/accounts/sign-in/", **THROUGH_PROXY)
    user_locked_out.send("axes", request=request, username=alice.email, ip_address="198.51.100.7")

    entry = AuditEntry.objects.get(action="user.locked_out")
    assert (entry.object_id, entry.address) == (str(alice.pk), "198.51.100.7")


@pytest.mark.skipif(
    not apps.is_installed("django_otp.plugins.otp_totp"), reason="django-otp's TOTP devices are not installed"
)
def test_a_second_factor_device_added_and_removed_is_recorded(alice: User) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=alice, name="Phone")
    pk = device.pk
    device.delete()

    actions = list(
        AuditEntry.objects.filter(action__startswith="two_factor.", object_id=str(pk)).values_list(
            "action", "actor_email"
        )
    )
    assert actions == [("two_factor.device_remove", alice.email), ("two_factor.device_add", alice.email)]


def test_an_app_is_recorded_as_added_only_when_its_set_up_is_finished(alice: User) -> None:
    from museumshare.accounts import two_factor

    device = two_factor.pending_device(user=alice)
    assert not AuditEntry.objects.filter(action__startswith="two_factor.", actor_email=alice.email).exists()

    two_factor.two_factor_enable(user=alice, device=device, code=two_factor.current_code(device))

    added = AuditEntry.objects.filter(action="two_factor.device_add", object_id=str(device.pk))
    assert added.count() == 1
