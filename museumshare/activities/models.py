from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse

from museumshare.core import years
from museumshare.core.permissions import is_administrator, is_analyst
from museumshare.core.text import LONG_TEXT, no_control_characters, no_control_characters_but_line_breaks
from museumshare.organisations.models import Located, Membership, Organisation, Venue


class Area(models.TextChoices):
    """The areas of the Museum Partnership Report."""

    COLLECTIONS = "collections", "Sharing collections"
    SKILLS = "skills", "Sharing knowledge and skills"
    RESEARCH = "research", "Research"
    AUDIENCES = "audiences", "Audiences and social outcomes"


class Kind(models.TextChoices):
    # Sharing collections
    LOAN_DISPLAY_UK = "loan_display_uk", "Loan for display (UK)"
    LOAN_DISPLAY_INTERNATIONAL = "loan_display_international", "Loan for display (international)"
    LONG_TERM_LOAN = "long_term_loan", "Long-term loan"
    TOURING_EXHIBITION = "touring_exhibition", "Touring exhibition"
    CO_PRODUCED_EXHIBITION = "co_produced_exhibition", "Co-produced exhibition or display"
    RESEARCH_LOAN = "research_loan", "Research loan"
    ACQUISITION_SUPPORT = "acquisition_support", "Acquisition support"
    BORROWING = "borrowing", "Borrowing"
    # Sharing knowledge and skills
    PLACEMENT = "placement", "Staff placement or secondment"
    STAFF_EXCHANGE = "staff_exchange", "Staff exchange"
    MENTORING = "mentoring", "Mentoring"
    INTERNSHIP = "internship", "Internship"
    APPRENTICESHIP = "apprenticeship", "Apprenticeship"
    SECTOR_TRAINING = "sector_training", "Training or seminar for the sector"
    PEER_KNOWLEDGE_EXCHANGE = "peer_knowledge_exchange", "Peer knowledge exchange"
    ADVICE = "advice", "Advice"
    FORMAL_NETWORK = "formal_network", "Formal network"
    SUBJECT_SPECIALIST_NETWORK = "subject_specialist_network", "Subject specialist network"
    # Research
    RESEARCH_PROJECT = "research_project", "Research project"
    DOCTORAL_STUDENTSHIP = "doctoral_studentship", "Doctoral studentship"
    ACADEMIC_PARTNERSHIP = "academic_partnership", "Academic partnership"
    # Audiences and social outcomes
    LEARNING_PROGRAMME = "learning_programme", "Learning programme"
    COMMUNITY_PARTNERSHIP = "community_partnership", "Community partnership"
    HEALTH_WELLBEING = "health_wellbeing", "Health and wellbeing"
    DIGITAL_PROJECT = "digital_project", "Digital project"
    SHARED_SERVICES = "shared_services", "Shared services (such as storage)"


KINDS_BY_AREA: dict[Area, tuple[Kind, ...]] = {
    Area.COLLECTIONS: tuple(Kind)[0:8],
    Area.SKILLS: tuple(Kind)[8:18],
    Area.RESEARCH: tuple(Kind)[18:21],
    Area.AUDIENCES: tuple(Kind)[21:],
}
AREA_OF_KIND: dict[str, Area] = {kind.value: area for area, kinds in KINDS_BY_AREA.items() for kind in kinds}


