"""Who runs a programme, who sees it, and whom a person may offer opportunities for."""

from datetime import date

import pytest
from django.contrib.auth.models import Group

from museumshare.accounts.models import PlatformGroup, User
from museumshare.organisations.models import Membership, Organisation, Role
from museumshare.programmes import rules, services
from museumshare.programmes.models import MemberRole, Programme


@pytest.fixture
def programme(alice: User, portrait_gallery: Organisation, laing: Organisation) -> Programme:
    return services.programme_create(
        actor=alice,
        data={
            "name": "Skills exchange",
            "lead": portrait_gallery,
            "summary": "Staff of two museums learning from each other.",
            "start_date": date(2021, 4, 1),
            "public": False,
        },
        members=[(laing, MemberRole.PARTNER, date(2021, 4, 1))],
    )


def _join(user: User, organisation: Organisation, role: Role, group: PlatformGroup | None = None) -> User:
    Membership.objects.create(user=user, organisation=organisation, role=role)
    if group:
        user.groups.add(Group.objects.get(name=group.value))
    return User.objects.get(pk=user.pk)  # a fresh object: memberships are cached per user object


def test_editors_at_the_lead_run_the_programme_and_partners_do_not(
    programme: Programme, alice: User, bob: User, charlie: User
) -> None:
    assert alice.has_perm("programmes.change_programme", programme)
    assert not bob.has_perm("programmes.change_programme", programme)
    assert not charlie.has_perm("programmes.change_programme", programme)


def test_a_programme_manager_runs_it_only_when_they_belong_to_the_lead(
    programme: Programme, charlie: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    elsewhere = _join(charlie, laing, Role.VIEWER, PlatformGroup.PROGRAMME_MANAGER)
    assert not elsewhere.has_perm("programmes.change_programme", programme)

    at_the_lead = _join(elsewhere, portrait_gallery, Role.VIEWER)
    assert at_the_lead.has_perm("programmes.change_programme", programme)
    assert at_the_lead.has_perm("programmes.view_dashboard", programme)


def test_a_private_programme_is_seen_by_its_members_staff_and_analysts_only(
    programme: Programme, bob: User, charlie: User, analyst: User
) -> None:
    assert bob.has_perm("programmes.view_programme", programme)
    assert analyst.has_perm("programmes.view_programme", programme)
    assert analyst.has_perm("programmes.view_dashboard", programme)
    assert not analyst.has_perm("programmes.change_programme", programme)
    assert not charlie.has_perm("programmes.view_programme", programme)


def test_a_member_who_has_left_no_longer_belongs(programme: Programme, alice: User, bob: User) -> None:
    member = programme.members.get(organisation__name="Laing Art Gallery")
    services.member_leave(member=member, actor=alice, left=date(2022, 3, 31))

    assert not User.objects.get(pk=bob.pk).has_perm("programmes.view_programme", programme)


def test_managers_offer_opportunities_for_the_programmes_members_and_editors_for_their_own(
    programme: Programme, alice: User, bob: User, charlie: User, admin_user: User
) -> None:
    assert [o.name for o in rules.hosts_for(alice) or []] == ["Laing Art Gallery", "National Portrait Gallery"]
    assert [o.name for o in rules.hosts_for(bob) or []] == ["Laing Art Gallery"]
    assert list(rules.hosts_for(charlie) or []) == []
    assert rules.hosts_for(admin_user) is None
