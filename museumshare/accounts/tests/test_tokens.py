import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from museumshare.accounts.models import ApiToken, PlatformGroup, User
from museumshare.accounts.services import token_create, token_revoke, tokens_revoke_all
from museumshare.core.models import AuditEntry
from museumshare.core.services import NotPermitted

ME = "/api/v1/organisations/?page_size=1"


def api_get(key: str) -> int:
    return APIClient().get(ME, HTTP_AUTHORIZATION=f"Token {key}").status_code


def test_alice_makes_a_token_on_her_account_page_and_sees_its_key_once(client: Client, alice: User) -> None:
    client.force_login(alice)

    response = client.post(reverse("accounts:token_create"), {"name": "Nightly export", "days": "30"})
    key = response.context["key"]
    account = client.get(reverse("accounts:account")).content.decode()

    assert key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "Nightly export" in account
    assert key not in account
    token = ApiToken.objects.get(user=alice)
    assert token.expires.date() == (timezone.now() + timedelta(days=30)).date()


def test_a_tokens_key_is_kept_only_as_its_hash(alice: User) -> None:
    token, key = token_create(actor=alice, user=alice, name="Nightly export")

    stored = ApiToken.objects.filter(pk=token.pk).values().get()

    assert key not in [str(value) for value in stored.values()]
    assert stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert api_get(key) == 200


def test_an_expired_a_revoked_or_a_wrong_token_gets_401(alice: User) -> None:
    expired, expired_key = token_create(actor=alice, user=alice, name="Old")
    ApiToken.objects.filter(pk=expired.pk).update(expires=timezone.now() - timedelta(seconds=1))
    revoked, revoked_key = token_create(actor=alice, user=alice, name="Leaked")
    token_revoke(actor=alice, token=revoked)

    for key in (expired_key, revoked_key, revoked_key[:8] + "x" * 35, "wrong"):
        response = APIClient().get(ME, HTTP_AUTHORIZATION=f"Token {key}")
        assert (response.status_code, response["WWW-Authenticate"]) == (401, "Token")


def test_a_token_longer_than_a_year_is_refused(alice: User, client: Client) -> None:
    client.force_login(alice)

    response = client.post(reverse("accounts:token_create"), {"name": "Forever", "days": "3650"})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_account_page_shows_when_a_token_was_last_used_written_at_most_once_a_minute(
    client: Client, alice: User
) -> None:
    token, key = token_create(actor=alice, user=alice, name="Nightly export")
    client.force_login(alice)
    assert "Never" in client.get(reverse("accounts:account")).content.decode()

    api_get(key)
    first = ApiToken.objects.get(pk=token.pk).last_used
    api_get(key)
    second = ApiToken.objects.get(pk=token.pk).last_used
    ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now() - timedelta(minutes=2))
    api_get(key)
    third = ApiToken.objects.get(pk=token.pk).last_used

    assert first is not None
    assert second == first
    assert third is not None
    assert third > first
    assert timezone.localtime(third).strftime("%H:%M") in client.get(reverse("accounts:account")).content.decode()


def test_a_token_can_be_revoked_only_by_its_owner(client: Client, alice: User, bob: User) -> None:
    token, key = token_create(actor=alice, user=alice, name="Nightly export")
    client.force_login(bob)

    with pytest.raises(PermissionDenied):
        token_revoke(actor=bob, token=token)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        token_create(actor=bob, user=alice, name="Mine now")
    assert api_get(key) == 200

    client.force_login(alice)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    assert api_get(key) == 401
    assert AuditEntry.objects.filter(action="api_token.revoke", actor=alice, object_id=str(token.pk)).exists()


def test_changing_the_password_revokes_every_token(alice: User, bob: User) -> None:
    tokens = [token_create(actor=alice, user=alice, name=name)[1] for name in ("One", "Two")]
    _, bobs = token_create(actor=bob, user=bob, name="Bob's")

    alice.set_password("a new and much longer password")
    alice.save()

    assert [api_get(key) for key in tokens] == [401, 401]
    assert api_get(bobs) == 200
    assert AuditEntry.objects.filter(action="user.password_change", object_id=str(alice.pk)).count() == 1
    assert AuditEntry.objects.filter(action="api_token.revoke", actor=alice).count() == 2


def test_resetting_the_password_revokes_every_token_and_says_so(client: Client, alice: User) -> None:
    _, key = token_create(actor=alice, user=alice, name="Nightly export")
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    link = client.get(reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(alice)]))

    password = "a new and much longer password"
    response = client.post(link["Location"], {"new_password1": password, "new_password2": password})

    assert response.status_code == 302
    assert api_get(key) == 401
    entry = AuditEntry.objects.get(action="user.password_reset")
    assert (entry.actor_email, entry.address) == (alice.email, "127.0.0.1")


def test_signing_in_again_does_not_count_as_a_password_change(client: Client, alice: User) -> None:
    _, key = token_create(actor=alice, user=alice, name="Nightly export")

    client.post(reverse("accounts:login"), {"username": alice.email, "password": "correct horse battery staple"})

    assert api_get(key) == 200
    assert not AuditEntry.objects.filter(action="user.password_change").exists()


def test_an_administrator_revokes_anyones_tokens_but_makes_none_for_them(alice: User, bob: User, analyst: User) -> None:
    token, key = token_create(actor=alice, user=alice, name="Leaked")
    token_create(actor=alice, user=alice, name="Also leaked")
    with pytest.raises(NotPermitted, match="Only the person themself can revoke all their tokens"):
        tokens_revoke_all(actor=bob, user=alice, reason="bob says so")
    with pytest.raises(NotPermitted, match="Only the person themself can make a token"):
        token_create(actor=analyst, user=alice, name="Not theirs")
    administrator = User.objects.create_user("ops@example.org", "a long enough password", name="Ops")
    administrator.groups.add(Group.objects.get_or_create(name=PlatformGroup.ADMINISTRATOR.value)[0])

    token_revoke(actor=administrator, token=token)

    assert api_get(key) == 401
    assert tokens_revoke_all(actor=administrator, user=alice, reason="leaked") == 1
    with pytest.raises(NotPermitted, match="Only the person themself can make a token"):
        token_create(actor=administrator, user=alice, name="Not theirs")
