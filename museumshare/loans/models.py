"""Loans between museums, following Spectrum 5.0 "Loans out" and "Loans in".

A loan out of the lender and a loan in of the borrower are the same record seen from each side.
Its procedure is the status machine in `procedure.py`; this module holds the records.
"""

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from museumshare.activities.models import Activity, sees_everything
from museumshare.core.files import UploadValidator
from museumshare.core.text import LONG_TEXT, no_control_characters, no_control_characters_but_line_breaks
from museumshare.organisations.models import Membership, Organisation, Venue

LONG_LOAN_MONTHS = 18
GIS_MINIMUM_VALUE = Decimal("1000")


class LoansPolicy(models.Model):
    """What a lender publishes about lending, shown on its directory page and the request form."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="loans_policy")
    notice_weeks = models.PositiveSmallIntegerField(
        "notice needed (weeks)", default=26, help_text="How long before the loan starts a request should arrive."
    )
    minimum_months = models.PositiveSmallIntegerField("shortest loan (months)", null=True, blank=True)
    maximum_months = models.PositiveSmallIntegerField("longest loan (months)", null=True, blank=True)
    not_lent = models.TextField(
        "what we do not normally lend",
        blank=True,
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )
    costs = models.TextField(
        "costs we ask borrowers to meet",
        blank=True,
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )
    contact = models.TextField(
        "who to contact", blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks]
    )

    class Meta:
        verbose_name_plural = "loans policies"

    def __str__(self) -> str:
        return f"Loans policy of {self.organisation}"


class CollectionObject(models.Model):
    """A minimal object record: enough to lend it, never a collections management system."""

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="collection_objects")
    accession_number = models.CharField(max_length=60, validators=[no_control_characters])
    title = models.CharField(max_length=250, validators=[no_control_characters])
    object_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="What it is: painting, sampler, locomotive.",
        validators=[no_control_characters],
    )
    maker = models.CharField(max_length=200, blank=True, validators=[no_control_characters])
    date_made = models.CharField(
        "date", max_length=60, blank=True, help_text="As catalogued, e.g. c. 1790.", validators=[no_control_characters]
    )
    materials = models.CharField(max_length=200, blank=True, validators=[no_control_characters])
    dimensions = models.CharField(max_length=200, blank=True, validators=[no_control_characters])
    valuation = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Only people at the owning organisation see it.",
    )
    image = models.FileField(upload_to="objects/", blank=True, validators=[UploadValidator("object_image")])
    current_location = models.CharField(max_length=200, blank=True, validators=[no_control_characters])
    lendable = models.BooleanField(default=True, help_text="Offered to borrowers when they choose objects.")

    class Meta:
        ordering = ["owner", "accession_number"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "accession_number"], name="accession_number_unique_per_owner")
        ]

    def __str__(self) -> str:
        return f"{self.accession_number} {self.title}"


class FacilitiesReport(models.Model):
    """A venue's facilities, in the sections of the UK Registrars Group standard facilities report."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="facilities_reports")
    venue = models.ForeignKey(Venue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    building = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    security = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    environment = models.TextField(
        blank=True,
        help_text="Temperature, relative humidity and light, and how they are kept.",
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )
    fire = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    handling = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    insurance = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    completed_on = models.DateField()
    review_date = models.DateField(help_text="After this date the report must be renewed before it is used again.")

    SECTIONS: ClassVar[tuple[str, ...]] = ("building", "security", "environment", "fire", "handling", "insurance")

    class Meta:
        ordering = ["organisation", "-completed_on"]

    def __str__(self) -> str:
        where = self.venue.name if self.venue else self.organisation.name
        return f"Facilities report, {where}, {self.completed_on:%d %B %Y}"

    def is_in_date(self, on: date | None = None) -> bool:
        return (on or date.today()) <= self.review_date


class Purpose(models.TextChoices):
    EXHIBITION = "exhibition", "Exhibition display"
    LONG_TERM_DISPLAY = "long_term_display", "Long-term display"
    RESEARCH = "research", "Research"
    CONSERVATION = "conservation", "Conservation"
    PHOTOGRAPHY = "photography", "Photography"
    EDUCATION = "education", "Education"


DISPLAY_PURPOSES = (Purpose.EXHIBITION, Purpose.LONG_TERM_DISPLAY)


class Insurance(models.TextChoices):
    GOVERNMENT_INDEMNITY = "gis", "Government Indemnity Scheme"
    COMMERCIAL = "commercial", "Commercial insurance"
    BORROWER = "borrower", "The borrower's own insurance"


class Status(models.TextChoices):
    DRAFT = "draft", "Request drafted"
    REQUESTED = "requested", "Requested"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    UNDER_ASSESSMENT = "under_assessment", "Under assessment"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    AGREEMENT_SENT = "agreement_sent", "Agreement sent"
    AGREEMENT_SIGNED = "agreement_signed", "Agreement signed"
    IN_TRANSIT_OUT = "in_transit_out", "In transit to the borrower"
    ON_LOAN = "on_loan", "On loan"
    RETURN_DUE = "return_due", "Return due"
    IN_TRANSIT_BACK = "in_transit_back", "In transit back"
    RETURNED = "returned", "Returned"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CANCELLED = "cancelled", "Cancelled"


# Statuses in which a loan holds its objects: no other loan may take them for overlapping dates.
COMMITTED = (
    Status.APPROVED,
    Status.AGREEMENT_SENT,
    Status.AGREEMENT_SIGNED,
    Status.IN_TRANSIT_OUT,
    Status.ON_LOAN,
    Status.RETURN_DUE,
    Status.IN_TRANSIT_BACK,
)
# Statuses in which the objects are away from the lender.
AWAY = (Status.IN_TRANSIT_OUT, Status.ON_LOAN, Status.RETURN_DUE, Status.IN_TRANSIT_BACK)
FINISHED = (Status.RETURNED, Status.CLOSED, Status.DECLINED, Status.WITHDRAWN, Status.CANCELLED)


class LoanQuerySet(models.QuerySet["Loan"]):
    def overdue(self, on: date | None = None) -> "LoanQuerySet":
        """Past the agreed return date with the objects still away."""
        return self.filter(status__in=AWAY, agreed_end__lt=on or date.today())

    def involving(self, organisation: Organisation | int) -> "LoanQuerySet":
        return self.filter(Q(lender=organisation) | Q(borrower=organisation))

    def visible_to(self, user: Any) -> "LoanQuerySet":
        """Members (any role) of the lender or the borrower, analysts and administrators; nobody else."""
        if getattr(user, "is_superuser", False) or sees_everything(user):
            return self
        if not user.is_authenticated:
            return self.none()
        mine = Membership.objects.filter(user=user).values("organisation_id")
        # A draft is the borrower's until it is sent.
        return self.filter(Q(borrower__in=mine) | (Q(lender__in=mine) & ~Q(status=Status.DRAFT)))


# A reference is printed on letters, agreements and every PDF's footer, and typed into searches:
# letters, digits, spaces and / - . only, so it can never carry markup, a line break or a quote.
REFERENCE_PATTERN = r"\A[A-Za-z0-9][A-Za-z0-9 /.\-]*\Z"
reference_validator = RegexValidator(
    REFERENCE_PATTERN,
    "Enter a reference of letters, digits, spaces and / - . only, such as LO-2026-0042.",
    code="invalid_reference",
)


# Each period of a loan, and what to say when it ends before it starts: the one statement of the
# rule, which the web forms, the API and the importer all read through `Loan.period_problems`.
PERIODS = (
    ("requested_start", "requested_end", "Enter an end date on or after the start date."),
    ("agreed_start", "agreed_end", "Enter an agreed end date on or after the agreed start date."),
    ("exhibition_start", "exhibition_end", "Enter a closing date on or after the opening date."),
)


class Loan(models.Model):
    reference = models.CharField(
        max_length=40,
        help_text="The lender's numbering, e.g. LO-2026-0042.",
        validators=[no_control_characters, reference_validator],
    )
    lender = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="loans_out")
    borrower = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="loans_in")
    venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="Where the objects go."
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.EXHIBITION)
    exhibition_title = models.CharField(max_length=250, blank=True, validators=[no_control_characters])
    exhibition_start = models.DateField(null=True, blank=True)
    exhibition_end = models.DateField(null=True, blank=True)
    requested_start = models.DateField()
    requested_end = models.DateField()
    agreed_start = models.DateField(null=True, blank=True)
    agreed_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    insurance = models.CharField(max_length=12, choices=Insurance.choices, blank=True)
    courier_required = models.BooleanField(default=False)
    transport_method = models.CharField(max_length=200, blank=True, validators=[no_control_characters])
    credit_line = models.CharField(max_length=300, blank=True, validators=[no_control_characters])
    loan_fee = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    costs = models.TextField(
        "costs the borrower meets", blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks]
    )
    special_conditions = models.TextField(
        blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks]
    )
    visitors = models.PositiveIntegerField("visitors to the exhibition", null=True, blank=True)
    facilities_report = models.ForeignKey(
        FacilitiesReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="loans"
    )
    lender_signed_on = models.DateField("signed for the lender on", null=True, blank=True)
    borrower_signed_on = models.DateField("signed for the borrower on", null=True, blank=True)
    renewal_requested_end = models.DateField(
        "renewal asked for until", null=True, blank=True, help_text="A borrower's request to keep the objects longer."
    )
    activity = models.OneToOneField(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="loan")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LoanQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_start", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["lender", "reference"], name="loan_reference_unique_per_lender"),
            models.CheckConstraint(
                condition=Q(requested_end__gte=models.F("requested_start")), name="loan_requested_period"
            ),
        ]
        indexes = [
            models.Index(fields=["lender", "status"]),
            models.Index(fields=["borrower", "status"]),
            models.Index(fields=["status", "agreed_end"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.exhibition_title or self.get_purpose_display()}"

    def get_absolute_url(self) -> str:
        return reverse("loans:detail", args=[self.pk])

    def clean(self) -> None:
        problems = self.period_problems()
        if problems:
            raise ValidationError(problems)

    def period_problems(self) -> dict[str, list[str]]:
        """Each of the loan's periods that ends before it starts, by the field of its end."""
        problems = {}
        for start_field, end_field, message in PERIODS:
            start, end = getattr(self, start_field), getattr(self, end_field)
            if start and end and end < start:
                problems[end_field] = [message]
        return problems

    @property
    def start(self) -> date:
        return self.agreed_start or self.requested_start

    @property
    def end(self) -> date:
        return self.agreed_end or self.requested_end

    def months(self) -> int:
        """Whole months of the loan period (agreed, or requested until agreed)."""
        start, end = self.start, self.end
        months = (end.year - start.year) * 12 + end.month - start.month
        return months if end.day >= start.day else months - 1

    @property
    def is_long(self) -> bool:
        """A long loan is 18 months or more (the 2020/21 definition)."""
        return self.months() >= LONG_LOAN_MONTHS

    @property
    def is_for_display(self) -> bool:
        return self.purpose in DISPLAY_PURPOSES

    def is_overdue(self, on: date | None = None) -> bool:
        return self.status in AWAY and self.agreed_end is not None and self.agreed_end < (on or date.today())


class LoanObject(models.Model):
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="loan_objects")
    object = models.ForeignKey(CollectionObject, on_delete=models.PROTECT, related_name="loan_objects")
    valuation = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    condition = models.TextField(
        "condition when requested", blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks]
    )
    lux = models.PositiveSmallIntegerField("light (lux, at most)", null=True, blank=True)
    relative_humidity = models.CharField(
        "relative humidity (%)", max_length=20, blank=True, validators=[no_control_characters]
    )
    temperature = models.CharField("temperature (°C)", max_length=20, blank=True, validators=[no_control_characters])

    class Meta:
        ordering = ["loan", "object__accession_number"]
        constraints = [models.UniqueConstraint(fields=["loan", "object"], name="object_once_per_loan")]
        indexes = [models.Index(fields=["object", "loan"])]

    def __str__(self) -> str:
        return str(self.object)


