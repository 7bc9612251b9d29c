"""The annual data collection: reporting years, the indicator catalogue, and each organisation's
return of values for a year, with where each value came from and its history."""

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from museumshare.activities.models import sees_everything
from museumshare.core import years
from museumshare.core.text import LONG_TEXT, no_control_characters, no_control_characters_but_line_breaks
from museumshare.organisations.models import Organisation


class YearStatus(models.TextChoices):
    NOT_OPEN = "not_open", "Not open"
    OPEN = "open", "Open for returns"
    CLOSED = "closed", "Closed"
    PUBLISHED = "published", "Published"


class ReportingYear(models.Model):
    """One round of the collection: 2020 for 2020/21 (1 April 2020 to 31 March 2021)."""

    year = models.PositiveSmallIntegerField(unique=True, help_text="The year it starts in: 2020 for 2020/21.")
    status = models.CharField(max_length=10, choices=YearStatus.choices, default=YearStatus.NOT_OPEN)
    deadline = models.DateField(null=True, blank=True, help_text="The day returns are due.")
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="reporting_years", help_text="The organisations asked for a return."
    )
    reminder_days = models.CharField(
        max_length=50,
        default="14,7,1",
        help_text="Days before the deadline to remind leads whose return is not submitted, separated by commas.",
        validators=[no_control_characters],
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("returns:year", args=[self.slug])

    @property
    def label(self) -> str:
        return years.label(self.year)

    @property
    def slug(self) -> str:
        return years.slug(self.year)

    @property
    def start(self) -> date:
        return years.start(self.year)

    @property
    def end(self) -> date:
        return years.end(self.year)

    def reminder_day_list(self) -> list[int]:
        return sorted({int(day) for day in self.reminder_days.split(",") if day.strip().isdigit()}, reverse=True)

    # The steps of a year, each asked by its service, the year's page and the report's publish page.

    def may_open(self) -> bool:
        """Not open yet, or closed and opened again to change what it locked."""
        return self.status in (YearStatus.NOT_OPEN, YearStatus.CLOSED)

    def is_open(self) -> bool:
        """Open for returns: the organisations complete theirs, and only an open year can be closed."""
        return self.status == YearStatus.OPEN

    def returns_are_final(self) -> bool:
        """Closed or published: no return of the year can change, so its report can be published."""
        return self.status in (YearStatus.CLOSED, YearStatus.PUBLISHED)

    def approved_status(self) -> "ReturnStatus":
        """What a return becomes when approved (or imported as approved): locked at once unless the year is open."""
        return ReturnStatus.APPROVED if self.is_open() else ReturnStatus.LOCKED


class Section(models.TextChoices):
    """The sections of the return, as the Museum Partnership Report groups its figures."""

    COLLECTIONS = "collections", "Sharing collections"
    SKILLS = "skills", "Sharing knowledge and skills"
    RESEARCH = "research", "Research"
    AUDIENCES = "audiences", "Audiences and outreach"
    PARTNERS = "partners", "Partners and resilience"


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def for_year(self, year: int) -> "IndicatorQuerySet":
        """The indicators that apply to reporting year `year`."""
        return self.filter(Q(first_year__isnull=True) | Q(first_year__lte=year)).filter(
            Q(last_year__isnull=True) | Q(last_year__gte=year)
        )


class Indicator(models.Model):
    """A figure the annual return asks for, with the rule that derives it from the register, if any."""

    code = models.SlugField(max_length=60, unique=True, help_text="Fixed: imports, exports and the API use it.")
    name = models.CharField(max_length=200, validators=[no_control_characters])
    definition = models.TextField(max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    unit = models.CharField(
        max_length=30, help_text="Such as loans, objects, people.", validators=[no_control_characters]
    )
    whole_number = models.BooleanField(default=True, help_text="Values are whole numbers of zero or more.")
    section = models.CharField(max_length=12, choices=Section.choices)
    position = models.PositiveSmallIntegerField(default=0, help_text="Its place in the return.")
    first_year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="First year it applies to.")
    last_year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Last year it applies to.")
    required = models.BooleanField(default=True, help_text="A return cannot be submitted without it.")
    rule = models.CharField(
        max_length=60,
        blank=True,
        help_text="The rule that derives it from the register (see the returns docs).",
        validators=[no_control_characters],
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved"
    LOCKED = "locked", "Locked"


# The statuses in which the organisation may still change its values.
EDITABLE = (ReturnStatus.DRAFT, ReturnStatus.RETURNED)
# The statuses whose values count in the report.
FINAL = (ReturnStatus.APPROVED, ReturnStatus.LOCKED)


class ReturnQuerySet(models.QuerySet["Return"]):
    def visible_to(self, user: Any) -> "ReturnQuerySet":
        """What `user` may see: their own organisations' returns; every return for analysts and
        administrators; anyone, the approved returns of a published year."""
        # Return.is_published is the same rule for one return.
        published = Q(year__status=YearStatus.PUBLISHED, status__in=FINAL)
        if sees_everything(user):
            return self
        if not user.is_authenticated:
            return self.filter(published)
        return self.filter(published | Q(organisation__memberships__user=user)).distinct()


class Return(models.Model):
    """One organisation's figures for one reporting year."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="returns")
    year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT)
    comments = models.TextField(
        blank=True,
        help_text="The organisation's notes on its return as a whole.",
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )
    review_comments = models.TextField(
        blank=True,
        help_text="The analyst's comments when returning it for changes.",
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReturnQuerySet.as_manager()

    class Meta:
        ordering = ["-year__year", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="one_return_a_year")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year.label}"

    def get_absolute_url(self) -> str:
        return reverse("returns:detail", args=[self.year.slug, self.organisation.slug])

    def is_editable(self) -> bool:
        return self.status in EDITABLE and self.year.is_open()

    def awaits_review(self) -> bool:
        return self.status == ReturnStatus.SUBMITTED

    def is_published(self) -> bool:
        """Approved in a published year, so anyone may see it (as ReturnQuerySet.visible_to filters)."""
        return self.year.status == YearStatus.PUBLISHED and self.status in FINAL


class Source(models.TextChoices):
    DERIVED = "derived", "Derived from the register"
    ENTERED = "entered", "Entered"
    IMPORTED = "imported", "Imported"


class ReturnValue(models.Model):
    """One indicator's value in a return, beside the value the register gives for it."""

    annual_return = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    derived = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="What the register gives."
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.DERIVED)
    reason = models.TextField(
        blank=True,
        help_text="Why the value differs from the register's.",
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )
    note = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    FIELDS: ClassVar[tuple[str, ...]] = ("value", "derived", "source", "reason", "note")

    class Meta:
        ordering = ["indicator__position", "indicator__code"]
        constraints = [models.UniqueConstraint(fields=["annual_return", "indicator"], name="one_value_an_indicator")]

    def __str__(self) -> str:
        return f"{self.indicator.code} = {self.value}"

    def differs(self) -> bool:
        """Entered or imported, and not what the register gives."""
        return self.derived is not None and self.value is not None and self.value != self.derived


class ReturnEvent(models.Model):
    """One step of a return's history: what it became, when, who did it, and their comment."""

    annual_return = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=10, choices=ReturnStatus.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.annual_return}: {self.get_status_display()}"


class ReturnReminder(models.Model):
    """A reminder sent about a return not yet submitted: at most one a day, however often the command runs."""

    annual_return = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()
    recipients = models.TextField(
        help_text="The addresses it went to, one a line.",
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )

    class Meta:
        ordering = ["annual_return", "-sent_on"]
        constraints = [models.UniqueConstraint(fields=["annual_return", "sent_on"], name="one_reminder_a_return_a_day")]

    def __str__(self) -> str:
        return f"{self.annual_return}: reminder of {self.sent_on:%-d %B %Y}"


def whole(value: Decimal | None) -> int | Decimal | None:
    """A value as people write it: 12, not 12.00."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()
