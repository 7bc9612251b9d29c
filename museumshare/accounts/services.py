"""Writes to people's accounts: their API tokens. Each checks who may make it and audits it."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from museumshare.accounts.models import ApiToken, User
from museumshare.core import audit
from museumshare.core.services import Actor, require

DEFAULT_DAYS = 90
MAX_DAYS = 365
PREFIX_LENGTH = 8


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor: Actor, user: User, name: str, days: int = DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """A new token for `user` and its key, which is shown this once and never kept."""
    require(actor, "accounts.add_token", user, message="Only the person themself can make a token for their account.")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the token, such as the script that will use it."})
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": f"Choose an expiry between 1 and {MAX_DAYS} days."})
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=key[:PREFIX_LENGTH],
        key_hash=hash_key(key),
        expires=timezone.now() + timedelta(days=days),
    )
    audit.record(
        actor=actor,
        action="api_token.create",
        obj=token,
        changes={"name": [None, token.name], "expires": [None, audit.plain(token.expires)]},
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> None:
    require(actor, "accounts.revoke_token", token, message="Only the person whose token it is can revoke it.")
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
        audit.record(actor=actor, action="api_token.revoke", obj=token)


@transaction.atomic
def tokens_revoke_all(*, actor: Actor, user: User, reason: str) -> int:
    """Revoke every usable token of `user`: their password changed, so whoever held it may too."""
    require(actor, "accounts.revoke_all_tokens", user, message="Only the person themself can revoke all their tokens.")
    now = timezone.now()
    tokens = list(ApiToken.objects.usable().filter(user=user).select_for_update())
    for token in tokens:
        token.revoked = now
        audit.record(actor=actor, action="api_token.revoke", obj=token, changes={"reason": [None, reason]})
    ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).update(revoked=now)
    return len(tokens)


def password_reset_requested(*, actor: Actor, email: str) -> None:
    """Record that `actor` (most often someone not signed in) asked for a reset link for `email`,
    whether or not it has an account (the page answers the same either way; the log says which)."""
    require(actor, "accounts.ask_password_reset")
    email = email.strip()[:254]
    account = User.objects.filter(email__iexact=email).first() or User(email=email)
    audit.record(actor=actor, action="user.password_reset_request", obj=account, changes={"email": [None, email]})
