"""API tokens: the API's authentication by them, and the account page's forms to make and revoke them.

A request sends "Authorization: Token <key>". The key's first characters find its row; the
SHA-256 of the whole key is compared in constant time with the one stored.
"""

import hmac
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from museumshare.accounts import services
from museumshare.accounts.forms import ApiTokenForm
from museumshare.accounts.models import ApiToken, User

KEYWORD = "Token"
# Last use is written at most this often, not on every request.
LAST_USED_EVERY = timedelta(minutes=1)


def token_for_key(key: str) -> ApiToken | None:
    """The usable token whose key this is, or None."""
    if len(key) <= services.PREFIX_LENGTH:
        return None
    wanted = services.hash_key(key)
    candidates = ApiToken.objects.usable().filter(prefix=key[: services.PREFIX_LENGTH]).select_related("user")
    for token in candidates:
        if hmac.compare_digest(token.key_hash, wanted):
            return token
    return None


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the header as 'Authorization: Token <key>'.")
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        token = token_for_key(key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token is not valid, has expired or was revoked.")
        now = timezone.now()
        if token.last_used is None or now - token.last_used >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
            token.last_used = now
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The schema's description of the header, named as DRF's own token scheme was."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A token from your account page, after the word "Token": Authorization: Token <key>',
        }


def tokens_section(user: Any) -> dict[str, Any]:
    """The account page's token section: the person's tokens and a blank form."""
    return {"api_tokens": ApiToken.objects.filter(user=user), "api_token_form": ApiTokenForm()}


@never_cache
@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        token, key = services.token_create(
            actor=request.user,
            user=request.user,  # type: ignore[arg-type]  # signed in: login_required
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
        )
        # The key is shown on this page only; no redirect, so it is never kept anywhere to show later.
        return render(request, "accounts/token_created.html", {"token": token, "key": key})
    return render(request, "accounts/token_form.html", {"api_token_form": form}, status=400)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # 404 for another person's token, so nobody learns which tokens exist.
    token = get_object_or_404(ApiToken, pk=pk, user_id=request.user.pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, f"The token ‘{token.name}’ is revoked: scripts using it can no longer sign in.")
    return redirect("accounts:account")
