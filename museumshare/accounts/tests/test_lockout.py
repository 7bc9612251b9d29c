"""Sign-in lockout: wrong passwords, on the site, the admin and the API, lock an account or an address."""

from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse

from museumshare.accounts.models import User
from museumshare.conftest import PASSWORD

LIMIT = 5  # SIGN_IN_FAILURE_LIMIT's default


def sign_in(client: Client, email: str, password: str, url: str = "/accounts/sign-in/", address: str = "192.0.2.1"):  # type: ignore[no-untyped-def]
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=address)


def test_it_refuses_the_right_password_after_five_wrong_ones(client: Client, alice: User) -> None:
    answers = [sign_in(client, alice.email, "not her password").status_code for _ in range(LIMIT)]

    locked = sign_in(client, alice.email, PASSWORD)

    assert answers == [200] * (LIMIT - 1) + [429]
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.text
    assert "Try again after" in locked.text
    assert not get_user(client).is_authenticated


def test_it_locks_an_account_whatever_the_address_and_however_the_address_is_written(
    client: Client, alice: User
) -> None:
    for n in range(LIMIT):
        sign_in(client, "ALICE@example.org" if n % 2 else alice.email, "not her password", address=f"192.0.2.{n}")

    assert sign_in(client, alice.email, PASSWORD, address="198.51.100.7").status_code == 429


def test_it_locks_an_address_that_tries_many_accounts_but_not_other_addresses(
    client: Client, alice: User, bob: User
) -> None:
    for n in range(LIMIT):
        sign_in(client, f"someone{n}@example.org", "guess")

    assert sign_in(client, bob.email, PASSWORD).status_code == 429
    assert sign_in(Client(), alice.email, PASSWORD, address="198.51.100.7").status_code == 302


def test_the_admin_sign_in_counts_and_locks_out_too(client: Client, admin_user: User) -> None:
    url = reverse("admin:login")
    answers = [sign_in(client, admin_user.email, "not the password", url=url).status_code for _ in range(LIMIT)]

    assert answers == [200] * (LIMIT - 1) + [429]
    assert sign_in(client, admin_user.email, PASSWORD, url=url).status_code == 429
    assert sign_in(client, admin_user.email, PASSWORD).status_code == 429


def test_refused_api_credentials_lock_the_address_out_of_the_api(client: Client, alice: User) -> None:
    def ask(key: str, address: str = "192.0.2.1") -> int:
        return client.get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR=address).status_code

    answers = [ask(f"guess{n}") for n in range(LIMIT)]

    assert answers[: LIMIT - 1] == [401] * (LIMIT - 1)
    assert answers[-1] == 429
    locked = client.get("/api/v1/organisations/", HTTP_AUTHORIZATION="Token another", REMOTE_ADDR="192.0.2.1")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.json()["detail"]
    assert int(locked["Retry-After"]) > 0
    assert sign_in(client, alice.email, PASSWORD).status_code == 429
    assert ask("guess", address="198.51.100.7") == 401
    # Reading without credentials is not a sign-in, and stays open.
    assert client.get("/api/v1/organisations/", REMOTE_ADDR="192.0.2.1").status_code == 200


def test_a_wrong_two_factor_code_counts_as_a_failed_sign_in(client: Client, analyst: User) -> None:
    client.force_login(analyst, verified=False)  # type: ignore[call-arg]
    for _ in range(LIMIT - 1):
        assert client.post(reverse("accounts:two_factor_verify"), {"code": "000000"}).status_code == 200

    locked = client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})

    assert locked.status_code == 429
    assert not get_user(client).is_authenticated
