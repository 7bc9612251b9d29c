"""The demo cast: the same people in `make run` and in the tests.

alice edits at a national museum, bob at a regional museum, charlie belongs to neither;
an analyst and an administrator hold platform roles.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from museumshare.accounts import two_factor
from museumshare.accounts.models import PlatformGroup, User
from museumshare.core import audit
from museumshare.core.services import System
from museumshare.organisations import services
from museumshare.organisations.models import Membership, Organisation, Role

NATIONAL_PORTRAIT_GALLERY = "mm.domus.SE444"
LAING_ART_GALLERY = "mm.domus.NE026"
DEMO = System("demo")


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    organisation_ref: str | None = None
    role: Role | None = None
    group: PlatformGroup | None = None
    superuser: bool = False


CAST = (
    Person("alice@example.org", "Alice Ashby", NATIONAL_PORTRAIT_GALLERY, Role.EDITOR),
    Person("bob@example.org", "Bob Bell", LAING_ART_GALLERY, Role.EDITOR),
    Person("charlie@example.org", "Charlie Clark"),
    Person("analyst@example.org", "Ana Lister", group=PlatformGroup.ANALYST),
    Person("admin@example.org", "Ada Admin", group=PlatformGroup.ADMINISTRATOR, superuser=True),
)


@transaction.atomic
def ensure_cast(password: str) -> dict[str, User]:
    """Create the cast's accounts and memberships where missing; every demo account gets `password`."""
    users: dict[str, User] = {}
    for person in CAST:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(
                person.email, password, name=person.name, is_staff=person.superuser, is_superuser=person.superuser
            )
            audit.record(actor=DEMO, action="user.create_demo", obj=user)
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        if person.group:
            user.groups.add(Group.objects.get_or_create(name=person.group.value)[0])
            user.__dict__.pop("group_names", None)
        if two_factor.is_required(user):
            two_factor.demo_device(user=user)
        organisation = (
            Organisation.objects.filter(external_id=person.organisation_ref).first()
            if person.organisation_ref
            else None
        )
        if (
            organisation
            and person.role
            and not Membership.objects.filter(user=user, organisation=organisation).exists()
        ):
            membership = Membership.objects.create(user=user, organisation=organisation, role=person.role)
            audit.record(actor=DEMO, action="membership.create", obj=membership, changes={"role": [None, person.role]})
        users[person.email.split("@")[0]] = user
    return users


def describe_programmes() -> None:
    """Give the National Portrait Gallery the programme it really runs, if it says nothing yet."""
    gallery = Organisation.objects.filter(external_id=NATIONAL_PORTRAIT_GALLERY, offers_programmes="").first()
    if gallery:
        services.organisation_update(
            organisation=gallery,
            actor=DEMO,
            data={
                "offers_programmes": (
                    "The National Skills Sharing Partnership: staff placements, mentoring, paid internships, "
                    "peer-to-peer knowledge exchanges and seminars with twelve partner museums across the UK, "
                    "on the theme 'What is a Portrait?'."
                )
            },
        )
