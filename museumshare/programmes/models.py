"""Skills-sharing programmes: their members, the opportunities they and museums offer, who applies
and takes part, mentoring, events with minutes and actions, co-produced displays and the
knowledge-exchange library.

Every filled opportunity, mentoring pair, event and co-produced display is recorded once in the
register of partnership activity (`activity`), through the activities services.
"""

from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from museumshare.activities.models import Activity, Kind, sees_everything
from museumshare.core.files import UploadValidator
from museumshare.core.text import LONG_TEXT, no_control_characters, no_control_characters_but_line_breaks
from museumshare.organisations.models import Organisation


class SkillsArea(models.TextChoices):
    COLLECTIONS_CARE = "collections_care", "Collections care"
    CURATORIAL = "curatorial", "Curatorial"
    CONSERVATION = "conservation", "Conservation"
    REGISTRATION = "registration", "Registration and loans"
    LEARNING = "learning", "Learning and engagement"
    DIGITAL = "digital", "Digital"
    EXHIBITIONS = "exhibitions", "Exhibitions and display"
    FRONT_OF_HOUSE = "front_of_house", "Front of house and visitor experience"
    LEADERSHIP = "leadership", "Leadership and management"
    FUNDRAISING = "fundraising", "Fundraising and development"
    MARKETING = "marketing", "Marketing and communications"
    RESEARCH = "research", "Research"


class ProgrammeStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def visible_to(self, user: Any) -> "ProgrammeQuerySet":
        """What `user` may see, as the rules say (`programmes.view_programme`), in one query: public
        programmes; those their organisations lead or are members of today; all, for analysts and
        administrators."""
        if sees_everything(user):
            return self
        if not user.is_authenticated:
            return self.filter(public=True)
        mine = user.memberships.values("organisation_id")
        today = date.today()
        members = ProgrammeMember.objects.filter(organisation__in=mine, joined__lte=today).filter(
            Q(left__isnull=True) | Q(left__gt=today)
        )
        return self.filter(Q(public=True) | Q(lead__in=mine) | Q(pk__in=members.values("programme_id")))


class Programme(models.Model):
    """A skills-sharing programme run by a lead organisation with member museums."""

    name = models.CharField(max_length=200, unique=True, validators=[no_control_characters])
    slug = models.SlugField(max_length=220, unique=True)
    lead = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="led_programmes")
    theme = models.CharField(
        max_length=200,
        blank=True,
        help_text="A shared theme, such as 'What is a Portrait?'.",
        validators=[no_control_characters],
    )
    summary = models.CharField(
        max_length=300, help_text="One sentence saying what the programme is.", validators=[no_control_characters]
    )
    aims = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    funders = models.CharField(
        max_length=300, blank=True, help_text="Who funds it, separated by commas.", validators=[no_control_characters]
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.ACTIVE)
    public = models.BooleanField("public page", default=True, help_text="Anyone may see the programme's page.")
    website = models.URLField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    FIELDS: ClassVar[tuple[str, ...]] = (
        "name", "lead", "theme", "summary", "aims", "funders", "start_date", "end_date", "status", "public", "website",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", args=[self.slug])

    def current_members(self) -> models.QuerySet["ProgrammeMember"]:
        today = date.today()
        return self.members.filter(Q(left__isnull=True) | Q(left__gt=today), joined__lte=today)


class MemberRole(models.TextChoices):
    LEAD = "lead", "Lead partner"
    INITIATING = "initiating", "Initiating partner"
    PARTNER = "partner", "Partner"


class ProgrammeMember(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="programme_memberships")
    role = models.CharField(max_length=12, choices=MemberRole.choices, default=MemberRole.PARTNER)
    joined = models.DateField()
    left = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["programme", "joined", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "organisation"], name="one_membership_a_programme"),
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(left__gte=models.F("joined")), name="left_after_joined"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.programme}"


