"""Two-factor authentication: set up, signing in with a code or a recovery code, and who must."""

import re

import pytest
from django.conf import LazySettings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from museumshare.accounts import two_factor
from museumshare.accounts.models import PlatformGroup, User
from museumshare.conftest import PASSWORD

VERIFY = reverse("accounts:two_factor_verify")
SETUP = reverse("accounts:two_factor_setup")


def turn_on(client: Client, user: User) -> list[str]:
    """Set up an authenticator app for `user` on the set-up page, as they would; their recovery codes."""
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"code": two_factor.current_code(device)})
    assert response.status_code == 200, response.text
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.text)


def sign_in_with_password(user: User) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_anyone_can_turn_it_on_with_a_qr_code_and_a_first_code(client: Client, charlie: User) -> None:
    client.force_login(charlie)

    page = client.get(SETUP).text
    device = TOTPDevice.objects.get(user=charlie, confirmed=False)
    wrong = client.post(SETUP, {"code": "12345"})
    codes = turn_on(client, charlie)

    assert '<img src="data:image/svg+xml' in page
    assert two_factor.secret(device) in page
    assert "<script" not in page.split("<main", 1)[-1]
    assert "The code is wrong or has expired" in wrong.text
    assert len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=charlie).confirmed
    assert client.get(reverse("accounts:account")).status_code == 200
    assert "Two-factor authentication" in client.get(reverse("accounts:account")).text


def test_signing_in_asks_for_the_code_after_the_password(alice: User) -> None:
    owner = Client()
    owner.force_login(alice)
    turn_on(owner, alice)
    device = TOTPDevice.objects.get(user=alice)

    client = sign_in_with_password(alice)
    before = client.get(reverse("accounts:account"))
    right = client.post(VERIFY, {"code": two_factor.current_code(device), "next": "/accounts/account/"})

    assert before.status_code == 302
    assert before["Location"].startswith(VERIFY)
    assert right["Location"] == "/accounts/account/"
    assert client.get(reverse("accounts:account")).status_code == 200


def test_a_wrong_code_is_refused_and_the_next_try_must_wait(analyst: User) -> None:
    client = sign_in_with_password(analyst)
    device = TOTPDevice.objects.get(user=analyst)

    wrong = client.post(VERIFY, {"code": "123456"})
    too_soon = client.post(VERIFY, {"code": two_factor.current_code(device)})

    assert "The code is wrong, has been used or has expired" in wrong.text
    assert "Too many wrong codes" in too_soon.text
    assert client.get("/").status_code == 302


def test_a_recovery_code_signs_in_once(alice: User) -> None:
    owner = Client()
    owner.force_login(alice)
    code = turn_on(owner, alice)[0]

    first, second = sign_in_with_password(alice), sign_in_with_password(alice)
    used = first.post(VERIFY, {"code": code.upper()})
    again = second.post(VERIFY, {"code": code})

    assert used.status_code == 302
    assert "has been used" in again.text
    assert StaticToken.objects.filter(device__user=alice).count() == 9


def test_an_app_code_cannot_be_used_twice(analyst: User) -> None:
    code = two_factor.current_code(TOTPDevice.objects.get(user=analyst))
    first, second = sign_in_with_password(analyst), sign_in_with_password(analyst)

    assert first.post(VERIFY, {"code": code}).status_code == 302
    assert second.post(VERIFY, {"code": code}).status_code == 200


@pytest.mark.parametrize("role", [PlatformGroup.ANALYST, PlatformGroup.PROGRAMME_MANAGER, PlatformGroup.ADMINISTRATOR])
def test_required_roles_must_set_it_up_before_anything_else(charlie: User, role: PlatformGroup) -> None:
    charlie.groups.add(Group.objects.get_or_create(name=role.value)[0])
    client = Client()
    client.force_login(charlie)

    page = client.get("/activities/")
    api = client.get("/api/v1/organisations/")

    assert page.status_code == 302
    assert page["Location"] == f"{SETUP}?next=%2Factivities%2F"
    assert api.status_code == 403
    assert client.get(SETUP).status_code == 200
    turn_on(client, charlie)
    assert client.get("/activities/").status_code == 200


def test_staff_with_an_app_are_sent_to_give_a_code(analyst: User) -> None:
    client = Client()
    client.force_login(analyst, verified=False)  # type: ignore[call-arg]

    assert client.get("/").headers["Location"] == f"{VERIFY}?next=%2F"
    assert client.get(VERIFY).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_people_in_no_such_role_need_not_turn_it_on(client: Client, alice: User) -> None:
    client.force_login(alice)

    assert client.get("/activities/").status_code == 200


def test_a_development_machine_can_turn_the_requirement_off(settings: LazySettings, charlie: User) -> None:
    settings.TWO_FACTOR_REQUIRED = False
    charlie.is_staff = True
    charlie.save()
    client = Client()
    client.force_login(charlie)

    assert client.get("/activities/").status_code == 200


def test_the_admin_refuses_staff_who_have_not_given_a_code(admin_user: User) -> None:
    unverified = Client()
    unverified.force_login(admin_user, verified=False)  # type: ignore[call-arg]
    password_only = Client().post(reverse("admin:login"), {"username": admin_user.email, "password": PASSWORD})
    verified = Client()
    verified.force_login(admin_user)

    assert unverified.get("/admin/").status_code == 302
    assert password_only.status_code == 200
    assert "/admin/" not in password_only.headers.get("Location", "")
    assert verified.get("/admin/").status_code == 200
    request = type("Request", (), {"user": admin_user})()
    admin_user.is_verified = lambda: False  # type: ignore[attr-defined]

    assert not admin.site.has_permission(request)


def test_the_admin_sign_in_accepts_the_password_with_a_code(admin_user: User) -> None:
    device = TOTPDevice.objects.get(user=admin_user)
    client = Client()
    response = client.post(
        reverse("admin:login"),
        {
            "username": admin_user.email,
            "password": PASSWORD,
            "otp_device": device.persistent_id,
            "otp_token": two_factor.current_code(device),
        },
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_turning_it_off_and_new_recovery_codes_need_a_current_code(client: Client, alice: User) -> None:
    client.force_login(alice)
    old = turn_on(client, alice)

    refused = client.post(reverse("accounts:two_factor_recovery_codes"), {"code": "nonsense"})
    renewed = client.post(reverse("accounts:two_factor_recovery_codes"), {"code": old[0]})
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", renewed.text)
    off = client.post(reverse("accounts:two_factor_disable"), {"code": new[0]})

    assert "is wrong" in refused.text
    assert len(new) == 10
    assert not set(new) & set(old)
    assert off["Location"] == reverse("accounts:account")
    assert not two_factor.is_enabled(alice)
    assert client.get("/activities/").status_code == 200


def test_the_demo_key_is_the_published_one(analyst: User) -> None:
    device = TOTPDevice.objects.get(user=analyst)

    assert device.bin_key == two_factor.DEMO_KEY
    assert TOTP(two_factor.DEMO_KEY).token() == TOTP(device.bin_key).token()
