from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from museumshare.accounts.models import User
from museumshare.organisations.models import Organisation
from museumshare.programmes import dashboard, services
from museumshare.programmes.models import ApplicationStatus, MemberRole, Opportunity, Participation, Programme

START = date(2024, 4, 1)


@pytest.fixture
def programme(alice: User, portrait_gallery: Organisation, laing: Organisation) -> Programme:
    return services.programme_create(
        actor=alice,
        data={
            "name": "National Skills Sharing Partnership",
            "lead": portrait_gallery,
            "summary": "Placements, mentoring and internships.",
            "start_date": START,
        },
        members=[(laing, MemberRole.PARTNER, START)],
    )


def offer(alice: User, programme: Programme, host: Organisation, **extra: Any) -> Opportunity:
    data = {
        "programme": programme,
        "host": host,
        "kind": "placement",
        "title": "Collections care placement",
        "description": "Four weeks with the conservators.",
        "skills_area": "collections_care",
        "places": 3,
        "start_date": date.today() + timedelta(days=30),
        "status": "open",
    } | extra
    return services.opportunity_create(actor=alice, data=data)


def record(opportunity: Opportunity, alice: User, name: str, home: Organisation | None, **extra: Any) -> Participation:
    data = {"name": name, "home": home, "start_date": START} | extra
    return services.participation_record(opportunity=opportunity, actor=alice, data=data)


@pytest.fixture
def placement(alice: User, programme: Programme, portrait_gallery: Organisation) -> Opportunity:
    return offer(alice, programme, portrait_gallery)


def test_places_offered_count_only_opportunities_that_are_neither_draft_nor_cancelled(
    alice: User, programme: Programme, placement: Opportunity, laing: Organisation
) -> None:
    offer(alice, programme, laing, title="Draft", places=5, status="draft")
    offer(alice, programme, laing, title="Cancelled", places=7, status="cancelled")
    offer(alice, programme, laing, title="Filled", places=2, status="filled")
    record(placement, alice, "Erin Evans", laing)
    figures = dashboard.headlines(programme)
    assert figures.places_offered == 3 + 2
    assert figures.places_filled == 1
    assert figures.participants == 1


def test_applications_are_counted_by_status_and_withdrawn_ones_are_not_headline_applications(
    alice: User, bob: User, charlie: User, programme: Programme, placement: Opportunity, laing: Organisation
) -> None:
    Opportunity.objects.filter(pk=placement.pk).update(eligibility="open")
    services.application_submit(opportunity=placement, actor=bob, organisation=laing, statement="Please.")
    withdrawn = services.application_submit(opportunity=placement, actor=charlie, organisation=None, statement="Me.")
    services.application_move(application=withdrawn, actor=charlie, to=ApplicationStatus.WITHDRAWN)
    [row] = dashboard.applications_by_opportunity(programme)
    assert row.by_status[ApplicationStatus.SUBMITTED] == 1
    assert row.by_status[ApplicationStatus.WITHDRAWN] == 1
    assert row.total == 2
    assert (row.waiting, row.not_going_ahead) == (1, 1)
    assert dashboard.headlines(programme).applications == 1


def test_participants_are_counted_by_the_region_or_nation_of_their_home(
    alice: User, programme: Programme, placement: Opportunity, laing: Organisation, register: dict[str, Organisation]
) -> None:
    boathouse = register["mm.wiki.435"]  # in Wales
    record(placement, alice, "Erin Evans", laing)
    record(placement, alice, "Fay Fox", laing)
    record(placement, alice, "Gwen Griffiths", boathouse)
    record(placement, alice, "Hal Hughes", None)
    regions = [(r.region, r.participants) for r in dashboard.participants_by_region(programme)]
    assert regions == [("North East", 2), ("Not recorded", 1), ("Wales", 1)]