class OpportunityKind(models.TextChoices):
    PLACEMENT = "placement", "Placement"
    SECONDMENT = "secondment", "Secondment"
    STAFF_EXCHANGE = "staff_exchange", "Staff exchange"
    MENTORING = "mentoring", "Mentoring"
    PAID_INTERNSHIP = "paid_internship", "Paid internship"
    APPRENTICESHIP = "apprenticeship", "Apprenticeship"
    PEER_KNOWLEDGE_EXCHANGE = "peer_knowledge_exchange", "Peer knowledge exchange"
    SEMINAR = "seminar", "Seminar"
    WORKSHOP = "workshop", "Workshop"
    TRAINING_COURSE = "training_course", "Training course"


# How each kind of opportunity is counted in the register (and so in the annual return).
ACTIVITY_KIND: dict[str, str] = {
    OpportunityKind.PLACEMENT: Kind.PLACEMENT,
    OpportunityKind.SECONDMENT: Kind.PLACEMENT,
    OpportunityKind.STAFF_EXCHANGE: Kind.STAFF_EXCHANGE,
    OpportunityKind.MENTORING: Kind.MENTORING,
    OpportunityKind.PAID_INTERNSHIP: Kind.INTERNSHIP,
    OpportunityKind.APPRENTICESHIP: Kind.APPRENTICESHIP,
    OpportunityKind.PEER_KNOWLEDGE_EXCHANGE: Kind.PEER_KNOWLEDGE_EXCHANGE,
    OpportunityKind.SEMINAR: Kind.SECTOR_TRAINING,
    OpportunityKind.WORKSHOP: Kind.SECTOR_TRAINING,
    OpportunityKind.TRAINING_COURSE: Kind.SECTOR_TRAINING,
}


class Eligibility(models.TextChoices):
    MEMBERS = "members", "Staff of the programme's member museums only"
    UK_MUSEUMS = "uk_museums", "Staff of any UK museum"
    OPEN = "open", "Open to anyone"


class OpportunityStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    FILLED = "filled", "Filled"
    CANCELLED = "cancelled", "Cancelled"


def taking_applications(today: date, via: str = "") -> Q:
    """Whether an opportunity is taking applications on `today`, in SQL: open, and its closing date
    not past (`via` reaches the opportunity from another model, such as "opportunities__").
    `Opportunity.why_closed` is the same rule for one opportunity, in words."""
    return Q(**{f"{via}status": OpportunityStatus.OPEN}) & (
        Q(**{f"{via}closing_date__isnull": True}) | Q(**{f"{via}closing_date__gte": today})
    )


class OpportunityQuerySet(models.QuerySet["Opportunity"]):
    def published(self) -> "OpportunityQuerySet":
        """What anyone may see: everything but drafts."""
        return self.exclude(status=OpportunityStatus.DRAFT)

    def open_for_applications(self, today: date | None = None) -> "OpportunityQuerySet":
        return self.filter(taking_applications(today or date.today()))

    def with_counts(self) -> "OpportunityQuerySet":
        """Each with `taken` (participants) and `applied` (applications not withdrawn), counted in SQL."""
        return self.annotate(
            taken=Count("participations", distinct=True),
            applied=Count("applications", filter=~Q(applications__status="withdrawn"), distinct=True),
        )


