import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from museumshare.accounts.models import User
from museumshare.activities.models import Activity, Kind
from museumshare.organisations.forms import organisation_label
from museumshare.organisations.models import Organisation
from museumshare.programmes import services
from museumshare.programmes.models import (
    ApplicationStatus,
    Display,
    MemberRole,
    MentoringMeeting,
    MentoringPair,
    Opportunity,
    Participation,
    Programme,
    ProgrammeMember,
)

START = date(2024, 4, 1)


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def programme(alice: User, portrait_gallery: Organisation, laing: Organisation) -> Programme:
    return services.programme_create(
        actor=alice,
        data={
            "name": "National Skills Sharing Partnership",
            "lead": portrait_gallery,
            "theme": "What is a Portrait?",
            "summary": "Placements, mentoring and internships between the Gallery and museums across the UK.",
            "funders": "Garfield Weston Foundation, Art Fund",
            "start_date": START,
        },
        members=[(laing, MemberRole.PARTNER, START)],
    )


def offer(alice: User, programme: Programme, host: Organisation, **extra: Any) -> Opportunity:
    data = {
        "programme": programme,
        "host": host,
        "kind": "paid_internship",
        "title": "Curatorial internship",
        "description": "Twelve weeks with the curators.",
        "skills_area": "curatorial",
        "places": 2,
        "start_date": date.today() + timedelta(days=60),
        "status": "open",
    } | extra
    return services.opportunity_create(actor=alice, data=data)


def take_part(opportunity: Opportunity, person: User, home: Organisation, host_editor: User) -> Participation:
    """`person` applies from `home`, is offered a place by the host and accepts it."""
    application = services.application_submit(
        opportunity=opportunity, actor=person, organisation=home, statement="I would like to learn."
    )
    services.application_move(application=application, actor=host_editor, to=ApplicationStatus.OFFERED)
    services.application_move(application=application, actor=person, to=ApplicationStatus.ACCEPTED)
    return Participation.objects.get(application=application)


@pytest.fixture
def internship(alice: User, programme: Programme, portrait_gallery: Organisation) -> Opportunity:
    return offer(alice, programme, portrait_gallery)


@pytest.fixture
def bobs_place(internship: Opportunity, bob: User, laing: Organisation, alice: User) -> Participation:
    return take_part(internship, bob, laing, alice)


# The list and the public page


def test_the_list_shows_public_programmes_with_their_members_and_open_opportunities(
    client: Client, programme: Programme, internship: Opportunity
) -> None:
    response = client.get(reverse("programmes:list"))
    assert response.status_code == 200
    rows = {p.name: p for p in response.context["programmes"]}
    listed = rows["National Skills Sharing Partnership"]
    assert (listed.member_count, listed.open_count) == (2, 1)
    assert "Start a programme" not in response.content.decode()


def test_the_list_offers_editors_a_button_to_start_a_programme(client: Client, alice: User) -> None:
    response = signed_in(client, alice).get(reverse("programmes:list"))
    assert "Start a programme" in response.content.decode()


