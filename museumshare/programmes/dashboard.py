"""What a programme's managers see on its dashboard, as plain data counted in the database.

Each function takes a programme and returns dataclasses, lists and numbers, never querysets, so
the web page, the downloads and any report present the same figures. The query count does not
grow with the number of opportunities, participants or pairs.
"""

import html
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: readable, searchable and scalable

from django.db.models import Avg, Count, F, Max, Q, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from museumshare.core.svg import presentation_attributes  # noqa: E402
from museumshare.programmes.models import (  # noqa: E402
    APPLICATION_OPEN,
    Action,
    ApplicationStatus,
    Event,
    MentoringPair,
    Opportunity,
    OpportunityStatus,
    Participation,
    Programme,
)

NOT_OFFERED = (OpportunityStatus.DRAFT, OpportunityStatus.CANCELLED)
NO_HOME = "Not recorded"
OUTSIDE_UK = "Outside the UK"
UPCOMING_SHOWN = 10


@dataclass(frozen=True)
class Headlines:
    places_offered: int
    places_filled: int
    applications: int
    participants: int
    evaluated: int


@dataclass(frozen=True)
class OpportunityApplications:
    pk: int
    title: str
    status: str
    places: int
    taken: int
    by_status: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def waiting(self) -> int:
        """Applications still waiting on the host or the applicant."""
        return sum(self.by_status[status] for status in APPLICATION_OPEN)

    @property
    def accepted(self) -> int:
        return self.by_status[ApplicationStatus.ACCEPTED]

    @property
    def not_going_ahead(self) -> int:
        """Declined by the applicant, turned down by the host, or withdrawn."""
        return self.total - self.waiting - self.accepted


@dataclass(frozen=True)
class RegionCount:
    region: str
    participants: int


@dataclass(frozen=True)
class EvaluationScores:
    participants: int
    evaluated: int
    confidence_before: float | None
    confidence_after: float | None
    answered_recommend: int
    would_recommend: int
    host_evaluated: int
    host_rating: float | None

    @property
    def recommend_share(self) -> float | None:
        """The share of those who answered who would recommend it, from 0 to 1."""
        return self.would_recommend / self.answered_recommend if self.answered_recommend else None

    @property
    def confidence_change(self) -> float | None:
        if self.confidence_before is None or self.confidence_after is None:
            return None
        return self.confidence_after - self.confidence_before


@dataclass(frozen=True)
class ParticipantRow:
    pk: int
    name: str
    home: str
    region: str
    opportunity: str
    opportunity_pk: int
    host: str
    start_date: date
    end_date: date | None
    outcome: str
    evaluated: bool
    host_evaluated: bool


@dataclass(frozen=True)
class UpcomingEvent:
    pk: int
    title: str
    kind: str
    starts_at: datetime
    organiser: str
    registered: int
    capacity: int | None


@dataclass(frozen=True)
class OpenAction:
    pk: int
    description: str
    owner: str
    due_date: date | None
    overdue: bool
    event: str
    event_pk: int


@dataclass(frozen=True)
class PairSummary:
    pk: int
    mentor: str
    mentor_organisation: str
    mentee: str
    mentee_organisation: str
    start_date: date
    end_date: date | None
    meetings: int
    last_met: date | None
    minutes: int


@dataclass
class Dashboard:
    headlines: Headlines
    opportunities: list[OpportunityApplications]
    regions: list[RegionCount]
    scores: EvaluationScores
    participants: list[ParticipantRow]
    events: list[UpcomingEvent]
    actions: list[OpenAction]
    pairs: list[PairSummary]


def _participations(programme: Programme) -> Any:
    return Participation.objects.filter(opportunity__programme=programme)


def headlines(programme: Programme) -> Headlines:
    offered = Opportunity.objects.filter(programme=programme).exclude(status__in=NOT_OFFERED)
    places = offered.aggregate(places=Sum("places"))["places"] or 0
    people = _participations(programme).aggregate(
        participants=Count("id"),
        filled=Count("id", filter=~Q(opportunity__status__in=NOT_OFFERED)),
        evaluated=Count("id", filter=Q(evaluated_at__isnull=False)),
    )
    applied = Opportunity.objects.filter(programme=programme).aggregate(
        n=Count("applications", filter=~Q(applications__status=ApplicationStatus.WITHDRAWN))
    )["n"]
    return Headlines(
        places_offered=places,
        places_filled=people["filled"],
        applications=applied,
        participants=people["participants"],
        evaluated=people["evaluated"],
    )


