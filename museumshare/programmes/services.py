"""Writes to programmes, opportunities, applications, participations, mentoring, events, displays
and resources. Each records who did it in the audit log; the work itself goes into the register
of partnership activity through the activities services, once for each opportunity, pair, event
and display, kept in step as people join.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from museumshare.accounts.models import User
from museumshare.activities.models import Kind as ActivityKind
from museumshare.activities.models import PartnerRole, Visibility
from museumshare.activities.models import Status as ActivityStatus
from museumshare.activities.services import PartnerSpec, PlaceSpec, activity_in_step
from museumshare.core import audit
from museumshare.core.services import Actor, NotPermitted, Refused, allowed, person, require
from museumshare.organisations.models import Membership, Organisation
from museumshare.programmes import rules
from museumshare.programmes.models import (
    Action,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Audience,
    Display,
    Eligibility,
    Event,
    MemberRole,
    MentoringMeeting,
    MentoringPair,
    Opportunity,
    OpportunityStatus,
    Outcome,
    Participation,
    Programme,
    ProgrammeMember,
    Registration,
    Resource,
)

M = TypeVar("M", bound=models.Model)


def _create(model: type[M], actor: Actor, action: str, data: dict[str, Any], **extra: Any) -> M:
    obj = model(**data, **extra)
    obj.full_clean()
    obj.save()
    audit.record(actor=actor, action=action, obj=obj, changes=audit.diff({}, audit.snapshot(obj, data.keys())))
    return obj


def _editors_emails(organisation: Organisation) -> list[str]:
    memberships = Membership.objects.editing().filter(organisation=organisation).select_related("user")
    return sorted({m.user.email for m in memberships if m.user.is_active})


def _require_for(actor: Actor, permission: str, organisation: Organisation | None) -> None:
    """An opportunity, event or resource is added by someone who may add one at all, and for an
    organisation `actor` edits for, or a member of a programme they manage (see rules.may_host)."""
    what = WHAT_IS_ADDED[permission]
    require(actor, permission, message=f"Only editors at an organisation and programme managers can {what}.")
    if organisation is not None:
        message = (
            f"You can {what} only for organisations you edit for, or members of programmes you manage; "
            f"not {organisation}."
        )
        require(actor, permission, organisation, message=message)


WHAT_IS_ADDED = {
    "programmes.add_opportunity": "offer opportunities",
    "programmes.add_event": "hold events",
    "programmes.add_resource": "add resources to the library",
}


def _signed_in(actor: Actor) -> User:
    """The person acting, where only a person can (applying, registering): not the system."""
    if not isinstance(actor, User):
        raise NotPermitted("Only a signed-in person can do that.")
    return actor


def _email(recipients: Iterable[str], subject: str, body: str) -> None:
    """Send once the change is committed, so nobody hears of a change that was rolled back."""
    to = sorted(set(recipients))
    if to:
        transaction.on_commit(lambda: send_mail(f"[museumshare] {subject}", body, None, to))


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


# Opportunities


@transaction.atomic
def opportunity_create(*, actor: Actor, data: dict[str, Any], is_demo: bool = False) -> Opportunity:
    _require_for(actor, "programmes.add_opportunity", data.get("host"))
    _check_programme(actor, data.get("programme"))
    return _create(Opportunity, actor, "opportunity.create", data, is_demo=is_demo, created_by=person(actor))


@transaction.atomic
def opportunity_update(*, opportunity: Opportunity, actor: Actor, data: dict[str, Any]) -> dict[str, list[Any]]:
    require(actor, "programmes.change_opportunity", opportunity, message=HOST_ONLY)
    if "host" in data and data["host"].pk != opportunity.host_id:
        _require_for(actor, "programmes.add_opportunity", data["host"])
    if data.get("programme") is not None and data["programme"].pk != opportunity.programme_id:
        _check_programme(actor, data["programme"])
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    changes = audit.save_changes(opportunity, actor=actor, action="opportunity.update", data=data)
    if changes and opportunity.activity_id:
        _record_opportunity_activity(opportunity, actor)
    return changes


HOST_ONLY = "Only the host's editors and the programme's managers can change this opportunity."


def _check_programme(actor: Actor, programme: Programme | None) -> None:
    """An opportunity is put in a programme by the programme's managers: the web form lists only
    theirs, and this refuses any other however the opportunity arrives."""
    if programme is not None and not allowed(actor, "programmes.change_programme", programme):
        raise Refused({"programme": f"Choose a programme you manage: you do not manage {programme}."})


def _record_opportunity_activity(opportunity: Opportunity, actor: Actor) -> None:
    """The opportunity in the register once anyone takes part: one activity, its participants' home
    organisations as participants, counted once however many people take part."""
    people = list(opportunity.participations.select_related("home"))
    homes = {p.home.pk: p.home for p in people if p.home and p.home.pk != opportunity.host_id}
    partners: list[PartnerSpec] = [(home, PartnerRole.PARTICIPANT) for home in homes.values()]
    programme = opportunity.programme
    if programme and programme.lead_id != opportunity.host_id and programme.lead_id not in homes:
        partners.append((programme.lead, PartnerRole.PARTNER))
    ends = [p.end_date for p in people]
    if opportunity.status == OpportunityStatus.CANCELLED:
        status = ActivityStatus.CANCELLED
    elif any(p.outcome == Outcome.ONGOING for p in people):
        status = ActivityStatus.ACTIVE
    else:
        status = ActivityStatus.COMPLETED
    activity_in_step(
        work=opportunity,
        ref=f"opportunity:{opportunity.pk}",
        actor=actor,
        data={
            "title": opportunity.title,
            "kind": opportunity.activity_kind,
            "lead": opportunity.host,
            "start_date": min([p.start_date for p in people], default=opportunity.start_date),
            "end_date": None if not ends or None in ends else max(e for e in ends if e),
            "status": status,
            "participants": len(people),
            "digital": opportunity.online,
            "description": opportunity.description,
            "themes": programme.theme if programme else "",
        },
        partners=partners,
        places=[PlaceSpec(organisation=opportunity.host)],
        visibility=Visibility.PUBLIC,
    )


# Applications


def may_apply(user: Any, opportunity: Opportunity, organisation: Organisation | None) -> str:
    """Why `user` may not apply from `organisation`, in words; empty when they may."""
    if (why := opportunity.why_closed()) != "":
        return why
    if opportunity.eligibility == Eligibility.OPEN:
        return ""
    if organisation is None or not user.memberships.filter(organisation=organisation).exists():
        return "This opportunity is for museum staff: choose the organisation you work for."
    if opportunity.eligibility == Eligibility.MEMBERS:
        programme = opportunity.programme
        if programme is None or not programme.current_members().filter(organisation=organisation).exists():
            return f"This opportunity is only for staff of the museums in {programme or 'its programme'}."
    elif organisation.country not in ("", "GB"):
        return "This opportunity is only for staff of UK museums."
    return ""


@transaction.atomic
def application_submit(
    *, opportunity: Opportunity, actor: Actor, organisation: Organisation | None, statement: str, notify: bool = True
) -> Application:
    """Apply for a place; the applicant and the host's editors are emailed unless `notify` is off (demo data)."""
    require(actor, "programmes.apply_to_opportunity", opportunity, message="Sign in to apply for a place.")
    actor = _signed_in(actor)
    opportunity = (
        Opportunity.objects.select_for_update(of=("self",)).select_related("programme", "host").get(pk=opportunity.pk)
    )
    if (why := may_apply(actor, opportunity, organisation)) != "":
        raise Refused(why)
    if not statement.strip():
        raise Refused({"statement": "Say why you want this place and what you would bring to it."})
    if Application.objects.filter(opportunity=opportunity, applicant=actor).exists():
        raise Refused("You have already applied for this opportunity: see Your applications.")
    try:
        with transaction.atomic():
            application = Application.objects.create(
                opportunity=opportunity, applicant=actor, organisation=organisation, statement=statement.strip()
            )
    except IntegrityError as error:
        raise Refused("You have already applied for this opportunity: see Your applications.") from error
    ApplicationEvent.objects.create(application=application, status=application.status, actor=actor)
    audit.record(actor=actor, action="application.submit", obj=application, changes={"status": [None, "submitted"]})
    if not notify:
        return application
    _email(
        [actor.email],
        f"Your application for {opportunity.title}",
        f"Thank you for applying for {opportunity.title} at {opportunity.host}.\n\n"
        "The host will read your application and let you know what happens next. You can see or "
        "withdraw your application under Your applications.",
    )
    _email(
        _editors_emails(opportunity.host),
        f"New application for {opportunity.title}",
        f"{actor} has applied for {opportunity.title}. Review the applications on museumshare.",
    )
    return application


