"""Sign-in lockout, for django-axes, and the idle end of a session.

Axes counts failed sign-ins by account and by client address; these functions tell it which
to count, how to read the account, and what to answer once a limit is reached. The API counts
too: a request whose credentials are refused (401) is a failed sign-in from its address.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import timezone

API_PREFIX = "/api/"
# How often a signed-in session's expiry is pushed back: a write to the session store a minute,
# not one a request, for an idle timeout that is right to the minute.
SESSION_REFRESH_SECONDS = 60


def lockout_parameters(request: HttpRequest, credentials: dict[str, Any] | None) -> list[str]:
    """An account and an address are counted apart, either locks. A failure without an account
    (a refused API token) counts for its address only: otherwise every such failure, from any
    address, would add up under one empty account name."""
    if credentials and credentials.get("username"):
        return ["username", "ip_address"]
    return ["ip_address"]


def username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The email address tried, as the account is found: ALICE@example.org is alice@example.org."""
    value = (credentials or {}).get("username")
    if not value:
        try:
            value = request.POST.get("username")
        except MultiPartParserError:  # a malformed body names no account
            value = None
    return str(value).strip().lower() if value else None


def cool_off() -> timedelta:
    return get_cool_off() or timedelta(0)


def locked_out(request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None) -> HttpResponse:
    """The answer to a sign-in refused for too many failures: a page for people, JSON for the API.

    Every try while locked out starts the wait again, so the time to wait is counted from now."""
    wait = cool_off()
    minutes = max(1, round(wait.total_seconds() / 60))
    if request.path.startswith(API_PREFIX):
        answer = JsonResponse(
            {"detail": f"Too many failed sign-in attempts. Try again in {minutes} minutes."}, status=429
        )
        answer["Retry-After"] = str(int(wait.total_seconds()))
        return answer
    until = timezone.localtime() + wait
    return render(request, "accounts/locked_out.html", {"minutes": minutes, "until": until}, status=429)


def is_address_locked(request: HttpRequest) -> bool:
    return not AxesProxyHandler.is_allowed(request, {})


class ApiLockoutMiddleware:
    """Fails API authentication closed for a locked-out address, and counts refused credentials.

    Credentials refused by whichever authentication class (401 to a request that sent an
    Authorization header) are a failed sign-in for axes, as a wrong password is."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX) or "HTTP_AUTHORIZATION" not in request.META:
            return self.get_response(request)
        if is_address_locked(request):
            return locked_out(request)
        response = self.get_response(request)
        if response.status_code == 401:
            user_login_failed.send(sender=__name__, credentials={}, request=request)
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)
        return response


class SessionIdleMiddleware:
    """Ends a signed-in session SESSION_COOKIE_AGE after its last request, not its first.

    The session's expiry (in its cookie and in the session store) is pushed back when it is
    touched, so touching it once a minute is enough."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only a request that brings a session cookie touches the session: reading it for anyone
        # else would make every public answer vary on cookies, and no shared cache could keep it.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            if now - int(request.session.get("seen", 0)) >= SESSION_REFRESH_SECONDS:
                request.session["seen"] = now
        return self.get_response(request)
