"""Opportunities, the applications to them and the participations they lead to."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from museumshare.activities.models import PartnerRole, Visibility
from museumshare.activities.models import Status as ActivityStatus
from museumshare.activities.services import PartnerSpec, PlaceSpec, activity_in_step
from museumshare.core import audit
from museumshare.core.services import Actor, NotPermitted, Refused, allowed, person, require
from museumshare.organisations.models import Organisation
from museumshare.programmes.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Eligibility,
    Opportunity,
    OpportunityStatus,
    Outcome,
    Participation,
    Programme,
)
from museumshare.programmes.services.common import (
    _create,
    _editors_emails,
    _email,
    _require_for,
    _signed_in,
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
