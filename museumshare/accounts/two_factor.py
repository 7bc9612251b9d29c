"""Two-factor authentication: an authenticator app's codes (TOTP), and one-time recovery codes.

Anyone may turn it on from their account page. Superusers, staff and the platform roles that see
unpublished statistics or run programmes must, unless TWO_FACTOR_REQUIRED is off (a development
machine). A person with a confirmed device who has signed in with their password is not
verified until they give a code: TwoFactorMiddleware sends them to give it, and a person who
must use two-factor authentication but has no device yet to set it up, before anything else.

API tokens are not interactive and never ask for a code: a token is made on the account page,
which the middleware keeps from anyone who must use two-factor authentication and has not.
"""

import base64
import time
from collections.abc import Callable

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device, verify_token
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from museumshare.accounts.models import PlatformGroup, User

RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# The demo's authenticator key, published in docs/getting-started.md: on a demo, anyone may sign in
# as its analyst or administrator. 20 bytes, as an authenticator app's keys are.
DEMO_KEY = b"museumshare-demo-key"
REQUIRED_GROUPS = (PlatformGroup.ANALYST, PlatformGroup.ADMINISTRATOR, PlatformGroup.PROGRAMME_MANAGER)


class TwoFactorError(Exception):
    """A code that is wrong, used, or tried too soon after too many wrong ones."""


def is_required(user: User) -> bool:
    if not settings.TWO_FACTOR_REQUIRED or not user.is_active:
        return False
    return user.is_superuser or user.is_staff or any(user.in_group(group) for group in REQUIRED_GROUPS)


def is_enabled(user: User) -> bool:
    return bool(user_has_device(user, confirmed=True))


def is_verified(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


def is_satisfied(request: HttpRequest) -> bool:
    """Whether the person signed in may go on: verified, or with no code to give."""
    user = request.user
    if not user.is_authenticated or is_verified(request):
        return True
    return not is_enabled(user) and not is_required(user)


def secret_text(key: bytes) -> str:
    """A key as an authenticator app takes it typed in: base32, in groups of four."""
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def secret(device: TOTPDevice) -> str:
    return secret_text(device.bin_key)


def current_code(device: TOTPDevice) -> str:
    """The code `device`'s app shows now, or, if that one has been used, the next one, which the
    device accepts too (a step either side of now). For the demo's `demo_code` and for tests."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = max(time.time(), (device.last_t + 1 - device.drift) * device.step + device.t0)
    return f"{totp.token():0{device.digits}d}"


def qr_code(device: TOTPDevice) -> str:
    """The key as a QR code: an SVG data URI for an <img>, so the page needs no script."""
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2, dark="#0b0c0c"))


def pending_device(*, user: User) -> TOTPDevice:
    """The authenticator app device being set up: unconfirmed until its first code is given."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def demo_device(*, user: User) -> TOTPDevice:
    """The demo's authenticator app for `user`, confirmed, with the published DEMO_KEY."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, key=DEMO_KEY.hex(), confirmed=True)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_enable(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the app that gave `code`; returns recovery codes, to show once and never again."""
    if device.user_id != user.pk or device.confirmed:
        raise TwoFactorError("This set-up has already been finished or is not yours.")
    if not device.verify_token(code.strip().replace(" ", "")):
        raise TwoFactorError("The code is wrong or has expired. Enter the code your app shows now.")
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return _new_recovery_codes(user)


def two_factor_check(*, user: User, code: str) -> Device:
    """The device that accepts `code`: an app's code, or a recovery code (used up by this)."""
    code = code.strip().replace(" ", "").lower()
    if code:
        devices = _devices(user, code)
        for device in devices:
            if verify_token(user, device.persistent_id, code):
                return device
        # Each wrong code doubles the wait before the next is looked at (django-otp's throttling).
        if any(not device.verify_is_allowed()[0] for device in devices):
            raise TwoFactorError("Too many wrong codes. Wait a few seconds, then enter the code your app shows.")
    raise TwoFactorError("The code is wrong, has been used or has expired.")


def _devices(user: User, code: str) -> list[Device]:
    """The devices a code may be from, by its form: an app's is digits, a recovery code letters
    too. Trying one on the other would count as a wrong code there and hold up the next."""
    if code.isdigit() and len(code) == 6:
        return list(TOTPDevice.objects.filter(user=user, confirmed=True))
    return list(StaticDevice.objects.filter(user=user))


@transaction.atomic
def two_factor_disable(*, user: User, code: str) -> None:
    """Remove the app and the recovery codes; a current code proves it is the person asking."""
    two_factor_check(user=user, code=code)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def recovery_codes_regenerate(*, user: User, code: str) -> list[str]:
    """New recovery codes in place of the old, which stop working."""
    two_factor_check(user=user, code=code)
    return _new_recovery_codes(user)


def mark_verified(request: HttpRequest, device: Device) -> None:
    """Record in the session that the person signed in gave a code from `device`."""
    otp_login(request, device)


def forget_verification(request: HttpRequest) -> None:
    request.session.pop(DEVICE_ID_SESSION_KEY, None)


class TwoFactorMiddleware:
    """Sends a person signed in but not verified to give their code, or to set up two-factor
    authentication if they must and have not, before any other page. The API answers 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Without a session cookie nobody is signed in; not reading the session keeps public answers
        # free of "Vary: Cookie", so shared caches may keep them.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES or is_satisfied(request) or self._open(request.path):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": "Give your two-factor authentication code on the website before using the API."},
                status=403,
            )
        name = "accounts:two_factor_verify" if is_enabled(request.user) else "accounts:two_factor_setup"  # type: ignore[arg-type]
        return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def _open(path: str) -> bool:
        pages = ("accounts:two_factor_verify", "accounts:two_factor_setup", "accounts:logout")
        return path.startswith(settings.STATIC_URL) or path in {reverse(name) for name in pages}
