"""Who may do what with programmes, opportunities, applications, events and resources.

A programme is run by its lead organisation: its editors, and its members who hold the platform's
Programme manager role. A host's editors review the applications to its opportunities; the
programme's managers may too. An application's statement is seen only by the applicant and the
people who review it; the host's notes only by the reviewers.
"""

from typing import Any

import rules
from django.db.models import Q, QuerySet

from museumshare.core.permissions import is_administrator, is_analyst, is_programme_manager
from museumshare.organisations.models import Organisation
from museumshare.organisations.rules import edits_anywhere, is_editor, is_member
from museumshare.programmes.models import Event, OpportunityStatus, Programme


def manages_programme(user: Any, programme: Any) -> bool:
    if programme is None or not user.is_authenticated:
        return False
    if is_administrator(user) or is_editor(user, programme.lead):
        return True
    return bool(is_programme_manager(user) and is_member(user, programme.lead))


def belongs_to_programme(user: Any, programme: Any) -> bool:
    """Works at one of the programme's current member organisations."""
    if programme is None or not user.is_authenticated:
        return False
    mine = set(user.memberships.values_list("organisation_id", flat=True))
    return bool(mine) and programme.current_members().filter(organisation_id__in=mine).exists()


@rules.predicate
def can_manage_programme(user: Any, programme: Any) -> bool:
    return manages_programme(user, programme)


@rules.predicate
def can_see_programme(user: Any, programme: Any) -> bool:
    return bool(
        programme.public
        or is_analyst(user)
        or manages_programme(user, programme)
        or belongs_to_programme(user, programme)
    )


@rules.predicate
def can_manage_opportunity(user: Any, opportunity: Any) -> bool:
    if opportunity is None or not user.is_authenticated:
        return False
    return bool(
        is_administrator(user) or is_editor(user, opportunity.host) or manages_programme(user, opportunity.programme)
    )


@rules.predicate
def can_see_opportunity(user: Any, opportunity: Any) -> bool:
    return opportunity.status != OpportunityStatus.DRAFT or bool(can_manage_opportunity(user, opportunity))


@rules.predicate
def is_participant(user: Any, participation: Any) -> bool:
    return bool(user.is_authenticated and participation.participant_id == user.pk)


@rules.predicate
def is_applicant(user: Any, application: Any) -> bool:
    return bool(user.is_authenticated and application.applicant_id == user.pk)


@rules.predicate
def reviews_application(user: Any, application: Any) -> bool:
    return bool(can_manage_opportunity(user, application.opportunity))


@rules.predicate
def can_manage_event(user: Any, event: Any) -> bool:
    if event is None or not user.is_authenticated:
        return False
    return bool(is_administrator(user) or is_editor(user, event.organiser) or manages_programme(user, event.programme))


@rules.predicate
def can_see_event(user: Any, event: Any) -> bool:
    # The same rule as every list of events: one query, so a page and a list can never disagree.
    return event is not None and Event.objects.visible_to(user).filter(pk=event.pk).exists()


@rules.predicate
def owns_action(user: Any, action: Any) -> bool:
    return bool(user.is_authenticated and action.owner_id == user.pk)


@rules.predicate
def manages_actions_event(user: Any, action: Any) -> bool:
    return bool(can_manage_event(user, action.event))


@rules.predicate
def can_read_minutes(user: Any, event: Any) -> bool:
    if not user.is_authenticated:
        return False
    if can_manage_event(user, event) or event.registrations.filter(user=user).exists():
        return True
    return belongs_to_programme(user, event.programme)


@rules.predicate
def can_manage_pair(user: Any, pair: Any) -> bool:
    if not user.is_authenticated:
        return False
    if user.pk in (pair.mentor_id, pair.mentee_id):
        return True
    return bool(is_administrator(user) or manages_programme(user, pair.programme))


@rules.predicate
def can_set_up_pair(user: Any, pair: Any) -> bool:
    """A pair in a programme is set up by the programme's managers; one outside any programme by an
    editor at the mentor's or the mentee's organisation."""
    if pair is None or not user.is_authenticated:
        return False
    if is_administrator(user):
        return True
    if pair.programme_id is not None:
        return manages_programme(user, pair.programme)
    return bool(is_editor(user, pair.mentor_organisation) or is_editor(user, pair.mentee_organisation))