class Opportunity(models.Model):
    """A place on a placement, internship, seminar..., offered by a programme or a museum on its own."""

    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="opportunities"
    )
    host = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="hosted_opportunities")
    kind = models.CharField(max_length=30, choices=OpportunityKind.choices)
    title = models.CharField(max_length=200, validators=[no_control_characters])
    description = models.TextField(max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    skills_area = models.CharField(max_length=20, choices=SkillsArea.choices)
    places = models.PositiveSmallIntegerField("places available", default=1, validators=[MinValueValidator(1)])
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    duration = models.CharField(
        max_length=100,
        blank=True,
        help_text="In words, such as '12 weeks, 3 days a week'.",
        validators=[no_control_characters],
    )
    paid = models.BooleanField(default=False)
    pay = models.CharField(
        max_length=100,
        blank=True,
        help_text="Such as '£12.60 an hour (London Living Wage)'.",
        validators=[no_control_characters],
    )
    online = models.BooleanField(default=False, help_text="Takes place online.")
    location = models.CharField(
        max_length=200, blank=True, help_text="Where it takes place, if not online.", validators=[no_control_characters]
    )
    eligibility = models.CharField(max_length=12, choices=Eligibility.choices, default=Eligibility.UK_MUSEUMS)
    closing_date = models.DateField(null=True, blank=True, help_text="The last day to apply.")
    status = models.CharField(max_length=10, choices=OpportunityStatus.choices, default=OpportunityStatus.DRAFT)
    contact_email = models.EmailField(blank=True, help_text="Where applicants can ask questions.")
    is_demo = models.BooleanField("demo", default=False)
    activity = models.OneToOneField(
        Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunity"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OpportunityQuerySet.as_manager()

    FIELDS: ClassVar[tuple[str, ...]] = (
        "programme", "host", "kind", "title", "description", "skills_area", "places", "start_date", "end_date",
        "duration", "paid", "pay", "online", "location", "eligibility", "closing_date", "status", "contact_email",
    )  # fmt: skip

    class Meta:
        ordering = ["closing_date", "start_date", "id"]
        verbose_name_plural = "opportunities"
        indexes = [models.Index(fields=["status", "closing_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="opportunity_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:opportunity", args=[self.pk])

    def accepts_applications(self, today: date | None = None) -> bool:
        return self.why_closed(today) == ""

    def status_label(self, today: date | None = None) -> str:
        """The status in words, with an open opportunity past its closing date called closed."""
        if self.status == OpportunityStatus.OPEN and not self.accepts_applications(today):
            return str(OpportunityStatus.CLOSED.label)
        return self.get_status_display()

    def why_closed(self, today: date | None = None) -> str:
        """Why no one can apply now, in words for the applicant; empty when they can."""
        today = today or date.today()
        if self.status == OpportunityStatus.FILLED:
            return "All the places on this opportunity have been filled, so it is not taking applications."
        if self.status == OpportunityStatus.CANCELLED:
            return "This opportunity has been cancelled, so it is not taking applications."
        if self.status == OpportunityStatus.DRAFT:
            return "This opportunity is not open for applications yet."
        if self.status == OpportunityStatus.CLOSED:
            return "This opportunity has closed, so it is not taking applications."
        if self.closing_date is not None and self.closing_date < today:
            return f"Applications closed on {self.closing_date:%-d %B %Y}, so it is not taking applications."
        return ""

    @property
    def activity_kind(self) -> str:
        return ACTIVITY_KIND[self.kind]


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    SHORTLISTED = "shortlisted", "Shortlisted"
    OFFERED = "offered", "Offered a place"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"


# Where an application still waits on someone; the rest are decided.
APPLICATION_OPEN = (ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED, ApplicationStatus.OFFERED)


class Application(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Where the applicant works.",
    )
    statement = models.TextField(
        help_text="Why the applicant wants the place and what they would bring.",
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )
    status = models.CharField(max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED)
    host_notes = models.TextField(
        blank=True,
        help_text="Private to the host: the applicant never sees them.",
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "applicant"], name="one_application_an_opportunity")
        ]

    def __str__(self) -> str:
        return f"{self.applicant} for {self.opportunity}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:application", args=[self.pk])

    def is_open(self) -> bool:
        return self.status in APPLICATION_OPEN


class ApplicationEvent(models.Model):
    """One step of an application's history, which the applicant and the host both see."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=ApplicationStatus.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(
        blank=True,
        help_text="A message the applicant sees.",
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_status_display()}"


class Outcome(models.TextChoices):
    ONGOING = "ongoing", "Taking part"
    COMPLETED = "completed", "Completed"
    LEFT_EARLY = "left_early", "Left early"


Score = [MinValueValidator(1), MaxValueValidator(5)]


class Participation(models.Model):
    """Someone taking part in an opportunity, and what they and the host made of it."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="participations")
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="participation"
    )
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="participations"
    )
    name = models.CharField(max_length=200, validators=[no_control_characters])
    home = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where the participant works.",
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.ONGOING)
    # The participant's evaluation
    skills_gained = models.TextField(
        blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks]
    )
    confidence_before = models.PositiveSmallIntegerField(null=True, blank=True, validators=Score)
    confidence_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=Score)
    would_recommend = models.BooleanField(null=True, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    # The host's evaluation
    host_feedback = models.TextField(
        blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks]
    )
    host_rating = models.PositiveSmallIntegerField(null=True, blank=True, validators=Score)
    host_evaluated_at = models.DateTimeField(null=True, blank=True)
    # The participant's story, published only with their consent, which they may withdraw
    story = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    story_consent = models.BooleanField(default=False)
    story_published_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField("demo", default=False)

    EVALUATION_FIELDS: ClassVar[tuple[str, ...]] = (
        "skills_gained", "confidence_before", "confidence_after", "would_recommend",
    )  # fmt: skip
    HOST_EVALUATION_FIELDS: ClassVar[tuple[str, ...]] = ("host_feedback", "host_rating")

    class Meta:
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return f"{self.name} on {self.opportunity}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:participation", args=[self.pk])

    @property
    def host(self) -> Organisation:
        return self.opportunity.host

    def story_is_published(self) -> bool:
        return bool(self.story_consent and self.story_published_at and self.story)


