"""Limits on asking: the API's throttles, reset emails, password length and idle sessions."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from museumshare.accounts.models import User


@pytest.fixture
def low_rates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anonymous": "3/minute", "signed_in": "4/minute", "write": "1/minute"}
    )


def test_anonymous_api_clients_beyond_the_rate_are_answered_429(low_rates: None, db: None) -> None:
    client = Client()

    answers = [client.get("/api/v1/organisations/").status_code for _ in range(4)]
    elsewhere = client.get("/api/v1/organisations/", REMOTE_ADDR="198.51.100.7")

    assert answers == [200, 200, 200, 429]
    assert elsewhere.status_code == 200


def test_writes_are_counted_apart_from_reads(low_rates: None, client: Client, alice: User) -> None:
    client.force_login(alice)

    first = client.post("/api/v1/activities/", {}, content_type="application/json")
    second = client.post("/api/v1/activities/", {}, content_type="application/json")
    read = client.get("/api/v1/organisations/")

    assert first.status_code != 429
    assert second.status_code == 429
    assert read.status_code == 200


def test_reset_emails_stop_after_three_an_hour_with_the_same_answer(
    client: Client, alice: User, mailoutbox: list[EmailMessage]
) -> None:
    answers = [client.post(reverse("accounts:password_reset"), {"email": alice.email}) for _ in range(5)]

    assert [answer["Location"] for answer in answers] == [reverse("accounts:password_reset_done")] * 5
    assert len(mailoutbox) == 3


def test_reset_emails_are_limited_by_client_address_too(
    client: Client, alice: User, bob: User, mailoutbox: list[EmailMessage]
) -> None:
    for email in [alice.email, bob.email, "nobody@example.org", alice.email, bob.email]:
        client.post(reverse("accounts:password_reset"), {"email": email})

    assert [message.to for message in mailoutbox] == [[alice.email], [bob.email]]


def test_passwords_need_twelve_characters() -> None:
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Laing 2027!")

    validate_password("Laing in 2027!")


def test_a_session_ends_thirty_minutes_after_its_last_request(client: Client, alice: User) -> None:
    client.force_login(alice)

    response = client.get(reverse("accounts:account"))
    cookie = client.cookies["sessionid"]

    assert client.session.get_expiry_age() == 30 * 60
    assert response.cookies["sessionid"]["max-age"] == 30 * 60
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
