"""Programmes and their members, mentoring pairs and co-produced displays."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from museumshare.activities.models import Kind as ActivityKind
from museumshare.activities.models import PartnerRole, Visibility
from museumshare.activities.models import Status as ActivityStatus
from museumshare.activities.services import PartnerSpec, PlaceSpec, activity_in_step
from museumshare.core import audit
from museumshare.core.services import Actor, Refused, person, require
from museumshare.organisations.models import Organisation
from museumshare.programmes.models import (
    Display,
    MemberRole,
    MentoringMeeting,
    MentoringPair,
    Programme,
    ProgrammeMember,
)
from museumshare.programmes.services.common import (
    _create,
)

# Programmes


LEAD_REFUSED = (
    "You can start a programme only for an organisation you edit for, or, as a programme manager, one you belong to."
)


@transaction.atomic
def programme_create(
    *, actor: Actor, data: dict[str, Any], members: Sequence[tuple[Organisation, str, date]] = ()
) -> Programme:
    """A programme with its lead as its first member, and any others as (organisation, role, joined)."""
    require(actor, "programmes.add_programme", data.get("lead"), message=LEAD_REFUSED)
    taken = set(Programme.objects.values_list("slug", flat=True))
    slug = base = slugify(data["name"])[:200] or "programme"
    n = 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    programme = _create(Programme, actor, "programme.create", data, slug=slug)
    lead_joined = next((joined for org, _, joined in members if org.pk == programme.lead_id), programme.start_date)
    # Its founder may start a programme they will not manage (led by a member of one they do), so
    # its first members come with it, under the permission to start it.
    _member_add(programme, actor, programme.lead, MemberRole.LEAD, lead_joined)
    for organisation, role, joined in members:
        if organisation.pk != programme.lead_id:
            _member_add(programme, actor, organisation, role, joined)
    return programme


MANAGERS_ONLY = "Only the programme's managers can do that."


@transaction.atomic
def programme_update(*, programme: Programme, actor: Actor, data: dict[str, Any]) -> dict[str, list[Any]]:
    require(actor, "programmes.change_programme", programme, message=MANAGERS_ONLY)
    if "lead" in data and data["lead"].pk != programme.lead_id:
        require(actor, "programmes.add_programme", data["lead"], message=LEAD_REFUSED)
    return audit.save_changes(programme, actor=actor, action="programme.update", data=data)


@transaction.atomic
def member_add(
    *, programme: Programme, actor: Actor, organisation: Organisation, role: str, joined: date
) -> ProgrammeMember:
    require(actor, "programmes.change_programme", programme, message=MANAGERS_ONLY)
    return _member_add(programme, actor, organisation, role, joined)


def _member_add(
    programme: Programme, actor: Actor, organisation: Organisation, role: str, joined: date
) -> ProgrammeMember:
    if programme.members.filter(organisation=organisation).exists():
        raise Refused({"organisation": f"{organisation} is already a member of {programme}."})
    member = ProgrammeMember(programme=programme, organisation=organisation, role=role, joined=joined)
    member.full_clean()
    member.save()
    audit.record(
        actor=actor,
        action="programme.member_add",
        obj=programme,
        changes={str(organisation): [None, f"{member.get_role_display()} from {joined.isoformat()}"]},
    )
    return member


@transaction.atomic
def member_leave(*, member: ProgrammeMember, actor: Actor, left: date) -> None:
    require(actor, "programmes.change_programme", member.programme, message=MANAGERS_ONLY)
    if left < member.joined:
        raise Refused({"left": f"Enter a date on or after the day it joined, {member.joined:%-d %B %Y}."})
    member.left = left
    member.save(update_fields=["left"])
    audit.record(
        actor=actor,
        action="programme.member_leave",
        obj=member.programme,
        changes={str(member.organisation): [None, f"left {left.isoformat()}"]},
    )


# Mentoring


def _record_pair_activity(pair: MentoringPair, actor: Actor) -> None:
    partners: list[PartnerSpec] = []
    if pair.mentee_organisation_id != pair.mentor_organisation_id:
        partners.append((pair.mentee_organisation, PartnerRole.PARTICIPANT))
    activity_in_step(
        work=pair,
        ref=f"mentoring:{pair.pk}",
        actor=actor,
        data={
            "title": f"Mentoring: {pair.mentee_organisation} with {pair.mentor_organisation}",
            "kind": ActivityKind.MENTORING,
            "lead": pair.mentor_organisation,
            "start_date": pair.start_date,
            "end_date": pair.end_date,
            "status": ActivityStatus.COMPLETED
            if pair.end_date and pair.end_date < date.today()
            else ActivityStatus.ACTIVE,
            "participants": 1,
            "themes": pair.programme.theme if pair.programme else "",
        },
        partners=partners,
        places=[PlaceSpec(organisation=pair.mentor_organisation)],
        visibility=Visibility.PARTNERS,
    )


@transaction.atomic
def pair_create(*, actor: Actor, data: dict[str, Any], is_demo: bool = False) -> MentoringPair:
    require(
        actor,
        "programmes.add_mentoringpair",
        MentoringPair(**data),
        message="Only the programme's managers can set up a mentoring pair in it.",
    )
    pair = _create(MentoringPair, actor, "mentoring.create", data, is_demo=is_demo)
    _record_pair_activity(pair, actor)
    return pair


@transaction.atomic
def meeting_log(*, pair: MentoringPair, actor: Actor, data: dict[str, Any]) -> MentoringMeeting:
    require(
        actor,
        "programmes.change_mentoringpair",
        pair,
        message="Only the pair and the programme's managers can log their meetings.",
    )
    return _create(MentoringMeeting, actor, "mentoring.meeting", data, pair=pair, logged_by=person(actor))


# Co-produced displays


def _record_display_activity(display: Display, actor: Actor) -> None:
    activity_in_step(
        work=display,
        ref=f"display:{display.pk}",
        actor=actor,
        data={
            "title": display.title,
            "kind": ActivityKind.CO_PRODUCED_EXHIBITION,
            "lead": display.host,
            "start_date": display.opens,
            "end_date": display.closes,
            "status": ActivityStatus.COMPLETED
            if display.closes and display.closes < date.today()
            else ActivityStatus.ACTIVE,
            "visitors": display.visitors,
            "description": display.description,
            "themes": display.programme.theme,
        },
        partners=[(org, PartnerRole.PARTNER) for org in display.partners.all()],
        places=[PlaceSpec(organisation=display.host)],
        visibility=Visibility.PUBLIC,
    )


@transaction.atomic
def display_create(
    *, programme: Programme, actor: Actor, data: dict[str, Any], partners: Sequence[Organisation] = ()
) -> Display:
    require(actor, "programmes.change_programme", programme, message=MANAGERS_ONLY)
    display = _create(Display, actor, "display.create", data, programme=programme)
    display.partners.set(partners)
    _record_display_activity(display, actor)
    return display