def grouped_kind_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Kinds under their report areas, for a select with option groups."""
    return [(area.label, [(k.value, k.label) for k in kinds]) for area, kinds in KINDS_BY_AREA.items()]


class Status(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PARTNERS = "partners", "Partners only"
    PRIVATE = "private", "Private to the lead organisation"


class PartnerRole(models.TextChoices):
    LEAD = "lead", "Lead"
    PARTNER = "partner", "Partner"
    HOST = "host", "Host"
    FUNDER = "funder", "Funder"
    PARTICIPANT = "participant", "Participant"


def _member_organisations(user: Any) -> models.QuerySet[Any]:
    return Membership.objects.filter(user=user).values("organisation_id")


def sees_everything(user: Any) -> bool:
    return bool(is_analyst(user) or is_administrator(user))


class ActivityQuerySet(models.QuerySet["Activity"]):
    def visible_to(self, user: Any) -> "ActivityQuerySet":
        """What `user` may see: the one rule every list, export, count, API and map uses.

        Anyone sees public activities. Members of an organisation see every activity it leads and
        the partners-only ones it is a partner on. Analysts and administrators see everything.
        """
        if sees_everything(user):
            return self
        if not user.is_authenticated:
            return self.filter(visibility=Visibility.PUBLIC)
        mine = _member_organisations(user)
        # The activities their organisations are partners on, gathered once (an organisation's own
        # partner rows, by index), not an EXISTS probed for each partners-only activity: 220 → 130 ms
        # for the map's year at national scale on SQLite (make bench).
        partnered = Partner.objects.filter(organisation__in=mine).values("activity_id")
        return self.filter(
            Q(visibility=Visibility.PUBLIC) | Q(lead__in=mine) | Q(visibility=Visibility.PARTNERS, pk__in=partnered)
        )

    def in_year(self, year: int) -> "ActivityQuerySet":
        """Activities whose period overlaps reporting year `year` (2020 for 2020/21)."""
        return self.filter(start_date__lte=years.end(year)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=years.start(year))
        )

    def involving(self, organisation: Organisation | int) -> "ActivityQuerySet":
        """Led by `organisation` or with it as a partner of any role."""
        return self.filter(pk__in=Partner.objects.filter(organisation=organisation).values("activity_id"))


class Activity(models.Model):
    """One piece of partnership work between organisations, recorded once."""

    title = models.CharField(max_length=250, validators=[no_control_characters])
    kind = models.CharField(max_length=40, choices=Kind.choices, db_index=True)
    lead = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="led_activities")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Leave empty for work that is still going on.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    description = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    visitors = models.PositiveIntegerField(null=True, blank=True, help_text="People who saw it.")
    participants = models.PositiveIntegerField(null=True, blank=True, help_text="People who took part.")
    objects_count = models.PositiveIntegerField("objects involved", null=True, blank=True)
    funding_amount = models.DecimalField(
        "funding (£)", max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    funder = models.CharField(
        max_length=200, blank=True, help_text="Who funded it, if anyone.", validators=[no_control_characters]
    )
    themes = models.CharField(
        max_length=300, blank=True, help_text="Separate themes with commas.", validators=[no_control_characters]
    )
    not_pre_planned = models.BooleanField(
        "not pre-planned",
        default=False,
        help_text="Created in response to an emergency, such as the pandemic.",
    )
    digital = models.BooleanField(default=False, help_text="Delivered online or with a digital product.")
    evidence_links = models.TextField(
        blank=True,
        help_text="Web addresses of reports, press or photos, one a line.",
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PARTNERS)
    external_ref = models.CharField(
        "reference",
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text="Your own reference for it, e.g. from a spreadsheet; imports match on it.",
        validators=[no_control_characters],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    FIELDS: ClassVar[tuple[str, ...]] = (
        "title",
        "kind",
        "lead",
        "start_date",
        "end_date",
        "status",
        "description",
        "visitors",
        "participants",
        "objects_count",
        "funding_amount",
        "funder",
        "themes",
        "not_pre_planned",
        "digital",
        "evidence_links",
        "visibility",
        "external_ref",
    )

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["start_date", "end_date"]),
            models.Index(fields=["visibility", "-start_date"]),
            models.Index(fields=["lead", "-start_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="activity_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("activities:detail", args=[self.pk])

    @property
    def area(self) -> Area:
        return AREA_OF_KIND[self.kind]

    def reporting_years(self, today: date | None = None) -> list[str]:
        return [years.label(y) for y in years.overlapping(self.start_date, self.end_date, today)]

    def theme_list(self) -> list[str]:
        return [theme.strip() for theme in self.themes.split(",") if theme.strip()]

    def evidence_list(self) -> list[str]:
        return [line.strip() for line in self.evidence_links.splitlines() if line.strip()]

    def is_international(self) -> bool:
        """Any place outside the UK (needs `places` loaded, or costs a query)."""
        return any(not place.is_uk for place in self.places.all())


class Partner(models.Model):
    """An organisation's part in an activity, and what it alone records: its venue and reach."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="partnerships")
    role = models.CharField(max_length=12, choices=PartnerRole.choices, default=PartnerRole.PARTNER)
    venue = models.ForeignKey(Venue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    visitors = models.PositiveIntegerField(null=True, blank=True, help_text="People who saw it at your venue.")
    participants = models.PositiveIntegerField(
        null=True, blank=True, help_text="People from your organisation who took part."
    )

    DETAIL_FIELDS: ClassVar[tuple[str, ...]] = ("venue", "visitors", "participants")

    class Meta:
        ordering = ["activity", "role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "organisation"], name="one_partner_row_per_organisation")
        ]
        indexes = [models.Index(fields=["organisation", "activity"])]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class Place(Located):
    """Where an activity happened: an organisation's site, a local authority, or a country abroad.

    The geography (district, region, nation) is copied in when the place is recorded, so that
    counting by place is a GROUP BY on GSS codes with no geometry work.
    """

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="places")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    venue = models.ForeignKey(Venue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=200, validators=[no_control_characters])

    class Meta:
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return self.name


