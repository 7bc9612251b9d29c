"""Limits on how often a client may ask: the API's throttles and password reset emails.

Counts are kept in the cache, so several app servers share them only through a shared cache.
"""

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from museumshare.core.network import client_ip

if TYPE_CHECKING:  # rest_framework.views reads the throttle classes in this module as it loads
    from rest_framework.views import APIView

HOUR = 60 * 60


class ClientAddressMixin:
    """The client's address as the rest of the site reads it, trusting only TRUSTED_PROXIES."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request._request)


class AnonymousThrottle(ClientAddressMixin, AnonRateThrottle):
    scope = "anonymous"


class SignedInThrottle(ClientAddressMixin, UserRateThrottle):
    scope = "signed_in"


class WriteThrottle(ClientAddressMixin, SimpleRateThrottle):
    """Creates, changes and deletions, by person (or address), counted apart from reads."""

    scope = "write"

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        if request.method in SAFE_METHODS:
            return None
        ident = f"user-{request.user.pk}" if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def _within(key: str, limit: int, seconds: int) -> bool:
    """Count one more under `key`; whether it is still within `limit` in the window."""
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        count = 1
    return count <= limit


def password_reset_allowed(*, request: HttpRequest, email: str) -> bool:
    """Whether another reset email may go, to this address and from this client, this hour.

    Both are counted whatever the answer, so asking again and again does not reset the wait."""
    limit = settings.PASSWORD_RESET_EMAILS_PER_HOUR
    by_client = _within(f"password-reset:client:{client_ip(request)}", limit, HOUR)
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    by_email = _within(f"password-reset:email:{address}", limit, HOUR)
    return by_client and by_email