HOST, APPLICANT = "host", "applicant"
# From each status, the statuses it may move to and who may move it there.
MOVES: dict[str, dict[str, str]] = {
    ApplicationStatus.SUBMITTED: {
        ApplicationStatus.SHORTLISTED: HOST,
        ApplicationStatus.OFFERED: HOST,
        ApplicationStatus.UNSUCCESSFUL: HOST,
        ApplicationStatus.WITHDRAWN: APPLICANT,
    },
    ApplicationStatus.SHORTLISTED: {
        ApplicationStatus.OFFERED: HOST,
        ApplicationStatus.UNSUCCESSFUL: HOST,
        ApplicationStatus.WITHDRAWN: APPLICANT,
    },
    ApplicationStatus.OFFERED: {
        ApplicationStatus.ACCEPTED: APPLICANT,
        ApplicationStatus.DECLINED: APPLICANT,
        ApplicationStatus.WITHDRAWN: APPLICANT,
    },
}
# What the applicant is told when the host decides.
TELL_APPLICANT: dict[str, str] = {
    ApplicationStatus.SHORTLISTED: "You have been shortlisted for {title} at {host}. The host will be in touch.",
    ApplicationStatus.OFFERED: "You have been offered a place on {title} at {host}. Accept or decline it under "
    "Your applications on museumshare.",
    ApplicationStatus.UNSUCCESSFUL: "Thank you for applying for {title} at {host}. This time your application "
    "has not been successful.",
}


