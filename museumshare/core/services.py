"""What every app's write services share: who acts, the permission check, and the two refusals.

A write service takes `actor` (keyword-only), calls `require` before it reads anything it was given,
writes, and records an audit entry. Views, forms, importers and the API translate shapes and call it;
none decides a permission of its own (docs/development.md).
"""

from dataclasses import dataclass
from typing import Any, ClassVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from museumshare.accounts.models import User


@dataclass(frozen=True)
class System:
    """museumshare itself acting, with no person behind it: an import from the command line, the demo,
    a scheduled job. The audit log names it; it may do anything, as the command line can."""

    name: str
    is_authenticated: ClassVar[bool] = False


# Who a write service acts for: the person answering a request (signed in or not), or the system.
Actor = User | AnonymousUser | System


class NotPermitted(PermissionDenied):
    """The actor may not do this: web pages answer 403 with the message, as does the API."""


class Refused(ValidationError):
    """The actor may, but the record's rules do not allow it now (a return already submitted, a loan
    that clashes): web pages show the messages on the form, the API answers 400 with them."""


def allowed(actor: Actor, permission: str, obj: Any = None) -> bool:
    """Whether `actor` holds `permission` (a rule of an app's rules.py) over `obj`."""
    return isinstance(actor, System) or actor.has_perm(permission, obj)


def require(actor: Actor, permission: str, obj: Any = None, *, message: str = "") -> None:
    """Refuse with NotPermitted unless `actor` holds `permission` over `obj`."""
    if not allowed(actor, permission, obj):
        raise NotPermitted(message or "You do not have permission to do that.")


def person(actor: Actor) -> User | None:
    """The signed-in person acting, for a record's "created by"; None for the system."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None
