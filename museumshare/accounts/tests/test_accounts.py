import os
import secrets
import subprocess
import sys

from django.test import Client
from django.urls import reverse

from museumshare.accounts.models import PlatformGroup, User
from museumshare.conftest import PASSWORD


def test_people_sign_in_with_their_email_address(client: Client, alice: User) -> None:
    response = client.post(reverse("accounts:login"), {"username": "ALICE@example.org", "password": PASSWORD})
    wrong = Client().post(reverse("accounts:login"), {"username": "alice@example.org", "password": "nope"})

    assert response.status_code == 302
    assert client.get(reverse("accounts:account")).context["user"] == alice
    assert "Enter the email address and password" in wrong.content.decode()


def test_the_account_page_lists_memberships(client: Client, alice: User) -> None:
    client.force_login(alice)

    html = client.get(reverse("accounts:account")).content.decode()

    assert "National Portrait Gallery" in html
    assert "Editor" in html


def test_platform_groups_come_from_django_groups(analyst: User, admin_user: User, charlie: User) -> None:
    assert analyst.in_group(PlatformGroup.ANALYST)
    assert not analyst.in_group(PlatformGroup.ADMINISTRATOR)
    assert admin_user.in_group(PlatformGroup.ADMINISTRATOR)
    assert not charlie.in_group(PlatformGroup.PROGRAMME_MANAGER)


def test_production_settings_pass_the_deployment_checks() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "museumshare.example.org",
        "DATABASE_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "museumshare", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