def sides_of(actor: Actor, application: Application) -> set[str]:
    sides = set()
    if allowed(actor, "programmes.answer_application", application):
        sides.add(APPLICANT)
    if allowed(actor, "programmes.review_application", application):
        sides.add(HOST)
    return sides


def next_statuses(user: Actor, application: Application) -> list[str]:
    """The statuses `user` may move the application to now."""
    sides = sides_of(user, application)
    return [to for to, side in MOVES.get(application.status, {}).items() if side in sides]


@transaction.atomic
def application_move(*, application: Application, actor: Actor, to: str, note: str = "") -> Application:
    """Move an application on: the host shortlists, offers or turns down; the applicant accepts,
    declines or withdraws. Accepting takes a place, and records the participation in the register."""
    require(
        actor,
        "programmes.view_application",
        application,
        message="Only the applicant and the people who review the application can move it on.",
    )
    application = (
        Application.objects.select_for_update(of=("self",)).select_related("opportunity").get(pk=application.pk)
    )
    side = MOVES.get(application.status, {}).get(to)
    if side is None:
        raise Refused(
            f"An application that is {application.get_status_display().lower()} cannot be "
            f"{ApplicationStatus(to).label.lower()}."
        )
    if side not in sides_of(actor, application):
        raise NotPermitted(
            "Only the applicant can do that." if side == APPLICANT else "Only the host can decide on an application."
        )
    opportunity = (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("host", "programme")
        .get(pk=application.opportunity_id)
    )
    taken = opportunity.participations.count()
    if to in (ApplicationStatus.OFFERED, ApplicationStatus.ACCEPTED) and taken >= opportunity.places:
        raise Refused(
            "The only place on this opportunity has been taken."
            if opportunity.places == 1
            else f"All {opportunity.places} places on this opportunity have been taken."
        )
    before = application.status
    application.status = to
    application.save(update_fields=["status", "updated_at"])
    ApplicationEvent.objects.create(application=application, status=to, actor=person(actor), note=note.strip())
    audit.record(actor=actor, action=f"application.{to}", obj=application, changes={"status": [before, to]})
    title, host = opportunity.title, opportunity.host
    if to in TELL_APPLICANT:
        body = TELL_APPLICANT[to].format(title=title, host=host)
        _email([application.applicant.email], f"Your application for {title}", f"{body}\n\n{note}".strip())
    else:
        _email(
            _editors_emails(host), f"{application.applicant} has {ApplicationStatus(to).label.lower()}: {title}", note
        )
    if to == ApplicationStatus.ACCEPTED:
        _participation_from(application, opportunity, actor)
        if taken + 1 >= opportunity.places and opportunity.status == OpportunityStatus.OPEN:
            audit.save_changes(
                opportunity, actor=actor, action="opportunity.update", data={"status": OpportunityStatus.FILLED}
            )
    return application