def test_evaluation_scores_average_the_participants_answers(
    alice: User, programme: Programme, placement: Opportunity, laing: Organisation
) -> None:
    now = timezone.now()
    record(placement, alice, "Erin Evans", laing, confidence_before=2, confidence_after=4, would_recommend=True)
    record(placement, alice, "Fay Fox", laing, confidence_before=3, confidence_after=5, would_recommend=False)
    record(placement, alice, "Gwen Griffiths", laing, host_rating=4)
    Participation.objects.filter(confidence_before__isnull=False).update(evaluated_at=now)
    Participation.objects.filter(host_rating__isnull=False).update(host_evaluated_at=now)
    scores = dashboard.evaluation_scores(programme)
    assert (scores.participants, scores.evaluated) == (3, 2)
    assert (scores.confidence_before, scores.confidence_after) == (2.5, 4.5)
    assert scores.confidence_change == 2
    assert scores.recommend_share == 0.5
    assert (scores.host_evaluated, scores.host_rating) == (1, 4)


def test_scores_are_empty_rather_than_zero_before_anyone_evaluates(programme: Programme) -> None:
    scores = dashboard.evaluation_scores(programme)
    assert scores.confidence_before is None
    assert scores.recommend_share is None


def test_open_actions_flag_the_overdue_ones_and_leave_out_those_done(
    alice: User, programme: Programme, portrait_gallery: Organisation
) -> None:
    meeting = services.event_create(
        actor=alice,
        data={
            "programme": programme,
            "organiser": portrait_gallery,
            "kind": "leads_meeting",
            "title": "Partnership leads' meeting",
            "starts_at": timezone.now() - timedelta(days=30),
        },
    )
    yesterday, next_week = date.today() - timedelta(days=1), date.today() + timedelta(days=7)
    services.action_create(event=meeting, actor=alice, data={"description": "Send the minutes", "due_date": yesterday})
    services.action_create(event=meeting, actor=alice, data={"description": "Book a room", "due_date": next_week})
    done = services.action_create(event=meeting, actor=alice, data={"description": "Done already"})
    services.action_update(action=done, actor=alice, data={"done": True})
    actions = [(a.description, a.overdue) for a in dashboard.open_actions(programme)]
    assert actions == [("Send the minutes", True), ("Book a room", False)]
    assert dashboard.upcoming_events(programme) == []


def test_mentoring_pairs_come_with_their_meeting_counts(
    alice: User, programme: Programme, portrait_gallery: Organisation, laing: Organisation
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
    for day, minutes in ((date(2024, 5, 1), 60), (date(2024, 6, 3), 45)):
        services.meeting_log(pair=pair, actor=alice, data={"date": day, "minutes": minutes})
    [summary] = dashboard.mentoring_pairs(programme)
    assert (summary.meetings, summary.last_met, summary.minutes) == (2, date(2024, 6, 3), 105)


def test_the_region_chart_keeps_its_text_as_text_and_has_a_title() -> None:
    regions = [dashboard.RegionCount("North East", 1204), dashboard.RegionCount("Wales", 3)]
    svg = dashboard.region_chart_svg(regions, title="Participants by home region")
    assert svg.startswith("<svg ")
    assert 'role="img"' in svg
    assert '<title id="region-chart-title">Participants by home region</title>' in svg
    assert "<text" in svg
    assert "North East" in svg
    assert "1,204" in svg
    assert "DejaVuSans-" not in svg, "glyphs drawn as paths would mean svg.fonttype is not 'none'"


def test_the_chart_title_is_escaped() -> None:
    svg = dashboard.region_chart_svg([dashboard.RegionCount("Wales", 1)], title="<b>Wales & the West</b>")
    assert "&lt;b&gt;Wales &amp; the West&lt;/b&gt;" in svg


def test_the_dashboard_takes_as_many_queries_for_many_participants_as_for_one(
    client: Client,
    alice: User,
    programme: Programme,
    placement: Opportunity,
    laing: Organisation,
    portrait_gallery: Organisation,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(alice)
    url = reverse("programmes:dashboard", args=[programme.slug])
    record(placement, alice, "Erin Evans", laing)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    second = offer(alice, programme, laing, title="Second placement")
    for n in range(8):
        record(second if n % 2 else placement, alice, f"Participant {n}", laing if n % 3 else portrait_gallery)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.context["data"].headlines.participants == 9