@rules.predicate
def can_change_resource(user: Any, resource: Any) -> bool:
    if not user.is_authenticated:
        return False
    if is_administrator(user) or resource.created_by_id == user.pk:
        return True
    return bool(is_editor(user, resource.organisation) or manages_programme(user, resource.programme))


def hosts_for(user: Any) -> "QuerySet[Organisation] | None":
    """The organisations `user` may offer opportunities or hold events for (None: any at all):
    those where they edit, and the members of programmes they manage."""
    if is_administrator(user):
        return None
    ids = {m.organisation_id for m in user.memberships.all() if m.can_edit}
    for programme in Programme.objects.filter(lead__memberships__user=user).distinct():
        if manages_programme(user, programme):
            ids.add(programme.lead_id)
            ids.update(programme.current_members().values_list("organisation_id", flat=True))
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def leads_for(user: Any) -> "QuerySet[Organisation] | None":
    """The organisations `user` may start a programme for (None: any at all): those they may host
    for, and, for a programme manager, every organisation they belong to."""
    hosts = hosts_for(user)
    if hosts is None or not is_programme_manager(user):
        return hosts
    mine = user.memberships.values("organisation_id")
    return Organisation.objects.filter(Q(pk__in=hosts.values("pk")) | Q(pk__in=mine))


@rules.predicate
def may_host(user: Any, organisation: Organisation | None) -> bool:
    """May offer opportunities, hold events and publish resources for `organisation`; with none
    named, for some organisation."""
    if not user.is_authenticated:
        return False
    if organisation is None:
        return bool(edits_anywhere(user) or is_programme_manager(user) or is_administrator(user))
    hosts = hosts_for(user)
    return hosts is None or hosts.filter(pk=organisation.pk).exists()


@rules.predicate
def may_lead(user: Any, organisation: Organisation | None) -> bool:
    """May start a programme led by `organisation`; with none named, led by some organisation."""
    if not user.is_authenticated:
        return False
    if organisation is None:
        return bool(edits_anywhere(user) or is_programme_manager(user) or is_administrator(user))
    leads = leads_for(user)
    return leads is None or leads.filter(pk=organisation.pk).exists()


# Without an object, the "add" permissions say whether to offer the button at all; the services
# ask them of the organisation the record is for.
rules.add_perm("programmes.add_programme", may_lead)
rules.add_perm("programmes.view_programme", can_see_programme)
rules.add_perm("programmes.change_programme", can_manage_programme)
rules.add_perm("programmes.view_dashboard", can_manage_programme | is_analyst)
rules.add_perm("programmes.add_opportunity", may_host)
rules.add_perm("programmes.view_opportunity", can_see_opportunity)
rules.add_perm("programmes.change_opportunity", can_manage_opportunity)
# Anyone signed in may apply; whether they can now (a draft, closed, not eligible, already
# applied) is the service's refusal, in words. The pages and the API answer 404 for a draft.
rules.add_perm("programmes.apply_to_opportunity", rules.is_authenticated)
rules.add_perm("programmes.view_application", is_applicant | reviews_application)
rules.add_perm("programmes.review_application", reviews_application)
# The applicant's side of an application: accepting, declining, withdrawing.
rules.add_perm("programmes.answer_application", is_applicant)
rules.add_perm("programmes.evaluate_participation", is_participant)
rules.add_perm("programmes.publish_story", is_participant)
rules.add_perm("programmes.add_event", may_host)
rules.add_perm("programmes.view_event", can_see_event)
rules.add_perm("programmes.change_event", can_manage_event)
# Anyone signed in who can see an event may register, or cancel; whether they can now (full,
# past, members only) is the service's refusal, in words.
rules.add_perm("programmes.register_for_event", rules.is_authenticated & can_see_event)
rules.add_perm("programmes.change_action", manages_actions_event | owns_action)
rules.add_perm("programmes.view_minutes", can_read_minutes)
rules.add_perm("programmes.add_mentoringpair", can_set_up_pair)
rules.add_perm("programmes.change_mentoringpair", can_manage_pair)
rules.add_perm("programmes.add_resource", may_host)
rules.add_perm("programmes.change_resource", can_change_resource)