def _participation_from(application: Application, opportunity: Opportunity, actor: Actor) -> Participation:
    applicant = application.applicant
    participation = Participation.objects.create(
        opportunity=opportunity,
        application=application,
        participant=applicant,
        name=str(applicant),
        home=application.organisation,
        start_date=opportunity.start_date,
        end_date=opportunity.end_date,
        is_demo=opportunity.is_demo,
    )
    audit.record(
        actor=actor, action="participation.create", obj=participation, changes={"name": [None, participation.name]}
    )
    _record_opportunity_activity(opportunity, actor)
    return participation


@transaction.atomic
def application_note(*, application: Application, actor: Actor, notes: str) -> None:
    """The host's private notes on an applicant."""
    require(
        actor,
        "programmes.review_application",
        application,
        message="Only the people who review applications can keep notes on them.",
    )
    audit.save_changes(application, actor=actor, action="application.notes", data={"host_notes": notes.strip()})


# Participations


@transaction.atomic
def participation_record(
    *, opportunity: Opportunity, actor: Actor, data: dict[str, Any], is_demo: bool = False
) -> Participation:
    """Someone who took part without applying here (recorded by the host or the programme)."""
    require(
        actor,
        "programmes.change_opportunity",
        opportunity,
        message="Only the host and the programme's managers can record who took part.",
    )
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    participation = _create(
        Participation, actor, "participation.create", data, opportunity=opportunity, is_demo=is_demo
    )
    _record_opportunity_activity(opportunity, actor)
    return participation


@transaction.atomic
def participation_update(*, participation: Participation, actor: Actor, data: dict[str, Any]) -> dict[str, list[Any]]:
    """The host's record of the placement: dates and outcome."""
    require(actor, "programmes.change_opportunity", participation.opportunity, message="Only the host can do that.")
    changes = audit.save_changes(participation, actor=actor, action="participation.update", data=data)
    if changes:
        _record_opportunity_activity(participation.opportunity, actor)
    return changes


@transaction.atomic
def participation_evaluate(*, participation: Participation, actor: Actor, data: dict[str, Any]) -> dict[str, list[Any]]:
    """The participant's own evaluation: skills gained, confidence before and after, would they recommend it."""
    require(
        actor,
        "programmes.evaluate_participation",
        participation,
        message="Only the participant can give their evaluation.",
    )
    data = {name: data[name] for name in Participation.EVALUATION_FIELDS}
    changes = audit.save_changes(participation, actor=actor, action="participation.evaluate", data=data)
    if changes:
        participation.evaluated_at = timezone.now()
        participation.save(update_fields=["evaluated_at"])
    return changes


@transaction.atomic
def participation_host_evaluate(
    *, participation: Participation, actor: Actor, data: dict[str, Any]
) -> dict[str, list[Any]]:
    require(
        actor,
        "programmes.change_opportunity",
        participation.opportunity,
        message="Only the host can give the host's evaluation.",
    )
    data = {name: data[name] for name in Participation.HOST_EVALUATION_FIELDS}
    changes = audit.save_changes(participation, actor=actor, action="participation.host_evaluate", data=data)
    if changes:
        participation.host_evaluated_at = timezone.now()
        participation.save(update_fields=["host_evaluated_at"])
    return changes


