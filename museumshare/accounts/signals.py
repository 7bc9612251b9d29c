"""Security events in the audit log: sign-ins and their failures, lockouts, password changes,
second-factor devices, groups and the staff, superuser and active flags.

These are receivers, not services, because the events happen in Django, django-axes and
django-otp code as well as ours: the admin, password reset, `changepassword`. Each records an
entry with the client's address (core.audit.current_request, or the request the signal gives).
"""

from typing import Any

from django.apps import apps
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest

from museumshare.accounts import services
from museumshare.accounts.models import User
from museumshare.core import audit
from museumshare.core.network import client_ip
from museumshare.core.services import Actor, System, allowed

ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser")
# Changes made outside any request: a management command, the shell, a scheduled job.
SERVER = System("a command on the server")
# Someone trying to sign in is, until they have, nobody the site knows.
ANONYMOUS = AnonymousUser()


def _address(request: HttpRequest | None) -> str | None:
    return (client_ip(request) or None) if request is not None else None


def _acting(default: Actor = SERVER) -> Actor:
    """Whoever is signed in to the request being answered, else `default`."""
    request = audit.current_request.get()
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else default


def _account(email: str) -> User:
    """The account with this address, or an unsaved one for an address nobody has."""
    return User.objects.filter(email__iexact=email).first() or User(email=email)


def signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit.record(actor=user, action="user.sign_in", obj=user, address=_address(request))


def signed_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(actor=user, action="user.sign_out", obj=user, address=_address(request))


def sign_in_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Django has already masked the password in `credentials`; only the address tried is kept.
    email = str(credentials.get("username") or credentials.get("email") or "")[:254]
    audit.record(
        actor=ANONYMOUS,
        action="user.sign_in_failed",
        obj=_account(email),
        changes={"email": [None, email]},
        address=_address(request),
    )


def locked_out(sender: Any, request: HttpRequest | None, username: str | None, ip_address: str, **kwargs: Any) -> None:
    email = str(username or "")[:254]
    audit.record(
        actor=ANONYMOUS,
        action="user.locked_out",
        obj=_account(email),
        changes={"email": [None, email]},
        address=_address(request) or ip_address or None,
    )


def user_before_save(sender: Any, instance: User, update_fields: Any = None, **kwargs: Any) -> None:
    """Note the access flags as stored, to record what a save changes (one query, skipped for
    saves of other fields only, such as each sign-in's last_login)."""
    if instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(ACCESS_FIELDS):
        return
    stored = User.objects.filter(pk=instance.pk).values(*ACCESS_FIELDS).first()
    instance._access_before = stored or {}  # type: ignore[attr-defined]


def user_saved(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_access_before", None)
    if before is not None:
        del instance._access_before  # type: ignore[attr-defined]
        changes = audit.diff(before, {name: getattr(instance, name) for name in ACCESS_FIELDS})
        if changes:
            audit.record(actor=_acting(), action="user.access_change", obj=instance, changes=changes)
    # set_password keeps the new password in _password until the save after it: a rehash of the
    # same password on sign-in does not, so it revokes nothing.
    if not created and getattr(instance, "_password", None) is not None:
        request = audit.current_request.get()
        match = getattr(request, "resolver_match", None)
        reset = match is not None and match.url_name == "password_reset_confirm"
        actor = _acting(default=instance)
        audit.record(actor=actor, action="user.password_reset" if reset else "user.password_change", obj=instance)
        # A new password ends every token whoever set it (a member of staff in the admin, say): the
        # revocation follows from the change, so the system makes it when the person could not.
        revoker = actor if allowed(actor, "accounts.revoke_all_tokens", instance) else SERVER
        services.tokens_revoke_all(actor=revoker, user=instance, reason="password changed")


def _group_names(user_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {pk: [] for pk in user_ids}
    for user_id, name in Group.objects.filter(user__in=user_ids).values_list("user", "name").order_by("name"):
        names[user_id].append(name)
    return names


def groups_changed(
    sender: Any, instance: Model, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """Record each person's groups before and after, whichever side changed them."""
    if action.startswith("pre_"):
        if reverse:
            user_ids = list(pk_set) if pk_set is not None else list(instance.user_set.values_list("pk", flat=True))  # type: ignore[attr-defined]
        else:
            user_ids = [instance.pk]
        instance._groups_before = _group_names(user_ids)  # type: ignore[attr-defined]
        return
    before: dict[int, list[str]] = getattr(instance, "_groups_before", {})
    after = _group_names(list(before))
    actor = _acting()
    for user in User.objects.filter(pk__in=[pk for pk in before if before[pk] != after[pk]]):
        audit.record(
            actor=actor, action="user.groups_change", obj=user, changes={"groups": [before[user.pk], after[user.pk]]}
        )


def device_saved(sender: Any, instance: Any, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    """A device counts as added once it is confirmed: an app being set up is not yet a second factor."""
    if instance.confirmed and (created or "confirmed" in (update_fields or ())):
        audit.record(
            actor=_acting(default=instance.user),
            action="two_factor.device_add",
            obj=instance,
            changes={"kind": [None, instance._meta.verbose_name], "user": [None, instance.user_id]},
        )


def device_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not instance.confirmed:  # an app whose set-up was never finished
        return
    audit.record(
        actor=_acting(default=instance.user),
        action="two_factor.device_remove",
        obj=instance,
        changes={"kind": [instance._meta.verbose_name, None], "user": [instance.user_id, None]},
    )


def connect() -> None:
    """Connect the receivers, from AccountsConfig.ready; axes and django-otp only when installed."""
    user_logged_in.connect(signed_in, dispatch_uid="audit.signed_in")
    user_logged_out.connect(signed_out, dispatch_uid="audit.signed_out")
    user_login_failed.connect(sign_in_failed, dispatch_uid="audit.sign_in_failed")
    pre_save.connect(user_before_save, sender=User, dispatch_uid="audit.user_before_save")
    post_save.connect(user_saved, sender=User, dispatch_uid="audit.user_saved")
    m2m_changed.connect(groups_changed, sender=User.groups.through, dispatch_uid="audit.groups_changed")
    if apps.is_installed("axes"):
        from axes.signals import user_locked_out

        user_locked_out.connect(locked_out, dispatch_uid="audit.locked_out")
    for app, model in (
        ("django_otp.plugins.otp_totp", "TOTPDevice"),
        ("django_otp.plugins.otp_static", "StaticDevice"),
    ):
        if apps.is_installed(app):
            device = apps.get_model(app.rsplit(".", 1)[1], model)
            post_save.connect(device_saved, sender=device, dispatch_uid=f"audit.{model}.saved")
            post_delete.connect(device_deleted, sender=device, dispatch_uid=f"audit.{model}.deleted")
