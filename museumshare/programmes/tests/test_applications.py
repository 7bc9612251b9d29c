"""Applying for an opportunity and every step an application takes: who may take it, what it
writes (a place, a participation, one activity in the register), and what it refuses."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from museumshare.accounts.models import User
from museumshare.activities.models import Activity, PartnerRole
from museumshare.core.services import Refused
from museumshare.organisations.models import Membership, Organisation, Role
from museumshare.programmes import services
from museumshare.programmes.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Eligibility,
    MemberRole,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    Participation,
    Programme,
    SkillsArea,
)

TODAY = date.today()
ALL_MOVES = [(start, to, side) for start, moves in services.MOVES.items() for to, side in moves.items()]
IMPOSSIBLE_MOVES = [
    (start, to) for start in ApplicationStatus for to in ApplicationStatus if to not in services.MOVES.get(start, {})
]


def offer(actor: User, host: Organisation, **changes: Any) -> Opportunity:
    """An open paid internship at `host`, closing in a month, with `changes`."""
    data: dict[str, Any] = {
        "programme": None,
        "host": host,
        "kind": OpportunityKind.PAID_INTERNSHIP,
        "title": "Paid internship in collections care",
        "description": "Twelve weeks learning to care for a national collection of portraits.",
        "skills_area": SkillsArea.COLLECTIONS_CARE,
        "places": 2,
        "start_date": TODAY + timedelta(days=60),
        "end_date": TODAY + timedelta(days=150),
        "paid": True,
        "pay": "£12.60 an hour",
        "eligibility": Eligibility.UK_MUSEUMS,
        "closing_date": TODAY + timedelta(days=30),
        "status": OpportunityStatus.OPEN,
    }
    return services.opportunity_create(actor=actor, data=data | changes)


def apply(applicant: User, opportunity: Opportunity, organisation: Organisation | None) -> Application:
    return services.application_submit(
        opportunity=opportunity,
        actor=applicant,
        organisation=organisation,
        statement="I look after our works on paper and want to learn from a national collection.",
    )


def at_status(application: Application, status: str) -> Application:
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


def staff_at(organisation: Organisation, name: str) -> User:
    """A new member of staff at `organisation`, who edits nothing."""
    user = User.objects.create_user(f"{name.lower()}@example.org", "a long enough password", name=name)
    Membership.objects.create(user=user, organisation=organisation, role=Role.VIEWER)
    return user


@pytest.fixture
def opportunity(alice: User, portrait_gallery: Organisation) -> Opportunity:
    return offer(alice, portrait_gallery)


@pytest.fixture
def application(bob: User, laing: Organisation, opportunity: Opportunity) -> Application:
    """bob, from the Laing, applies to alice's National Portrait Gallery internship."""
    return apply(bob, opportunity, laing)


@pytest.fixture
def dora(register: dict[str, Organisation]) -> User:
    return staff_at(register["mm.wiki.435"], "Dora")


# Applying


def test_it_records_an_application_with_its_first_step_in_the_timeline(
    bob: User, laing: Organisation, application: Application
) -> None:
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.applicant == bob
    assert application.organisation == laing
    assert [(e.status, e.actor) for e in application.events.all()] == [(ApplicationStatus.SUBMITTED, bob)]


def test_it_emails_the_applicant_and_the_hosts_editors_once_the_application_is_committed(
    bob: User,
    laing: Organisation,
    opportunity: Opportunity,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        apply(bob, opportunity, laing)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert "Your application for Paid internship in collections care" in by_recipient["bob@example.org"].subject
    assert "New application" in by_recipient["alice@example.org"].subject
    assert "Bob Bell" in by_recipient["alice@example.org"].body


def test_it_sends_no_email_when_the_application_is_refused(
    bob: User,
    laing: Organisation,
    alice: User,
    portrait_gallery: Organisation,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    closed = offer(alice, portrait_gallery, status=OpportunityStatus.CLOSED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Refused):
        apply(bob, closed, laing)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": OpportunityStatus.CLOSED}, "This opportunity has closed, so it is not taking applications."),
        ({"status": OpportunityStatus.DRAFT}, "This opportunity is not open for applications yet."),
        ({"status": OpportunityStatus.CANCELLED}, "This opportunity has been cancelled"),
        ({"status": OpportunityStatus.FILLED}, "All the places on this opportunity have been filled"),
        (
            {"closing_date": TODAY - timedelta(days=1), "start_date": TODAY + timedelta(days=10)},
            f"Applications closed on {TODAY - timedelta(days=1):%-d %B %Y}",
        ),
    ],
    ids=["closed", "draft", "cancelled", "filled", "past-closing-date"],
)
def test_it_refuses_an_application_to_an_opportunity_not_taking_them(
    alice: User, bob: User, laing: Organisation, portrait_gallery: Organisation, changes: dict[str, Any], message: str
) -> None:
    closed = offer(alice, portrait_gallery, **changes)
    with pytest.raises(Refused) as refused:
        apply(bob, closed, laing)
    assert message in " ".join(refused.value.messages)
    assert not Application.objects.exists()


