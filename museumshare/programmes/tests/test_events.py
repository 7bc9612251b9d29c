from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from museumshare.accounts.models import User
from museumshare.activities.models import PartnerRole
from museumshare.organisations.models import Membership, Organisation, Role
from museumshare.programmes import services
from museumshare.programmes.models import Action, Audience, Event, EventKind, MemberRole, Programme, Registration

LONDON = ZoneInfo("Europe/London")


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def text(response: Any) -> str:
    """The page's words, as a screen reader would read them."""
    return " ".join(strip_tags(response.content.decode()).split())


@pytest.fixture
def programme(alice: User, portrait_gallery: Organisation, laing: Organisation) -> Programme:
    return services.programme_create(
        actor=alice,
        data={
            "name": "National Skills Sharing Partnership",
            "lead": portrait_gallery,
            "summary": "Placements, mentoring and seminars between museums.",
            "theme": "What is a Portrait?",
            "start_date": date(2020, 4, 1),
        },
        members=[(laing, MemberRole.PARTNER, date(2020, 4, 1))],
    )


def hold(actor: User, organiser: Organisation, programme: Programme | None = None, **extra: Any) -> Event:
    starts = timezone.now() + timedelta(days=14)
    data = {
        "programme": programme,
        "organiser": organiser,
        "kind": EventKind.SEMINAR,
        "title": "Looking after loans",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=5),
        "location": "National Portrait Gallery, London",
    } | extra
    return services.event_create(actor=actor, data=data)


@pytest.fixture
def seminar(alice: User, portrait_gallery: Organisation, programme: Programme) -> Event:
    return hold(alice, portrait_gallery, programme)


@pytest.fixture
def leads_meeting(alice: User, portrait_gallery: Organisation, programme: Programme) -> Event:
    return hold(
        alice,
        portrait_gallery,
        programme,
        kind=EventKind.LEADS_MEETING,
        title="Partnership leads’ meeting",
        audience=Audience.MEMBERS,
        location="",
        online_link="https://meet.example.org/leads",
        minutes="We agreed the dates of the exchange event.",
    )


def event_form(organiser: Organisation, **extra: str) -> dict[str, str]:
    return {
        "title": "Condition checking in practice",
        "kind": EventKind.WORKSHOP,
        "organiser": str(organiser.pk),
        "programme": "",
        "description": "A practical morning.",
        "starts_at": "2030-03-05T10:30",
        "ends_at": "2030-03-05T16:00",
        "location": "Laing Art Gallery, Newcastle upon Tyne",
        "online_link": "",
        "agenda": "10:30 Welcome",
        "capacity": "20",
        "audience": Audience.OPEN,
    } | extra


# The list


def test_the_list_shows_upcoming_events_with_their_day_and_times(
    client: Client, alice: User, laing: Organisation, programme: Programme
) -> None:
    starts = datetime(2030, 3, 5, 10, 30, tzinfo=LONDON)
    hold(alice, laing, programme, starts_at=starts, ends_at=starts.replace(hour=16, minute=0), capacity=30)

    response = client.get(reverse("programmes:events"))

    html = text(response)
    assert "Tuesday 5 March 2030, 10:30 to 16:00" in html
    assert "30 of 30" in html
    assert programme.name in html
    assert "Laing Art Gallery" in html


def test_past_events_are_shown_only_when_asked_for(
    client: Client, alice: User, portrait_gallery: Organisation, seminar: Event
) -> None:
    yesterday = timezone.now() - timedelta(days=1)
    hold(alice, portrait_gallery, title="Last year's exchange event", starts_at=yesterday, ends_at=yesterday)

    upcoming = client.get(reverse("programmes:events"))
    past = client.get(reverse("programmes:events"), {"when": "past"})

    assert [e.title for e in upcoming.context["page"]] == ["Looking after loans"]
    assert [e.title for e in past.context["page"]] == ["Last year's exchange event"]


def test_the_list_filters_by_kind_and_programme(
    client: Client,
    alice: User,
    portrait_gallery: Organisation,
    programme: Programme,
    seminar: Event,
    leads_meeting: Event,
) -> None:
    hold(alice, portrait_gallery, title="Outside any programme", kind=EventKind.LEADS_MEETING)

    meetings = client.get(reverse("programmes:events"), {"kind": EventKind.LEADS_MEETING})
    in_programme = client.get(
        reverse("programmes:events"), {"kind": EventKind.LEADS_MEETING, "programme": programme.slug}
    )

    assert {e.title for e in meetings.context["page"]} == {"Partnership leads’ meeting", "Outside any programme"}
    assert [e.title for e in in_programme.context["page"]] == ["Partnership leads’ meeting"]