class MentoringPair(models.Model):
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="mentoring_pairs"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentor_name = models.CharField(max_length=200, validators=[no_control_characters])
    mentor_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentee_name = models.CharField(max_length=200, validators=[no_control_characters])
    mentee_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    goals = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    is_demo = models.BooleanField("demo", default=False)
    activity = models.OneToOneField(
        Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentoring_pair"
    )

    FIELDS: ClassVar[tuple[str, ...]] = (
        "programme", "mentor", "mentor_name", "mentor_organisation", "mentee", "mentee_name", "mentee_organisation",
        "goals", "start_date", "end_date",
    )  # fmt: skip

    class Meta:
        ordering = ["-start_date", "mentee_name"]

    def __str__(self) -> str:
        return f"{self.mentor_name} mentoring {self.mentee_name}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:mentoring", args=[self.pk])


class MentoringMeeting(models.Model):
    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    minutes = models.PositiveSmallIntegerField("length (minutes)", null=True, blank=True)
    online = models.BooleanField(default=False)
    notes = models.TextField(
        blank=True,
        help_text="Seen only by the pair and the programme's managers.",
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.pair}, {self.date:%-d %B %Y}"


class EventKind(models.TextChoices):
    SEMINAR = "seminar", "Seminar"
    WORKSHOP = "workshop", "Workshop"
    WEBINAR = "webinar", "Webinar"
    LEADS_MEETING = "leads_meeting", "Partnership leads' meeting"
    EXCHANGE_EVENT = "exchange_event", "Annual professional exchange event"


EVENT_ACTIVITY_KIND: dict[str, str] = {
    EventKind.SEMINAR: Kind.SECTOR_TRAINING,
    EventKind.WORKSHOP: Kind.SECTOR_TRAINING,
    EventKind.WEBINAR: Kind.SECTOR_TRAINING,
    EventKind.LEADS_MEETING: Kind.PEER_KNOWLEDGE_EXCHANGE,
    EventKind.EXCHANGE_EVENT: Kind.PEER_KNOWLEDGE_EXCHANGE,
}


class Audience(models.TextChoices):
    OPEN = "open", "Anyone signed in may register"
    MEMBERS = "members", "Staff of the programme's member museums only"


class EventQuerySet(models.QuerySet["Event"]):
    def visible_to(self, user: Any) -> "EventQuerySet":
        """What `user` may see (`programmes.view_event`), in one query: events outside a programme or
        in one they may see; those their organisations hold or they registered for; all, for analysts
        and administrators. The web pages, the API and every other list of events ask this."""
        if sees_everything(user):
            return self
        seen = Q(programme__isnull=True) | Q(programme__in=Programme.objects.visible_to(user))
        if not user.is_authenticated:
            return self.filter(seen)
        mine = user.memberships.values("organisation_id")
        registered = Registration.objects.filter(user=user).values("event_id")
        return self.filter(seen | Q(organiser__in=mine) | Q(pk__in=registered))