class NetworkKind(models.TextChoices):
    FORMAL = "formal", "Formal network"
    SUBJECT_SPECIALIST = "subject_specialist", "Subject specialist network"


class Network(models.Model):
    name = models.CharField(max_length=200, unique=True, validators=[no_control_characters])
    kind = models.CharField(max_length=20, choices=NetworkKind.choices, default=NetworkKind.FORMAL)
    description = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    website = models.URLField(max_length=300, blank=True)
    coordinator = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="coordinated_networks"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NetworkMembership(models.Model):
    """An organisation's membership of a network in one reporting year (2020 for 2020/21)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="network_memberships")
    year = models.PositiveSmallIntegerField(help_text="The reporting year it starts in: 2020 for 2020/21.")

    class Meta:
        ordering = ["network", "-year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "organisation", "year"], name="one_membership_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.network}, {years.label(self.year)}"


def first_met(
    organisations: Any, this_year: "models.QuerySet[Activity]", before: date
) -> models.QuerySet[Organisation]:
    """Partners in `this_year`'s activities that no work of `organisations` started before `before`
    involved (cancelled work aside), never `organisations` themselves: their new partners.

    Plain IN subqueries, each run once: quick for a museum and its sites, whose earlier partners are
    a few thousand rows. For every national museum at once, whose earlier partners are most of the
    register, `met_before` asks the same of each partner instead."""
    theirs = Partner.objects.filter(organisation__in=organisations).values("activity_id")
    earlier = Activity.objects.filter(start_date__lt=before, pk__in=theirs).exclude(status=Status.CANCELLED)
    return (
        Organisation.objects.filter(pk__in=Partner.objects.filter(activity__in=this_year).values("organisation_id"))
        .exclude(pk__in=Partner.objects.filter(activity__in=earlier).values("organisation_id").distinct())
        .exclude(pk__in=organisations)
    )


def met_before(organisations: Any, before: date) -> Exists:
    """Whether the organisation in the outer query took part in work of `organisations` started
    before `before` (cancelled work aside): `first_met`'s rule, asked of one organisation.

    An EXISTS that follows the organisation's own partner rows and stops at the first such work.
    When `organisations` are many (all the national museums), most partners were met long ago and
    stop at once, and the earlier partners of all of them (550,000 rows at national scale) are never
    gathered; for a single museum, `first_met`'s sets are quicker."""
    # The work's partners are found by the work (a few rows), then checked against `organisations`:
    # "+ 0" keeps SQLite from seeking the (organisation, activity) index once for each of them.
    theirs = Partner.objects.alias(member=F("organisation_id") + 0).filter(
        activity=OuterRef("activity"), member__in=organisations
    )
    earlier = (
        Partner.objects.filter(organisation=OuterRef("pk"), activity__start_date__lt=before)
        .exclude(activity__status=Status.CANCELLED)
        .filter(Exists(theirs))
    )
    return Exists(earlier)


def new_partners(organisation: Organisation | int, year: int) -> models.QuerySet[Organisation]:
    """Organisations `organisation` worked with in `year` and never before (a derived fact)."""
    pk = getattr(organisation, "pk", organisation)
    return first_met([pk], Activity.objects.in_year(year).involving(pk), years.start(year))