def test_it_refuses_a_members_only_opportunity_to_staff_of_other_museums(
    alice: User, bob: User, laing: Organisation, portrait_gallery: Organisation
) -> None:
    programme = services.programme_create(
        actor=alice,
        data={"name": "Skills Sharing", "lead": portrait_gallery, "summary": "Placements.", "start_date": TODAY},
    )
    members_only = offer(alice, portrait_gallery, programme=programme, eligibility=Eligibility.MEMBERS)
    with pytest.raises(Refused) as refused:
        apply(bob, members_only, laing)
    assert "only for staff of the museums in Skills Sharing" in refused.value.messages[0]
    services.member_add(
        programme=programme, actor=alice, organisation=laing, role="partner", joined=TODAY - timedelta(days=1)
    )
    assert apply(bob, members_only, laing).status == ApplicationStatus.SUBMITTED


def test_it_refuses_to_let_someone_apply_from_an_organisation_they_do_not_work_for(
    bob: User, portrait_gallery: Organisation, opportunity: Opportunity
) -> None:
    with pytest.raises(Refused) as refused:
        apply(bob, opportunity, portrait_gallery)
    assert "choose the organisation you work for" in refused.value.messages[0]


def test_it_lets_anyone_apply_without_an_organisation_when_it_is_open_to_anyone(
    alice: User, charlie: User, portrait_gallery: Organisation
) -> None:
    open_to_all = offer(alice, portrait_gallery, eligibility=Eligibility.OPEN)
    assert apply(charlie, open_to_all, None).organisation is None
    with pytest.raises(Refused):
        apply(charlie, offer(alice, portrait_gallery), None)


def test_it_refuses_a_second_application_from_the_same_person(
    bob: User, laing: Organisation, opportunity: Opportunity, application: Application
) -> None:
    with pytest.raises(Refused) as refused:
        apply(bob, opportunity, laing)
    assert "You have already applied for this opportunity" in refused.value.messages[0]
    assert Application.objects.count() == 1


def test_it_refuses_an_empty_statement(bob: User, laing: Organisation, opportunity: Opportunity) -> None:
    with pytest.raises(Refused):
        services.application_submit(opportunity=opportunity, actor=bob, organisation=laing, statement="   ")
    assert not Application.objects.exists()


# Every step an application takes


@pytest.mark.parametrize(("start", "to", "side"), ALL_MOVES, ids=[f"{s}->{t}" for s, t, _ in ALL_MOVES])
def test_each_step_is_taken_by_its_own_side_only(
    alice: User, bob: User, charlie: User, application: Application, start: str, to: str, side: str
) -> None:
    at_status(application, start)
    right, wrong = (alice, bob) if side == services.HOST else (bob, alice)
    for outsider in (wrong, charlie):
        with pytest.raises(PermissionDenied):
            services.application_move(application=application, actor=outsider, to=to)
        application.refresh_from_db()
        assert application.status == start
    assert to in services.next_statuses(right, application)
    assert to not in services.next_statuses(wrong, application)
    assert services.next_statuses(charlie, application) == []
    moved = services.application_move(application=application, actor=right, to=to, note="A note for the timeline.")
    assert moved.status == to
    event = application.events.last()
    assert event is not None
    assert (event.status, event.actor, event.note) == (to, right, "A note for the timeline.")


def test_it_refuses_every_move_the_procedure_does_not_allow(alice: User, bob: User, application: Application) -> None:
    for start, to in IMPOSSIBLE_MOVES:
        at_status(application, start)
        for actor in (alice, bob):
            with pytest.raises(Refused):
                services.application_move(application=application, actor=actor, to=to)
        application.refresh_from_db()
        assert application.status == start
    assert ApplicationEvent.objects.filter(application=application).count() == 1


