from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from museumshare.accounts import services
from museumshare.accounts.forms import SignInForm
from museumshare.accounts.throttles import password_reset_allowed
from museumshare.accounts.tokens import tokens_section
from museumshare.accounts.two_factor_views import two_factor_section


class SignInView(LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True


@login_required
def account(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("organisation")  # type: ignore[union-attr, misc]
    context = {"memberships": memberships, **tokens_section(request.user), **two_factor_section(request)}
    return render(request, "accounts/account.html", context)


class PasswordResetView(auth_views.PasswordResetView):
    """Sends a reset link at most PASSWORD_RESET_EMAILS_PER_HOUR times an hour to an address, and
    from a client; past that it sends nothing but answers the same, so nobody learns which
    addresses have accounts or that a limit was reached."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        services.password_reset_requested(actor=self.request.user, email=form.cleaned_data["email"])
        if not password_reset_allowed(request=self.request, email=form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
