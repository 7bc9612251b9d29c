"""Who may write through the API: the rules permissions the web pages ask, as DRF permission classes.

Anyone may read; what a person may see is decided by the querysets (`visible_to`), so an
activity they may not see is a 404, never a 403. Each view lists IsAuthenticatedOrReadOnly
first, so that a write without an account is a 401 before these are asked.
"""

from typing import Any

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from museumshare.organisations.models import Organisation
from museumshare.programmes import rules as programme_rules


class OpportunityPermission(BasePermission):
    message = "Only the host's editors and the programme's managers can change this opportunity."

    def has_permission(self, request: Request, view: Any) -> bool:
        if view.action == "create" and not request.user.has_perm("programmes.add_opportunity"):
            self.message = "Only editors at an organisation and programme managers can offer opportunities."
            return False
        return True

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        # Anyone signed in may apply for an opportunity they may see; the service says whether they can now.
        if request.method in SAFE_METHODS or view.action == "apply":
            return True
        return request.user.has_perm("programmes.change_opportunity", obj)


def require_may_host(request: Request, organisation: Organisation) -> None:
    """Refuse an opportunity offered by an organisation the user may not offer for (administrators may)."""
    hosts = programme_rules.hosts_for(request.user)
    if hosts is not None and not hosts.filter(pk=organisation.pk).exists():
        raise PermissionDenied(
            "You can offer opportunities only for organisations you edit for, or members of programmes you "
            f"manage; not {organisation}."
        )


class PostedPermission(BasePermission):
    """Needs and offers: editors post them for their organisations; the organisation's editors change,
    withdraw and reopen them (administrators may do all). The view names its `model`, Need or Offer."""

    def has_permission(self, request: Request, view: Any) -> bool:
        noun = view.model._meta.model_name
        if view.action == "create" and not request.user.has_perm(f"needs.add_{noun}"):
            self.message = f"Only editors at a museum can post its {noun}s."
            return False
        return True

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        noun = view.model._meta.model_name
        self.message = f"Only editors at the organisation that posted this {noun} can change, withdraw or reopen it."
        return bool(request.user.has_perm(f"needs.change_{noun}", obj))