class Event(models.Model):
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    organiser = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="organised_events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    title = models.CharField(max_length=200, validators=[no_control_characters])
    description = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField(
        max_length=200, blank=True, help_text="The place, if it meets in person.", validators=[no_control_characters]
    )
    online_link = models.URLField(max_length=300, blank=True, help_text="Shown only to people who have registered.")
    agenda = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    capacity = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Leave empty for no limit.")
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.OPEN)
    minutes = models.TextField(
        blank=True,
        help_text="Seen by the programme's members and the people who came.",
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )
    is_demo = models.BooleanField("demo", default=False)
    activity = models.OneToOneField(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="event")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    FIELDS: ClassVar[tuple[str, ...]] = (
        "programme", "organiser", "kind", "title", "description", "starts_at", "ends_at", "location", "online_link",
        "agenda", "capacity", "audience",
    )  # fmt: skip

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:event", args=[self.pk])

    @property
    def activity_kind(self) -> str:
        return EVENT_ACTIVITY_KIND[self.kind]


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    attended = models.BooleanField(null=True, blank=True, help_text="Empty until the organiser records attendance.")

    class Meta:
        ordering = ["event", "registered_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_registration_an_event")]

    def __str__(self) -> str:
        return f"{self.user} at {self.event}"


class Action(models.Model):
    """An action agreed at a meeting: what, who, by when, and whether it is done."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300, validators=[no_control_characters])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_name = models.CharField(
        max_length=200, blank=True, help_text="Who will do it, if not a user here.", validators=[no_control_characters]
    )
    due_date = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)

    FIELDS: ClassVar[tuple[str, ...]] = ("description", "owner", "owner_name", "due_date", "done")

    class Meta:
        ordering = ["done", "due_date", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def owner_label(self) -> str:
        return self.owner_name or (str(self.owner) if self.owner else "")

    def is_overdue(self, today: date | None = None) -> bool:
        return not self.done and self.due_date is not None and self.due_date < (today or date.today())


class Display(models.Model):
    """A display or exhibition the programme's members produced together."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="displays")
    title = models.CharField(max_length=200, validators=[no_control_characters])
    host = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", help_text="Where it is shown.")
    partners = models.ManyToManyField(Organisation, blank=True, related_name="+", help_text="The co-producers.")
    description = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    opens = models.DateField()
    closes = models.DateField(null=True, blank=True)
    visitors = models.PositiveIntegerField(null=True, blank=True)
    activity = models.OneToOneField(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="display")

    FIELDS: ClassVar[tuple[str, ...]] = ("title", "host", "description", "opens", "closes", "visitors")

    class Meta:
        ordering = ["-opens", "title"]

    def __str__(self) -> str:
        return self.title


class ResourceKind(models.TextChoices):
    FILM = "film", "Film"
    GUIDE = "guide", "Guide"
    TOOLKIT = "toolkit", "Toolkit"
    REPORT = "report", "Report"
    RECORDING = "recording", "Recording of an event"
    TEMPLATE = "template", "Template"


class Resource(models.Model):
    """One item in the knowledge-exchange library: a film, guide or toolkit, public to all."""

    title = models.CharField(max_length=200, validators=[no_control_characters])
    kind = models.CharField(max_length=12, choices=ResourceKind.choices)
    description = models.TextField(max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    topic = models.CharField(max_length=100, blank=True, validators=[no_control_characters])
    skills_area = models.CharField(max_length=20, choices=SkillsArea.choices, blank=True)
    url = models.URLField("web address", max_length=500, blank=True)
    file = models.FileField(upload_to="resources/%Y/", blank=True, validators=[UploadValidator("programme_resource")])
    language = models.CharField(max_length=50, default="English", validators=[no_control_characters])
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="resources")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
        help_text="Who made it.",
    )
    published = models.DateField(default=date.today)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField("demo", default=False)

    FIELDS: ClassVar[tuple[str, ...]] = (
        "title", "kind", "description", "topic", "skills_area", "url", "language", "programme", "organisation",
        "published",
    )  # fmt: skip

    class Meta:
        ordering = ["-published", "title"]
        constraints = [models.CheckConstraint(condition=~Q(url="") | ~Q(file=""), name="resource_has_a_link_or_a_file")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:resource", args=[self.pk])

    def link(self) -> str:
        # An uploaded file is sent by its own view, never from a public media address.
        return reverse("programmes:resource_file", args=[self.pk]) if self.file else self.url