def test_members_only_events_are_listed_for_everyone(client: Client, charlie: User, leads_meeting: Event) -> None:
    response = signed_in(client, charlie).get(reverse("programmes:events"))

    assert "Partnership leads’ meeting" in response.content.decode()
    assert "Members only" in response.content.decode()


def test_only_people_who_may_add_events_are_offered_it(client: Client, alice: User, charlie: User) -> None:
    assert "Add an event" not in signed_in(client, charlie).get(reverse("programmes:events")).content.decode()
    assert "Add an event" in signed_in(client, alice).get(reverse("programmes:events")).content.decode()


# Registering


def test_a_member_registers_from_their_organisation_and_cancels(
    client: Client, bob: User, laing: Organisation, seminar: Event
) -> None:
    signed_in(client, bob)

    response = client.post(reverse("programmes:event_register", args=[seminar.pk]), {"organisation": laing.pk})

    assert response.status_code == 302
    registration = Registration.objects.get(event=seminar, user=bob)
    assert registration.organisation == laing
    assert (
        "You are registered, coming from Laing Art Gallery" in client.get(seminar.get_absolute_url()).content.decode()
    )

    client.post(reverse("programmes:event_unregister", args=[seminar.pk]))

    assert not Registration.objects.filter(event=seminar, user=bob).exists()


def test_a_members_only_event_refuses_someone_from_outside_the_programme(
    client: Client, charlie: User, leads_meeting: Event
) -> None:
    signed_in(client, charlie)
    message = "This event is only for staff of the museums in National Skills Sharing Partnership."

    page = client.get(leads_meeting.get_absolute_url())
    refused = client.post(reverse("programmes:event_register", args=[leads_meeting.pk]))

    assert message in page.content.decode()
    assert 'action="/events/' not in page.content.decode().split("Registration", 1)[1].split("</section>")[0]
    assert message in refused.content.decode()
    assert not leads_meeting.registrations.exists()


def test_a_full_event_refuses_another_registration(
    client: Client, alice: User, bob: User, portrait_gallery: Organisation, programme: Programme
) -> None:
    event = hold(alice, portrait_gallery, programme, capacity=1)
    services.event_register(event=event, actor=bob, organisation=None)

    response = signed_in(client, alice).post(reverse("programmes:event_register", args=[event.pk]))

    assert "This event is full." in response.content.decode()
    assert event.registrations.count() == 1


def test_someone_cannot_register_from_an_organisation_they_do_not_work_for(
    client: Client, bob: User, portrait_gallery: Organisation, seminar: Event
) -> None:
    response = signed_in(client, bob).post(
        reverse("programmes:event_register", args=[seminar.pk]), {"organisation": portrait_gallery.pk}
    )

    assert "organisation" in response.context["form"].errors
    assert not seminar.registrations.exists()


def test_the_online_link_is_shown_only_to_people_registered_and_managers(
    client: Client, alice: User, bob: User, charlie: User, laing: Organisation, leads_meeting: Event
) -> None:
    link = "https://meet.example.org/leads"
    assert link not in client.get(leads_meeting.get_absolute_url()).content.decode()
    assert link not in signed_in(client, bob).get(leads_meeting.get_absolute_url()).content.decode()
    assert link not in signed_in(client, charlie).get(leads_meeting.get_absolute_url()).content.decode()

    services.event_register(event=leads_meeting, actor=bob, organisation=laing)

    assert link in signed_in(client, bob).get(leads_meeting.get_absolute_url()).content.decode()
    assert link in signed_in(client, alice).get(leads_meeting.get_absolute_url()).content.decode()


def test_anonymous_visitors_are_asked_to_sign_in_to_register(client: Client, seminar: Event) -> None:
    response = client.get(seminar.get_absolute_url())

    assert "Sign in to register" in response.content.decode()
    assert client.post(reverse("programmes:event_register", args=[seminar.pk])).status_code == 302
    assert not seminar.registrations.exists()


def test_managers_see_who_registered_and_others_do_not(
    client: Client, alice: User, bob: User, charlie: User, laing: Organisation, seminar: Event
) -> None:
    services.event_register(event=seminar, actor=bob, organisation=laing)

    for_alice = signed_in(client, alice).get(seminar.get_absolute_url()).content.decode()
    for_charlie = signed_in(client, charlie).get(seminar.get_absolute_url()).content.decode()

    assert "Who registered" in for_alice
    assert "Bob Bell" in for_alice
    assert "Who registered" not in for_charlie
    assert "Bob Bell" not in for_charlie