@transaction.atomic
def story_publish(*, participation: Participation, actor: Actor, story: str) -> None:
    """The participant publishes their story, with their consent, on the programme's page."""
    require(actor, "programmes.publish_story", participation, message="Only the participant can publish their story.")
    if not story.strip():
        raise Refused({"story": "Write your story before you publish it."})
    data = {
        "story": story.strip(),
        "story_consent": True,
        "story_published_at": participation.story_published_at or timezone.now(),
    }
    audit.save_changes(participation, actor=actor, action="participation.story_publish", data=data)


@transaction.atomic
def story_withdraw(*, participation: Participation, actor: Actor) -> None:
    """Consent withdrawn: the story comes off every page at once."""
    require(actor, "programmes.publish_story", participation, message="Only the participant can withdraw their story.")
    audit.save_changes(
        participation,
        actor=actor,
        action="participation.story_withdraw",
        data={"story_consent": False, "story_published_at": None},
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


# Events


def _record_event_activity(event: Event, actor: Actor) -> None:
    """The event in the register: its organiser leads; the organisations of the people who came take part."""
    registrations = list(event.registrations.select_related("organisation"))
    recorded = [r for r in registrations if r.attended is not None]
    came = [r for r in recorded if r.attended] if recorded else registrations
    organisations = {r.organisation.pk: r.organisation for r in came if r.organisation}
    organisations.pop(event.organiser_id, None)
    if recorded:
        status = ActivityStatus.COMPLETED
    elif event.starts_at > timezone.now():
        status = ActivityStatus.PLANNED
    else:
        status = ActivityStatus.ACTIVE
    digital = bool(event.online_link and not event.location)
    activity_in_step(
        work=event,
        ref=f"event:{event.pk}",
        actor=actor,
        data={
            "title": event.title,
            "kind": event.activity_kind,
            "lead": event.organiser,
            "start_date": timezone.localdate(event.starts_at),
            "end_date": timezone.localdate(event.ends_at or event.starts_at),
            "status": status,
            "participants": len(came) or None,
            "digital": digital,
            "description": event.description,
            "themes": event.programme.theme if event.programme else "",
        },
        partners=[(org, PartnerRole.PARTICIPANT) for org in organisations.values()],
        places=[] if digital else [PlaceSpec(organisation=event.organiser)],
        visibility=Visibility.PUBLIC if event.audience == Audience.OPEN else Visibility.PARTNERS,
    )


EVENT_MANAGERS_ONLY = "Only the event's organisers and the programme's managers can do that."


@transaction.atomic
def event_create(*, actor: Actor, data: dict[str, Any], is_demo: bool = False) -> Event:
    _require_for(actor, "programmes.add_event", data.get("organiser"))
    event = _create(Event, actor, "event.create", data, is_demo=is_demo)
    _record_event_activity(event, actor)
    return event


@transaction.atomic
def event_update(*, event: Event, actor: Actor, data: dict[str, Any]) -> dict[str, list[Any]]:
    require(actor, "programmes.change_event", event, message=EVENT_MANAGERS_ONLY)
    if "organiser" in data and data["organiser"].pk != event.organiser_id:
        _require_for(actor, "programmes.add_event", data["organiser"])
    changes = audit.save_changes(event, actor=actor, action="event.update", data=data)
    if changes.keys() - {"minutes", "agenda"}:
        _record_event_activity(event, actor)
    return changes


def may_register(user: Actor, event: Event) -> str:
    """Why `user` may not register, in words; empty when they may."""
    if event.starts_at < timezone.now():
        return "This event has already taken place."
    if event.audience == Audience.MEMBERS and not (
        rules.belongs_to_programme(user, event.programme) or allowed(user, "programmes.change_event", event)
    ):
        return f"This event is only for staff of the museums in {event.programme or 'the programme'}."
    if event.capacity is not None and event.registrations.count() >= event.capacity:
        return "This event is full."
    return ""


@transaction.atomic
def event_register(*, event: Event, actor: Actor, organisation: Organisation | None) -> Registration:
    require(actor, "programmes.register_for_event", event, message="Sign in to register for an event.")
    actor = _signed_in(actor)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if (why := may_register(actor, event)) != "":
        raise Refused(why)
    if organisation is not None and not actor.memberships.filter(organisation=organisation).exists():
        raise Refused({"organisation": "Choose an organisation you work for."})
    registration, created = Registration.objects.get_or_create(
        event=event, user=actor, defaults={"organisation": organisation}
    )
    if created:
        audit.record(actor=actor, action="event.register", obj=event, changes={"registered": [None, str(actor)]})
        _record_event_activity(event, actor)
    return registration


@transaction.atomic
def event_unregister(*, event: Event, actor: Actor) -> None:
    require(actor, "programmes.register_for_event", event, message="Sign in to cancel a registration.")
    deleted, _ = Registration.objects.filter(event=event, user=_signed_in(actor)).delete()
    if deleted:
        audit.record(actor=actor, action="event.unregister", obj=event, changes={"registered": [str(actor), None]})
        _record_event_activity(event, actor)


@transaction.atomic
def attendance_record(*, event: Event, actor: Actor, attended: set[int]) -> int:
    """Who came, by registration id; everyone else registered is recorded as absent. Returns how many came."""
    require(actor, "programmes.change_event", event, message=EVENT_MANAGERS_ONLY)
    registrations = event.registrations.all()
    registrations.filter(pk__in=attended).update(attended=True)
    registrations.exclude(pk__in=attended).update(attended=False)
    came = registrations.filter(attended=True).count()
    audit.record(actor=actor, action="event.attendance", obj=event, changes={"attended": [None, came]})
    _record_event_activity(event, actor)
    return came


@transaction.atomic
def action_create(*, event: Event, actor: Actor, data: dict[str, Any]) -> Action:
    require(actor, "programmes.change_event", event, message=EVENT_MANAGERS_ONLY)
    return _create(Action, actor, "action.create", data, event=event)


@transaction.atomic
def action_update(*, action: Action, actor: Actor, data: dict[str, Any]) -> dict[str, list[Any]]:
    require(
        actor,
        "programmes.change_action",
        action,
        message="Only the action's owner, the event's organisers and the programme's managers can do that.",
    )
    if "done" in data:
        data = data | {"done_at": timezone.now() if data["done"] else None}
        if action.done == data["done"]:
            data["done_at"] = action.done_at
    return audit.save_changes(action, actor=actor, action="action.update", data=data)


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


# Resources


RESOURCE_CHANGERS_ONLY = (
    "Only the person who added a resource, its organisation's editors and its programme's managers can change it."
)


@transaction.atomic
def resource_create(*, actor: Actor, data: dict[str, Any], file: Any = None, is_demo: bool = False) -> Resource:
    _require_for(actor, "programmes.add_resource", data.get("organisation"))
    resource = Resource(**data, created_by=person(actor), is_demo=is_demo)
    if file is not None:
        resource.file = file
    if not resource.url and not resource.file:
        raise Refused({"url": "Give a web address for the resource, or upload a file."})
    resource.full_clean()
    resource.save()
    audit.record(
        actor=actor,
        action="resource.create",
        obj=resource,
        changes=audit.diff({}, audit.snapshot(resource, data.keys())),
    )
    return resource


@transaction.atomic
def resource_update(*, resource: Resource, actor: Actor, data: dict[str, Any]) -> dict[str, list[Any]]:
    require(actor, "programmes.change_resource", resource, message=RESOURCE_CHANGERS_ONLY)
    if data.get("organisation") is not None and data["organisation"].pk != resource.organisation_id:
        _require_for(actor, "programmes.add_resource", data["organisation"])
    return audit.save_changes(resource, actor=actor, action="resource.update", data=data)


@transaction.atomic
def resource_delete(*, resource: Resource, actor: Actor) -> None:
    require(actor, "programmes.change_resource", resource, message=RESOURCE_CHANGERS_ONLY)
    audit.record(
        actor=actor,
        action="resource.delete",
        obj=resource,
        changes=audit.diff(audit.snapshot(resource, Resource.FIELDS), {}),
    )
    if resource.file:
        resource.file.delete(save=False)
    resource.delete()