def applications_by_opportunity(programme: Programme) -> list[OpportunityApplications]:
    """Each of the programme's opportunities (drafts too) with its applications counted by status."""
    counts = {
        status: Count("applications", filter=Q(applications__status=status), distinct=True)
        for status in ApplicationStatus.values
    }
    rows = (
        Opportunity.objects.filter(programme=programme)
        .annotate(taken=Count("participations", distinct=True), **counts)
        .order_by("start_date", "title", "id")
    )
    return [
        OpportunityApplications(
            pk=o.pk,
            title=o.title,
            status=o.get_status_display(),
            places=o.places,
            taken=o.taken,  # type: ignore[attr-defined]
            by_status={status: getattr(o, status) for status in ApplicationStatus.values},
        )
        for o in rows
    ]


def _region(region_name: str | None, nation: str | None, country: str | None, has_home: bool) -> str:
    if not has_home:
        return NO_HOME
    if region_name:
        return region_name
    if nation:
        return nation
    return OUTSIDE_UK if country and country != "GB" else NO_HOME


def participants_by_region(programme: Programme) -> list[RegionCount]:
    """How many participants come from each region (England's regions, or the other nations), most first."""
    rows = (
        _participations(programme)
        .values("home_id", "home__region_name", "home__nation", "home__country")
        .order_by()
        .annotate(n=Count("id"))
    )
    totals: dict[str, int] = {}
    for row in rows:
        region = _region(row["home__region_name"], row["home__nation"], row["home__country"], bool(row["home_id"]))
        totals[region] = totals.get(region, 0) + row["n"]
    return [RegionCount(region, n) for region, n in sorted(totals.items(), key=lambda item: (-item[1], item[0]))]


def evaluation_scores(programme: Programme) -> EvaluationScores:
    scores = _participations(programme).aggregate(
        participants=Count("id"),
        evaluated=Count("id", filter=Q(evaluated_at__isnull=False)),
        confidence_before=Avg("confidence_before"),
        confidence_after=Avg("confidence_after"),
        answered_recommend=Count("id", filter=Q(would_recommend__isnull=False)),
        would_recommend=Count("id", filter=Q(would_recommend=True)),
        host_evaluated=Count("id", filter=Q(host_evaluated_at__isnull=False)),
        host_rating=Avg("host_rating"),
    )
    return EvaluationScores(**scores)


def participants(programme: Programme) -> list[ParticipantRow]:
    rows = _participations(programme).select_related("home", "opportunity__host").order_by("name", "start_date", "id")
    return [
        ParticipantRow(
            pk=p.pk,
            name=p.name,
            home=p.home.name if p.home else "",
            region=_region(
                p.home.region_name if p.home else None,
                p.home.nation if p.home else None,
                p.home.country.code if p.home else None,
                p.home is not None,
            ),
            opportunity=p.opportunity.title,
            opportunity_pk=p.opportunity_id,
            host=p.opportunity.host.name,
            start_date=p.start_date,
            end_date=p.end_date,
            outcome=p.get_outcome_display(),
            evaluated=p.evaluated_at is not None,
            host_evaluated=p.host_evaluated_at is not None,
        )
        for p in rows
    ]


def upcoming_events(programme: Programme, now: datetime | None = None) -> list[UpcomingEvent]:
    events = (
        Event.objects.filter(programme=programme, starts_at__gte=now or timezone.now())
        .select_related("organiser")
        .annotate(registered=Count("registrations"))
        .order_by("starts_at", "id")[:UPCOMING_SHOWN]
    )
    return [
        UpcomingEvent(
            pk=e.pk,
            title=e.title,
            kind=e.get_kind_display(),
            starts_at=e.starts_at,
            organiser=e.organiser.name,
            registered=e.registered,  # type: ignore[attr-defined]
            capacity=e.capacity,
        )
        for e in events
    ]