class LoanEvent(models.Model):
    """One step of a loan's status history: what it became, when, who did it, and why."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=Status.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.loan.reference}: {self.get_status_display()}"


class DocumentKind(models.TextChoices):
    AGREEMENT = "agreement", "Loan agreement"
    FACILITIES_REPORT = "facilities_report", "Facilities report"
    CONDITION_REPORT = "condition_report", "Condition report"
    LETTER = "letter", "Letter"
    OTHER = "other", "Other"


class LoanDocument(models.Model):
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    title = models.CharField(max_length=200, validators=[no_control_characters])
    file = models.FileField(upload_to="loans/%Y/", validators=[UploadValidator("loan_document")])
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["loan", "-uploaded_at"]

    def __str__(self) -> str:
        return self.title


class Stage(models.TextChoices):
    DISPATCH = "dispatch", "At dispatch"
    ARRIVAL = "arrival", "On arrival"
    RETURN = "return", "On return"


class ConditionCheck(models.Model):
    loan_object = models.ForeignKey(LoanObject, on_delete=models.CASCADE, related_name="condition_checks")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    checked_on = models.DateField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    condition = models.TextField(
        help_text="What was seen: stable, or the changes since the last check.",
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )
    changed = models.BooleanField("changed since the last check", default=False)

    class Meta:
        ordering = ["loan_object", "checked_on", "id"]
        constraints = [models.UniqueConstraint(fields=["loan_object", "stage"], name="one_check_per_stage")]

    def __str__(self) -> str:
        return f"{self.loan_object}: {self.get_stage_display()}"


class LoanReminder(models.Model):
    """An overdue-return reminder sent about a loan: at most one a day, however often the command runs."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()
    recipients = models.TextField(
        help_text="The addresses it went to, one a line.",
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["loan", "-sent_on"]
        constraints = [models.UniqueConstraint(fields=["loan", "sent_on"], name="one_reminder_per_loan_a_day")]

    def __str__(self) -> str:
        return f"{self.loan.reference}: reminder of {self.sent_on:%d %B %Y}"
