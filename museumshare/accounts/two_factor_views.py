"""Pages to set up, give, turn off and renew two-factor authentication (accounts.two_factor)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from museumshare.accounts import two_factor
from museumshare.accounts.forms import TwoFactorCodeForm
from museumshare.accounts.lockout import locked_out
from museumshare.accounts.models import User


def two_factor_section(request: HttpRequest) -> dict[str, Any]:
    """What the account page says about two-factor authentication."""
    user = _user(request)
    return {"two_factor_enabled": two_factor.is_enabled(user), "two_factor_required": two_factor.is_required(user)}


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    user = _user(request)
    if two_factor.is_verified(request) or not two_factor.is_enabled(user):
        return redirect(_next(request))
    form = TwoFactorCodeForm(request.POST or None, recovery=True)
    if form.is_valid():
        try:
            device = two_factor.two_factor_check(user=user, code=form.cleaned_data["code"])
        except two_factor.TwoFactorError as error:
            # A wrong code counts as a failed sign-in: too many lock the account as wrong passwords do.
            user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=request)
            if getattr(request, "axes_locked_out", False):
                logout(request)
                return locked_out(request)
            form.add_error("code", str(error))
        else:
            two_factor.mark_verified(request, device)
            return redirect(_next(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Scan or type the key into an app, confirm with its first code, then see the recovery codes once."""
    user = _user(request)
    if two_factor.is_enabled(user):
        return redirect("accounts:account")
    device = two_factor.pending_device(user=user)
    form = TwoFactorCodeForm(request.POST or None)
    if form.is_valid():
        try:
            codes = two_factor.two_factor_enable(user=user, device=device, code=form.cleaned_data["code"])
        except two_factor.TwoFactorError as error:
            form.add_error("code", str(error))
        else:
            two_factor.mark_verified(request, device)
            return render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes, "next": _next(request)})
    context = {
        "form": form,
        "qr_code": two_factor.qr_code(device),
        "secret": two_factor.secret(device),
        "required": two_factor.is_required(user),
        "next": _next(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@login_required
def disable(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not two_factor.is_enabled(user):
        return redirect("accounts:account")
    form = TwoFactorCodeForm(request.POST or None, recovery=True)
    if form.is_valid():
        try:
            two_factor.two_factor_disable(user=user, code=form.cleaned_data["code"])
        except two_factor.TwoFactorError as error:
            form.add_error("code", str(error))
        else:
            two_factor.forget_verification(request)
            messages.success(request, "Two-factor authentication is off.")
            return redirect("accounts:account")
    context = {"form": form, "action": "disable", "required": two_factor.is_required(user)}
    return render(request, "accounts/two_factor_confirm.html", context)


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not two_factor.is_enabled(user):
        return redirect("accounts:account")
    form = TwoFactorCodeForm(request.POST or None, recovery=True)
    if form.is_valid():
        try:
            codes = two_factor.recovery_codes_regenerate(user=user, code=form.cleaned_data["code"])
        except two_factor.TwoFactorError as error:
            form.add_error("code", str(error))
        else:
            context = {"codes": codes, "next": resolve_url("accounts:account")}
            return render(request, "accounts/two_factor_recovery_codes.html", context)
    return render(request, "accounts/two_factor_confirm.html", {"form": form, "action": "recovery_codes"})