def open_actions(programme: Programme, today: date | None = None) -> list[OpenAction]:
    """Actions from the programme's meetings not yet done, the overdue ones first."""
    today = today or timezone.localdate()
    actions = (
        Action.objects.filter(event__programme=programme, done=False)
        .select_related("event", "owner")
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )
    return [
        OpenAction(
            pk=a.pk,
            description=a.description,
            owner=a.owner_label,
            due_date=a.due_date,
            overdue=a.is_overdue(today),
            event=a.event.title,
            event_pk=a.event_id,
        )
        for a in actions
    ]


def mentoring_pairs(programme: Programme) -> list[PairSummary]:
    pairs = (
        MentoringPair.objects.filter(programme=programme)
        .select_related("mentor_organisation", "mentee_organisation")
        .annotate(
            meeting_count=Count("meetings"), last_met=Max("meetings__date"), total_minutes=Sum("meetings__minutes")
        )
        .order_by("-start_date", "mentee_name", "id")
    )
    return [
        PairSummary(
            pk=p.pk,
            mentor=p.mentor_name,
            mentor_organisation=p.mentor_organisation.name,
            mentee=p.mentee_name,
            mentee_organisation=p.mentee_organisation.name,
            start_date=p.start_date,
            end_date=p.end_date,
            meetings=p.meeting_count,
            last_met=p.last_met,
            minutes=p.total_minutes or 0,
        )
        for p in pairs
    ]


def dashboard(programme: Programme) -> Dashboard:
    return Dashboard(
        headlines=headlines(programme),
        opportunities=applications_by_opportunity(programme),
        regions=participants_by_region(programme),
        scores=evaluation_scores(programme),
        participants=participants(programme),
        events=upcoming_events(programme),
        actions=open_actions(programme),
        pairs=mentoring_pairs(programme),
    )


PARTICIPANTS_HEADER = [
    "name", "home_organisation", "home_region", "opportunity", "host", "start_date", "end_date", "outcome",
    "evaluated", "host_evaluated",
]  # fmt: skip


def participant_rows(rows: list[ParticipantRow]) -> list[list[Any]]:
    """The participants list as rows for a CSV or XLSX download, in PARTICIPANTS_HEADER's order."""
    return [
        [
            p.name,
            p.home,
            p.region,
            p.opportunity,
            p.host,
            p.start_date,
            p.end_date,
            p.outcome,
            "yes" if p.evaluated else "no",
            "yes" if p.host_evaluated else "no",
        ]
        for p in rows
    ]


def region_chart_svg(regions: list[RegionCount], *, title: str, chart_id: str = "region-chart") -> str:
    """A horizontal bar chart of participants by home region as inline SVG, labelled for screen readers.

    The page shows the same numbers in a table beside it; the chart adds the comparison at a glance.
    """
    labels = [r.region for r in reversed(regions)]
    values = [r.participants for r in reversed(regions)]
    figure = Figure(figsize=(6.4, max(1.6, 0.45 * len(regions) + 0.9)), dpi=100)
    axes = figure.add_subplot()
    bars = axes.barh(labels, values, color="#0b5e63")
    axes.bar_label(bars, labels=[f"{v:,}" for v in values], padding=4, fontsize=10, color="#1b1f23")
    axes.set_xlabel("Participants", color="#1b1f23")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, max(values, default=1) * 1.15 or 1)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(colors="#1b1f23", labelsize=10)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    # Inline in HTML: no XML declaration or doctype, and no styles for the page's policy to block.
    svg = presentation_attributes(svg[svg.index("<svg") :])
    title_id = f"{chart_id}-title"
    svg = svg.replace(
        "<svg ",
        f'<svg id="{chart_id}" role="img" aria-labelledby="{title_id}" class="chart" ',
        1,
    )
    opening_end = svg.index(">") + 1
    return f'{svg[:opening_end]}\n <title id="{title_id}">{html.escape(title)}</title>{svg[opening_end:]}'
