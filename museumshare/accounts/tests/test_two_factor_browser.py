"""An analyst signs in with a password and then a code from an authenticator app, in Chromium."""

from collections.abc import Callable

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from museumshare.accounts import two_factor
from museumshare.accounts.models import User
from museumshare.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_an_analyst_signs_in_with_a_password_then_a_code(
    page: Page, assert_accessible: Callable[[Page], None], analyst: User
) -> None:
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(analyst.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_accessible(page)
    page.get_by_label("Code").fill("123456")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("The code is wrong")
    expect(page).to_have_title("Error: Enter your code – museumshare")
    assert_accessible(page)

    page.wait_for_timeout(2100)  # django-otp's wait after a wrong code
    page.get_by_label("Code").fill(two_factor.current_code(TOTPDevice.objects.get(user=analyst)))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    expect(page.get_by_role("link", name="Get new recovery codes")).to_be_visible()
    assert_accessible(page)