def test_the_public_page_shows_members_open_opportunities_and_funders(
    client: Client, programme: Programme, internship: Opportunity, laing: Organisation, alice: User
) -> None:
    offer(alice, programme, laing, title="Draft secondment", status="draft")
    response = client.get(programme.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Laing Art Gallery" in page
    assert "Lead partner" in page
    assert "1 April 2024" in page
    assert reverse("programmes:opportunity", args=[internship.pk]) in page
    assert "Draft secondment" not in page
    assert "Garfield Weston Foundation, Art Fund" in page
    assert response.context["map"]["points"], "members with a point are pinned on the map"
    assert "programme-map.js" in page


def test_the_public_page_shows_only_published_stories_and_a_withdrawn_one_disappears(
    client: Client, programme: Programme, bobs_place: Participation, bob: User, alice: User, internship: Opportunity
) -> None:
    unpublished = services.participation_record(
        opportunity=internship, actor=alice, data={"name": "Dana Drafter", "start_date": START}
    )
    Participation.objects.filter(pk=unpublished.pk).update(story="Not for the page yet.")
    services.story_publish(participation=bobs_place, actor=bob, story="I catalogued 300 portraits.")
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "I catalogued 300 portraits." in page
    assert "Not for the page yet." not in page

    services.story_withdraw(participation=bobs_place, actor=bob)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "I catalogued 300 portraits." not in page
    assert "No participant has shared their story yet." in page


def test_a_private_programme_is_not_found_for_people_outside_it(
    client: Client, programme: Programme, alice: User, bob: User, charlie: User
) -> None:
    services.programme_update(programme=programme, actor=alice, data={"public": False})
    url = programme.get_absolute_url()
    assert client.get(url).status_code == 404
    assert signed_in(client, charlie).get(url).status_code == 404
    assert programme.name not in client.get(reverse("programmes:list")).content.decode()
    assert signed_in(client, bob).get(url).status_code == 200


# Starting and changing a programme, and its members


def test_an_editor_starts_a_programme_led_by_their_museum(
    client: Client, alice: User, portrait_gallery: Organisation
) -> None:
    response = signed_in(client, alice).post(
        reverse("programmes:create"),
        {
            "name": "Portraits of the North",
            "lead": portrait_gallery.pk,
            "summary": "A programme of exchanges.",
            "start_date": "2025-04-01",
            "status": "active",
            "public": "on",
        },
    )
    programme = Programme.objects.get(name="Portraits of the North")
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:members", args=[programme.slug])
    assert programme.members.get().role == MemberRole.LEAD


def test_an_editor_cannot_name_another_museum_as_the_lead(client: Client, alice: User, laing: Organisation) -> None:
    response = signed_in(client, alice).post(
        reverse("programmes:create"),
        {"name": "Not mine", "lead": laing.pk, "summary": "x", "start_date": "2025-04-01", "status": "active"},
    )
    assert response.status_code == 200
    assert "lead" in response.context["form"].errors
    assert not Programme.objects.filter(name="Not mine").exists()


def test_charlie_cannot_start_a_programme(client: Client, charlie: User) -> None:
    assert signed_in(client, charlie).get(reverse("programmes:create")).status_code == 403


def test_only_the_programmes_managers_change_it(client: Client, programme: Programme, alice: User, bob: User) -> None:
    url = reverse("programmes:edit", args=[programme.slug])
    assert signed_in(client, bob).get(url).status_code == 403
    form = signed_in(client, alice).get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "public"}
    data |= {"lead": programme.lead_id, "theme": "Faces and places", "start_date": "2024-04-01"}
    response = client.post(url, data)
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.theme == "Faces and places"
    assert programme.public is False


def test_a_manager_adds_a_member_by_typing_its_name(
    client: Client, programme: Programme, alice: User, register: dict[str, Organisation]
) -> None:
    boathouse = register["mm.wiki.435"]
    response = signed_in(client, alice).post(
        reverse("programmes:members", args=[programme.slug]),
        {
            "action": "add",
            "add-organisation": organisation_label(boathouse),
            "add-role": "partner",
            "add-joined": "2025-01-06",
        },
    )
    assert response.status_code == 302
    assert programme.members.get(organisation=boathouse).joined == date(2025, 1, 6)


def test_adding_a_member_twice_is_refused_on_the_form(
    client: Client, programme: Programme, alice: User, laing: Organisation
) -> None:
    response = signed_in(client, alice).post(
        reverse("programmes:members", args=[programme.slug]),
        {"action": "add", "add-organisation": laing.slug, "add-role": "partner", "add-joined": "2025-01-06"},
    )
    assert response.status_code == 200
    assert "is already a member" in response.content.decode()