def test_a_private_programmes_events_are_hidden_from_outsiders(
    client: Client, alice: User, charlie: User, bob: User, programme: Programme, seminar: Event
) -> None:
    services.programme_update(programme=programme, actor=alice, data={"public": False})

    assert signed_in(client, charlie).get(seminar.get_absolute_url()).status_code == 404
    assert signed_in(client, bob).get(seminar.get_absolute_url()).status_code == 200


# Adding and changing events


def test_an_editor_adds_an_event(client: Client, alice: User, portrait_gallery: Organisation) -> None:
    response = signed_in(client, alice).post(reverse("programmes:event_create"), event_form(portrait_gallery))

    event = Event.objects.get()
    assert response.status_code == 302
    assert event.organiser == portrait_gallery
    assert timezone.localtime(event.starts_at).strftime("%-d %B %Y %H:%M") == "5 March 2030 10:30"
    assert event.activity is not None


def test_an_event_must_end_after_it_starts(client: Client, alice: User, portrait_gallery: Organisation) -> None:
    response = signed_in(client, alice).post(
        reverse("programmes:event_create"), event_form(portrait_gallery, ends_at="2030-03-05T09:00")
    )

    assert response.context["form"].errors["ends_at"] == ["Enter an end after the start, such as later the same day."]
    assert 'href="#id_ends_at"' in response.content.decode()
    assert not Event.objects.exists()


def test_the_organiser_is_one_the_user_may_hold_events_for(
    client: Client, bob: User, portrait_gallery: Organisation
) -> None:
    response = signed_in(client, bob).post(reverse("programmes:event_create"), event_form(portrait_gallery))

    assert "organiser" in response.context["form"].errors
    assert not Event.objects.exists()


def test_the_programme_is_one_the_user_manages(
    client: Client, bob: User, laing: Organisation, programme: Programme
) -> None:
    response = signed_in(client, bob).post(
        reverse("programmes:event_create"), event_form(laing, programme=str(programme.pk))
    )

    assert "programme" in response.context["form"].errors


def test_someone_who_edits_nowhere_cannot_add_an_event(client: Client, charlie: User) -> None:
    assert signed_in(client, charlie).get(reverse("programmes:event_create")).status_code == 403


def test_only_the_events_managers_change_it(client: Client, alice: User, bob: User, seminar: Event) -> None:
    edit = reverse("programmes:event_edit", args=[seminar.pk])
    assert signed_in(client, bob).get(edit).status_code == 403
    assert client.get(reverse("programmes:event_attendance", args=[seminar.pk])).status_code == 403
    assert client.get(reverse("programmes:event_minutes", args=[seminar.pk])).status_code == 403

    form = event_form(seminar.organiser, title="Looking after loans, part two", programme=str(seminar.programme_id))
    response = signed_in(client, alice).post(edit, form)

    assert response.status_code == 302
    seminar.refresh_from_db()
    assert seminar.title == "Looking after loans, part two"


# Attendance


def test_recording_attendance_counts_who_came_in_the_register(
    client: Client,
    alice: User,
    bob: User,
    charlie: User,
    laing: Organisation,
    portrait_gallery: Organisation,
    register: dict[str, Organisation],
    seminar: Event,
) -> None:
    fife = register["mm.domus.SC256"]
    dora = User.objects.create_user("dora@example.org", "a long password", name="Dora Dunn")
    Membership.objects.create(user=dora, organisation=fife, role=Role.VIEWER)
    came = services.event_register(event=seminar, actor=bob, organisation=laing)
    services.event_register(event=seminar, actor=dora, organisation=fife)
    services.event_register(event=seminar, actor=charlie, organisation=None)

    response = signed_in(client, alice).post(
        reverse("programmes:event_attendance", args=[seminar.pk]), {"attended": [str(came.pk)]}
    )

    assert response.status_code == 302
    seminar.refresh_from_db()
    assert seminar.activity is not None
    assert seminar.activity.participants == 1
    assert seminar.activity.status == "completed"
    participants = {p.organisation for p in seminar.activity.partners.filter(role=PartnerRole.PARTICIPANT)}
    assert participants == {laing}
    assert [r.attended for r in seminar.registrations.order_by("id")] == [True, False, False]


def test_the_attendance_page_ticks_those_already_recorded(
    client: Client, alice: User, bob: User, laing: Organisation, seminar: Event
) -> None:
    registration = services.event_register(event=seminar, actor=bob, organisation=laing)
    services.attendance_record(event=seminar, actor=alice, attended={registration.pk})

    response = signed_in(client, alice).get(reverse("programmes:event_attendance", args=[seminar.pk]))

    assert response.context["form"]["attended"].initial == [registration.pk]
    assert "Bob Bell, Laing Art Gallery" in response.content.decode()