def test_it_emails_the_applicant_when_the_host_decides_and_the_host_when_the_applicant_does(
    alice: User, bob: User, application: Application, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_move(application=application, actor=alice, to="offered", note="Welcome aboard.")
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert "offered a place" in mail.outbox[0].body
    assert "Welcome aboard." in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_move(application=application, actor=bob, to="accepted")
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert "accepted" in mail.outbox[0].subject


def test_accepting_takes_a_place_and_records_the_work_once_in_the_register(
    alice: User, bob: User, dora: User, laing: Organisation, opportunity: Opportunity, application: Application
) -> None:
    services.application_move(application=application, actor=alice, to="offered")
    services.application_move(application=application, actor=bob, to="accepted")
    participation = Participation.objects.get(application=application)
    assert (participation.participant, participation.home, participation.opportunity) == (bob, laing, opportunity)
    assert participation.name == "Bob Bell"
    opportunity.refresh_from_db()
    assert opportunity.activity is not None
    activity = opportunity.activity
    assert activity.kind == "internship"
    assert activity.lead == opportunity.host
    assert (laing, PartnerRole.PARTICIPANT) in {(p.organisation, p.role) for p in activity.partners.all()}
    assert opportunity.status == OpportunityStatus.OPEN

    second = apply(dora, opportunity, dora.memberships.get().organisation)
    services.application_move(application=second, actor=alice, to="offered")
    services.application_move(application=second, actor=dora, to="accepted")
    assert Activity.objects.filter(external_ref=f"opportunity:{opportunity.pk}").count() == 1
    activity.refresh_from_db()
    assert activity.participants == 2
    counted: Any = Opportunity.objects.with_counts().get(pk=opportunity.pk)
    assert counted.taken == 2


def test_the_last_place_taken_fills_the_opportunity_and_no_more_are_offered_or_accepted(
    alice: User, bob: User, dora: User, charlie: User, laing: Organisation, portrait_gallery: Organisation
) -> None:
    one_place = offer(alice, portrait_gallery, places=1, eligibility=Eligibility.OPEN)
    first = apply(bob, one_place, laing)
    second = apply(dora, one_place, dora.memberships.get().organisation)
    third = apply(charlie, one_place, None)
    for application in (first, second):
        services.application_move(application=application, actor=alice, to="offered")
    services.application_move(application=first, actor=bob, to="accepted")
    one_place.refresh_from_db()
    assert one_place.status == OpportunityStatus.FILLED
    assert "filled" in one_place.why_closed()
    with pytest.raises(Refused) as refused:
        services.application_move(application=second, actor=dora, to="accepted")
    assert refused.value.messages == ["The only place on this opportunity has been taken."]
    with pytest.raises(Refused):
        services.application_move(application=third, actor=alice, to="offered")
    assert Participation.objects.filter(opportunity=one_place).count() == 1
    # The others can still be told, or step back.
    services.application_move(application=third, actor=alice, to="unsuccessful")
    services.application_move(application=second, actor=dora, to="declined")


def test_a_mentoring_opportunity_is_counted_as_mentoring_in_the_register(
    alice: User, bob: User, laing: Organisation, portrait_gallery: Organisation
) -> None:
    mentoring = offer(alice, portrait_gallery, kind=OpportunityKind.MENTORING, paid=False, pay="")
    application = apply(bob, mentoring, laing)
    services.application_move(application=application, actor=alice, to="offered")
    services.application_move(application=application, actor=bob, to="accepted")
    mentoring.refresh_from_db()
    assert mentoring.activity is not None
    assert mentoring.activity.kind == "mentoring"


def test_only_reviewers_keep_notes_on_an_application(
    alice: User, bob: User, charlie: User, application: Application
) -> None:
    services.application_note(application=application, actor=alice, notes="Strong on works on paper.")
    application.refresh_from_db()
    assert application.host_notes == "Strong on works on paper."
    for outsider in (bob, charlie):
        with pytest.raises(PermissionDenied):
            services.application_note(application=application, actor=outsider, notes="Let me in.")


def test_a_programmes_manager_reviews_the_applications_to_its_opportunities(
    alice: User, bob: User, laing: Organisation, portrait_gallery: Organisation
) -> None:
    """bob edits at the Laing, a member; alice's gallery leads the programme, so alice reviews the Laing's offer too."""
    programme: Programme = services.programme_create(
        actor=alice,
        data={"name": "Skills Sharing", "lead": portrait_gallery, "summary": "Placements.", "start_date": TODAY},
        members=[(laing, MemberRole.PARTNER, TODAY)],
    )
    # Only a programme's managers put an opportunity in it; alice offers it at the Laing.
    at_laing = offer(alice, laing, programme=programme, eligibility=Eligibility.OPEN)
    dora = staff_at(portrait_gallery, "Dora")
    application = apply(dora, at_laing, portrait_gallery)
    assert services.next_statuses(alice, application) == ["shortlisted", "offered", "unsuccessful"]
    assert services.next_statuses(bob, application) == ["shortlisted", "offered", "unsuccessful"]
    assert services.next_statuses(dora, application) == ["withdrawn"]
