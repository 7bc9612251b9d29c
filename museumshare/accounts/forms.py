from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        "invalid_login": "Enter the email address and password of your museumshare account.",
        "inactive": "This account is no longer active.",
    }


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, such as the script that will use it.",
    )
    days = forms.TypedChoiceField(
        label="Expires after",
        coerce=int,
        initial=90,
        choices=[(7, "7 days"), (30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "1 year")],
        help_text="A token stops working when it expires; make a new one then.",
    )


class TwoFactorCodeForm(forms.Form):
    """A code from an authenticator app, or a recovery code where `recovery` allows one."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false", "class": "code"}
        ),
    )

    def __init__(self, *args: Any, recovery: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = (
            "The 6-digit code your authenticator app shows, or one of your recovery codes."
            if recovery
            else "The 6-digit code your authenticator app shows."
        )
        if not recovery:
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