# Minutes and actions


def test_minutes_and_actions_are_hidden_from_people_outside_the_programme(
    client: Client, alice: User, bob: User, charlie: User, leads_meeting: Event
) -> None:
    services.action_create(event=leads_meeting, actor=alice, data={"description": "Book the exchange venue"})

    for page in (
        client.get(leads_meeting.get_absolute_url()),
        signed_in(client, charlie).get(leads_meeting.get_absolute_url()),
    ):
        html = page.content.decode()
        assert "We agreed the dates of the exchange event." not in html
        assert "Book the exchange venue" not in html


def test_a_member_museums_staff_read_the_minutes_and_actions(
    client: Client, alice: User, bob: User, leads_meeting: Event
) -> None:
    services.action_create(event=leads_meeting, actor=alice, data={"description": "Book the exchange venue"})

    html = signed_in(client, bob).get(leads_meeting.get_absolute_url()).content.decode()

    assert "We agreed the dates of the exchange event." in html
    assert "Book the exchange venue" in html


def test_a_manager_writes_the_minutes_and_adds_an_action_for_someone_registered(
    client: Client, alice: User, bob: User, laing: Organisation, leads_meeting: Event
) -> None:
    services.event_register(event=leads_meeting, actor=bob, organisation=laing)
    minutes = reverse("programmes:event_minutes", args=[leads_meeting.pk])
    signed_in(client, alice)

    client.post(minutes, {"minutes-minutes": "Dates agreed. Venue to be booked.", "save_minutes": ""})
    client.post(
        minutes,
        {
            "action-description": "Book the venue",
            "action-owner": str(bob.pk),
            "action-owner_name": "",
            "action-due_date": "2030-01-31",
            "add_action": "",
        },
    )

    leads_meeting.refresh_from_db()
    assert leads_meeting.minutes == "Dates agreed. Venue to be booked."
    action = leads_meeting.actions.get()
    assert (action.description, action.owner, action.due_date) == ("Book the venue", bob, date(2030, 1, 31))


def test_an_action_needs_someone_to_do_it(client: Client, alice: User, leads_meeting: Event) -> None:
    response = signed_in(client, alice).post(
        reverse("programmes:event_minutes", args=[leads_meeting.pk]),
        {"action-description": "Book the venue", "action-owner": "", "action-owner_name": "", "add_action": ""},
    )

    assert response.context["action_form"].errors["owner"] == ["Choose who will do it, or type their name."]
    assert not leads_meeting.actions.exists()


def test_an_overdue_action_says_so_in_words(client: Client, alice: User, bob: User, leads_meeting: Event) -> None:
    services.action_create(
        event=leads_meeting,
        actor=alice,
        data={"description": "Send the loan list", "owner_name": "Dee", "due_date": date.today() - timedelta(days=1)},
    )

    html = signed_in(client, bob).get(leads_meeting.get_absolute_url()).content.decode()

    assert "Overdue" in html


def test_the_owner_of_an_action_marks_it_done_and_others_cannot(
    client: Client, alice: User, bob: User, charlie: User, leads_meeting: Event
) -> None:
    action = services.action_create(
        event=leads_meeting, actor=alice, data={"description": "Send the loan list", "owner": bob}
    )
    url = reverse("programmes:action_update", args=[action.pk])

    assert signed_in(client, charlie).post(url, {"done": "true"}).status_code == 403
    response = signed_in(client, bob).post(url, {"done": "true", "next": leads_meeting.get_absolute_url()})

    assert response["Location"] == leads_meeting.get_absolute_url()
    action.refresh_from_db()
    assert action.done
    assert action.done_at is not None

    signed_in(client, alice).post(url, {"done": "false"})

    action.refresh_from_db()
    assert not action.done
    assert action.done_at is None


def test_marking_an_action_done_takes_a_post(client: Client, bob: User, alice: User, leads_meeting: Event) -> None:
    action = services.action_create(event=leads_meeting, actor=alice, data={"description": "Tidy up", "owner": bob})

    assert signed_in(client, bob).get(reverse("programmes:action_update", args=[action.pk])).status_code == 405
    assert not Action.objects.get(pk=action.pk).done


def test_a_member_who_does_not_own_an_action_cannot_mark_it_done(
    client: Client, alice: User, bob: User, leads_meeting: Event
) -> None:
    action = services.action_create(event=leads_meeting, actor=alice, data={"description": "Tidy up", "owner": alice})
    html = signed_in(client, bob).get(leads_meeting.get_absolute_url()).content.decode()

    assert "Mark done" not in html
    assert client.post(reverse("programmes:action_update", args=[action.pk]), {"done": "true"}).status_code == 403