def test_a_member_leaving_before_it_joined_is_refused_on_the_form(
    client: Client, programme: Programme, alice: User, laing: Organisation
) -> None:
    member = programme.members.get(organisation=laing)
    response = signed_in(client, alice).post(
        reverse("programmes:members", args=[programme.slug]),
        {"action": "leave", "member": member.pk, f"leave-{member.pk}-left": "2020-01-01"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter a date on or after the day it joined, 1 April 2024." in page
    member.refresh_from_db()
    assert member.left is None


def test_a_member_that_leaves_stays_listed_with_the_date_it_left(
    client: Client, programme: Programme, alice: User, laing: Organisation
) -> None:
    member = programme.members.get(organisation=laing)
    signed_in(client, alice).post(
        reverse("programmes:members", args=[programme.slug]),
        {"action": "leave", "member": member.pk, f"leave-{member.pk}-left": "2025-03-31"},
    )
    assert ProgrammeMember.objects.get(pk=member.pk).left == date(2025, 3, 31)
    assert "31 March 2025" in client.get(programme.get_absolute_url()).content.decode()


def test_bob_cannot_manage_the_members(client: Client, programme: Programme, bob: User) -> None:
    assert signed_in(client, bob).get(reverse("programmes:members", args=[programme.slug])).status_code == 403


# The dashboard


def test_the_dashboard_is_for_managers_and_analysts_only(
    client: Client, programme: Programme, alice: User, bob: User, charlie: User, analyst: User
) -> None:
    url = reverse("programmes:dashboard", args=[programme.slug])
    assert client.get(url).status_code == 302
    assert signed_in(Client(), bob).get(url).status_code == 403
    assert signed_in(Client(), charlie).get(url).status_code == 403
    assert signed_in(Client(), alice).get(url).status_code == 200
    assert signed_in(Client(), analyst).get(url).status_code == 200


def test_the_dashboard_shows_places_participants_by_region_and_confidence(
    client: Client, programme: Programme, bobs_place: Participation, alice: User, bob: User
) -> None:
    services.participation_evaluate(
        participation=bobs_place,
        actor=bob,
        data={"skills_gained": "Cataloguing", "confidence_before": 2, "confidence_after": 4, "would_recommend": True},
    )
    response = signed_in(client, alice).get(reverse("programmes:dashboard", args=[programme.slug]))
    data = response.context["data"]
    assert (data.headlines.places_offered, data.headlines.places_filled) == (2, 1)
    assert [(r.region, r.participants) for r in data.regions] == [("North East", 1)]
    assert (data.scores.confidence_before, data.scores.confidence_after) == (2, 4)
    page = response.content.decode()
    assert 'aria-labelledby="region-chart-title"' in page
    assert '<th scope="row">North East</th>' in page
    assert reverse("programmes:participation", args=[bobs_place.pk]) in page


def test_the_participants_download_as_csv(
    client: Client, programme: Programme, bobs_place: Participation, alice: User
) -> None:
    response = signed_in(client, alice).get(reverse("programmes:dashboard", args=[programme.slug]) + "?download=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "participants-national-skills-sharing-partnership" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["name", "home_organisation", "home_region"]
    assert rows[1][:3] == ["Bob Bell", "Laing Art Gallery", "North East"]


def test_the_participants_download_as_xlsx(
    client: Client, programme: Programme, bobs_place: Participation, analyst: User
) -> None:
    response = signed_in(client, analyst).get(reverse("programmes:dashboard", args=[programme.slug]) + "?download=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "Bob Bell"
    assert rows[1][-2] == "no"


def test_the_dashboard_download_is_refused_to_bob(client: Client, programme: Programme, bob: User) -> None:
    url = reverse("programmes:dashboard", args=[programme.slug]) + "?download=csv"
    assert signed_in(client, bob).get(url).status_code == 403


# Participations: evaluations and stories


def test_the_participant_gives_their_evaluation_with_radio_buttons(
    client: Client, bobs_place: Participation, bob: User
) -> None:
    url = bobs_place.get_absolute_url()
    page = signed_in(client, bob).get(url).content.decode()
    assert "<legend>How confident were you in these skills before you started?</legend>" in page
    assert 'type="radio" name="evaluate-confidence_before" value="5"' in page
    response = client.post(
        url,
        {
            "action": "evaluate",
            "evaluate-skills_gained": "Cataloguing and handling",
            "evaluate-confidence_before": "2",
            "evaluate-confidence_after": "5",
            "evaluate-would_recommend": "True",
        },
    )
    assert response.status_code == 302
    bobs_place.refresh_from_db()
    assert (bobs_place.confidence_before, bobs_place.confidence_after, bobs_place.would_recommend) == (2, 5, True)
    assert bobs_place.evaluated_at is not None


def test_a_missing_score_is_shown_in_the_error_summary(client: Client, bobs_place: Participation, bob: User) -> None:
    response = signed_in(client, bob).post(
        bobs_place.get_absolute_url(),
        {"action": "evaluate", "evaluate-skills_gained": "Handling", "evaluate-would_recommend": "False"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_evaluate-confidence_before_0">Choose how confident you were before' in page


def test_only_the_participant_can_evaluate(client: Client, bobs_place: Participation, alice: User) -> None:
    response = signed_in(client, alice).post(
        bobs_place.get_absolute_url(),
        {
            "action": "evaluate",
            "evaluate-skills_gained": "x",
            "evaluate-confidence_before": "1",
            "evaluate-confidence_after": "1",
            "evaluate-would_recommend": "False",
        },
    )
    assert response.status_code == 403
    bobs_place.refresh_from_db()
    assert bobs_place.evaluated_at is None


def test_only_the_host_can_give_the_host_evaluation(
    client: Client, bobs_place: Participation, alice: User, bob: User
) -> None:
    data = {"action": "host_evaluate", "host-host_feedback": "A great help.", "host-host_rating": "5"}
    assert signed_in(client, bob).post(bobs_place.get_absolute_url(), data).status_code == 403
    assert signed_in(Client(), alice).post(bobs_place.get_absolute_url(), data).status_code == 302
    bobs_place.refresh_from_db()
    assert (bobs_place.host_feedback, bobs_place.host_rating) == ("A great help.", 5)


def test_the_host_records_the_outcome(client: Client, bobs_place: Participation, alice: User) -> None:
    response = signed_in(client, alice).post(
        bobs_place.get_absolute_url(),
        {
            "action": "update",
            "update-start_date": bobs_place.start_date.isoformat(),
            "update-end_date": "",
            "update-outcome": "completed",
        },
    )
    assert response.status_code == 302
    bobs_place.refresh_from_db()
    assert bobs_place.outcome == "completed"


def test_the_participation_is_not_found_for_charlie_but_analysts_may_read_it(
    client: Client, bobs_place: Participation, charlie: User, analyst: User
) -> None:
    assert signed_in(client, charlie).get(bobs_place.get_absolute_url()).status_code == 404
    page = signed_in(Client(), analyst).get(bobs_place.get_absolute_url()).content.decode()
    assert "Save your evaluation" not in page
    assert "Save the host" not in page


def test_a_story_is_published_only_with_the_participants_consent(
    client: Client, bobs_place: Participation, bob: User
) -> None:
    url = bobs_place.get_absolute_url()
    response = signed_in(client, bob).post(url, {"action": "story", "story-story": "My twelve weeks."})
    assert response.status_code == 200
    assert "Tick the box to agree" in response.content.decode()
    bobs_place.refresh_from_db()
    assert not bobs_place.story_is_published()

    client.post(url, {"action": "story", "story-story": "My twelve weeks.", "story-consent": "on"})
    bobs_place.refresh_from_db()
    assert bobs_place.story_is_published()

    client.post(url, {"action": "story_withdraw"})
    bobs_place.refresh_from_db()
    assert not bobs_place.story_is_published()


def test_the_host_records_someone_who_took_part_without_applying(
    client: Client, internship: Opportunity, alice: User, laing: Organisation
) -> None:
    response = signed_in(client, alice).post(
        reverse("programmes:participation_record", args=[internship.pk]),
        {
            "name": "Erin Evans",
            "email": "",
            "home": laing.slug,
            "start_date": "2025-06-02",
            "end_date": "2025-08-29",
            "outcome": "completed",
        },
    )
    erin = Participation.objects.get(name="Erin Evans")
    assert response.status_code == 302
    assert response["Location"] == erin.get_absolute_url()
    assert erin.home == laing


def test_bob_cannot_record_participants_on_the_gallerys_opportunity(
    client: Client, internship: Opportunity, bob: User
) -> None:
    assert (
        signed_in(client, bob).get(reverse("programmes:participation_record", args=[internship.pk])).status_code == 403
    )


# Mentoring and displays


def test_a_manager_sets_up_a_mentoring_pair_and_the_mentee_logs_a_meeting(
    client: Client, programme: Programme, alice: User, bob: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    response = signed_in(client, alice).post(
        reverse("programmes:pair_create", args=[programme.slug]),
        {
            "mentor_name": "Alice Ashby",
            "mentor_organisation": portrait_gallery.slug,
            "mentor_email": "alice@example.org",
            "mentee_name": "Bob Bell",
            "mentee_organisation": laing.slug,
            "mentee_email": "bob@example.org",
            "goals": "Plan a touring display.",
            "start_date": "2025-01-06",
        },
    )
    pair = MentoringPair.objects.get()
    assert response["Location"] == pair.get_absolute_url()
    assert (pair.mentor, pair.mentee, pair.programme) == (alice, bob, programme)

    response = signed_in(Client(), bob).post(
        pair.get_absolute_url(), {"date": "2025-02-03", "minutes": "45", "online": "on", "notes": "Talked loans."}
    )
    assert response.status_code == 302
    meeting = MentoringMeeting.objects.get(pair=pair)
    assert (meeting.minutes, meeting.online, meeting.logged_by) == (45, True, bob)


def test_a_mentoring_pair_is_not_found_for_charlie(
    client: Client,
    programme: Programme,
    alice: User,
    charlie: User,
    portrait_gallery: Organisation,
    laing: Organisation,
) -> None:
    pair = services.pair_create(
        actor=alice,
        data={
            "programme": programme,
            "mentor_name": "Alice Ashby",
            "mentor_organisation": portrait_gallery,
            "mentee_name": "Bob Bell",
            "mentee_organisation": laing,
            "start_date": START,
        },
    )
    assert signed_in(client, charlie).get(pair.get_absolute_url()).status_code == 404
    assert signed_in(client, charlie).post(pair.get_absolute_url(), {"date": "2025-02-03"}).status_code == 404
    assert not pair.meetings.exists()


def test_creating_a_display_records_one_co_produced_exhibition(
    client: Client, programme: Programme, alice: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    response = signed_in(client, alice).post(
        reverse("programmes:display_create", args=[programme.slug]),
        {
            "title": "Faces of the North",
            "host": laing.pk,
            "partners": [portrait_gallery.pk],
            "opens": "2025-05-01",
            "closes": "2025-09-30",
            "visitors": "12,400",
        },
    )
    assert response.status_code == 302
    display = Display.objects.get()
    assert display.visitors == 12400
    assert list(display.partners.all()) == [portrait_gallery]
    assert Activity.objects.filter(kind=Kind.CO_PRODUCED_EXHIBITION).count() == 1
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "Faces of the North" in page
    assert "12,400 visitors" in page


def test_a_display_that_closes_before_it_opens_is_refused(
    client: Client, programme: Programme, alice: User, laing: Organisation
) -> None:
    response = signed_in(client, alice).post(
        reverse("programmes:display_create", args=[programme.slug]),
        {"title": "Backwards", "host": laing.pk, "opens": "2025-05-01", "closes": "2025-04-01"},
    )
    assert response.status_code == 200
    assert "Enter a closing date on or after the opening date." in response.content.decode()
    assert not Display.objects.exists()
