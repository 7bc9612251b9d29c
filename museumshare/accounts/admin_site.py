"""The admin site, open only to staff who have given a two-factor code (accounts.two_factor).

Its own sign-in asks for the code after the password, and counts failures for the lockout as the
site's does. With TWO_FACTOR_REQUIRED off (a development machine) it is Django's plain admin.
"""

from django.conf import settings
from django.contrib.admin import AdminSite as PlainAdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from museumshare.accounts import two_factor


class AdminSite(OTPAdminSite):  # type: ignore[misc]
    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    @property
    def login_form(self) -> type[AdminAuthenticationForm]:
        return OTPAdminAuthenticationForm if settings.TWO_FACTOR_REQUIRED else AdminAuthenticationForm

    @property
    def login_template(self) -> str | None:
        return OTPAdminSite.login_template if settings.TWO_FACTOR_REQUIRED else None

    def has_permission(self, request: HttpRequest) -> bool:
        verified = two_factor.is_verified(request) or not settings.TWO_FACTOR_REQUIRED
        return PlainAdminSite.has_permission(self, request) and verified
