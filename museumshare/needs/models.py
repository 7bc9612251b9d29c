"""Needs and offers: what a museum needs (a loan, a skill, advice, a partner) and what one offers.

A need moves from open to in conversation when someone starts a conversation about it, and to met
when the work starts, with the activity or loan that met it linked. Each move is a `NeedEvent`;
each conversation a `Conversation`. Public needs and offers are on the board for anyone; private
ones are seen only by their organisation's people, analysts and administrators.
"""

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from museumshare.activities.models import Activity, sees_everything
from museumshare.activities.models import Kind as ActivityKind
from museumshare.core.text import LONG_TEXT, no_control_characters, no_control_characters_but_line_breaks
from museumshare.loans.models import Loan
from museumshare.needs import subjects
from museumshare.organisations.models import Membership, Organisation
from museumshare.programmes.models import SkillsArea


class Kind(models.TextChoices):
    """What is needed or offered; the same words serve both ("Loans of objects")."""

    LOANS = "loans", "Loans of objects"
    SKILLS = "skills", "Skills and training"
    ADVICE = "advice", "Advice and expertise"
    PROJECT_PARTNER = "project_partner", "A partner for a project or a funding bid"
    PLACEMENT = "placement", "Placements and mentoring"
    SHARED_SERVICES = "shared_services", "Shared services, such as storage"


# Past work of each kind in the register: what an organisation has done for others before.
ACTIVITY_KINDS: dict[str, tuple[str, ...]] = {
    Kind.LOANS: (
        ActivityKind.LOAN_DISPLAY_UK,
        ActivityKind.LOAN_DISPLAY_INTERNATIONAL,
        ActivityKind.LONG_TERM_LOAN,
        ActivityKind.TOURING_EXHIBITION,
        ActivityKind.RESEARCH_LOAN,
    ),
    Kind.SKILLS: (ActivityKind.SECTOR_TRAINING, ActivityKind.PEER_KNOWLEDGE_EXCHANGE, ActivityKind.STAFF_EXCHANGE),
    Kind.ADVICE: (ActivityKind.ADVICE, ActivityKind.SUBJECT_SPECIALIST_NETWORK, ActivityKind.ACQUISITION_SUPPORT),
    Kind.PROJECT_PARTNER: (
        ActivityKind.CO_PRODUCED_EXHIBITION,
        ActivityKind.RESEARCH_PROJECT,
        ActivityKind.ACADEMIC_PARTNERSHIP,
        ActivityKind.COMMUNITY_PARTNERSHIP,
        ActivityKind.DIGITAL_PROJECT,
    ),
    Kind.PLACEMENT: (
        ActivityKind.PLACEMENT,
        ActivityKind.MENTORING,
        ActivityKind.INTERNSHIP,
        ActivityKind.APPRENTICESHIP,
    ),
    Kind.SHARED_SERVICES: (ActivityKind.SHARED_SERVICES,),
}


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: anyone can see it on the board"
    PRIVATE = "private", "Private: only your organisation’s people, analysts and administrators"


class NeedStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_CONVERSATION = "in_conversation", "In conversation"
    MET = "met", "Met"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Still looking for someone to meet it.
UNMET = (NeedStatus.OPEN, NeedStatus.IN_CONVERSATION)


class OfferStatus(models.TextChoices):
    OPEN = "open", "Open"
    WITHDRAWN = "withdrawn", "Withdrawn"


def _visible(qs: models.QuerySet[Any], user: Any) -> models.QuerySet[Any]:
    """The one rule for needs and offers: public ones to anyone; private ones to the people of the
    organisation that posted them, and to analysts and administrators."""
    if sees_everything(user):
        return qs
    if not user.is_authenticated:
        return qs.filter(visibility=Visibility.PUBLIC)
    mine = Membership.objects.filter(user=user).values("organisation_id")
    return qs.filter(Q(visibility=Visibility.PUBLIC) | Q(organisation__in=mine))


def _about(qs: models.QuerySet[Any], subject: str) -> models.QuerySet[Any]:
    # Subjects are a JSON list; a subject is matched as the quoted string it is stored as, which
    # works alike on SQLite and PostgreSQL (neither needs JSON containment).
    return qs.filter(subjects__icontains=f'"{subject}"')


class NeedQuerySet(models.QuerySet["Need"]):
    def visible_to(self, user: Any) -> "NeedQuerySet":
        return _visible(self, user)  # type: ignore[return-value]

    def unmet(self) -> "NeedQuerySet":
        return self.filter(status__in=UNMET)

    def about(self, subject: str) -> "NeedQuerySet":
        return _about(self, subject)  # type: ignore[return-value]


class OfferQuerySet(models.QuerySet["Offer"]):
    def visible_to(self, user: Any) -> "OfferQuerySet":
        return _visible(self, user)  # type: ignore[return-value]

    def open(self) -> "OfferQuerySet":
        return self.filter(status=OfferStatus.OPEN)

    def about(self, subject: str) -> "OfferQuerySet":
        return _about(self, subject)  # type: ignore[return-value]


class Posted(models.Model):
    """What a need and an offer share: who posted it, what it is about, and who may see it."""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    subjects = models.JSONField(
        default=list, blank=True, help_text="Mapping Museums subjects, such as Arts-Fine_and_decorative_arts."
    )
    # The programmes' skills areas, so a need compares with the opportunities that could meet it.
    skills_area = models.CharField(max_length=20, choices=SkillsArea.choices, blank=True)
    title = models.CharField(max_length=200, validators=[no_control_characters])
    description = models.TextField(max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    is_demo = models.BooleanField("demo", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def subject_labels(self) -> list[str]:
        return [subjects.label(subject) for subject in self.subjects]

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class Need(Posted):
    """What a museum needs from others, and, once met, the activity or loan that met it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="needs")
    starts = models.DateField("needed from", null=True, blank=True)
    ends = models.DateField("needed until", null=True, blank=True)
    status = models.CharField(max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN, db_index=True)
    met_activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    met_loan = models.ForeignKey(Loan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    met_at = models.DateTimeField(null=True, blank=True)

    objects = NeedQuerySet.as_manager()

    FIELDS: ClassVar[tuple[str, ...]] = (
        "organisation", "kind", "subjects", "skills_area", "title", "description", "starts", "ends", "visibility",
    )  # fmt: skip

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "kind"]), models.Index(fields=["visibility", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(starts__isnull=True) | Q(ends__gte=models.F("starts")),
                name="need_ends_after_it_starts",
            )
        ]

    def get_absolute_url(self) -> str:
        return reverse("needs:detail", args=[self.pk])

    @property
    def is_unmet(self) -> bool:
        return self.status in UNMET


class NeedEvent(models.Model):
    """One step of a need's history: what it became, when, who did it, and why."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=NeedStatus.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.need}: {self.get_status_display()}"


class Conversation(models.Model):
    """A message about a need from one organisation to another, as it was sent."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="conversations")
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_to = models.TextField(
        help_text="The addresses it went to, one a line.",
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )
    message = models.TextField(max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_organisation} to {self.to_organisation} about {self.need}"

    def recipients(self) -> list[str]:
        return [line for line in self.sent_to.splitlines() if line]


class Offer(Posted):
    """What a museum offers others: loans on a subject, skills, advice, places, shared services."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="offers")
    capacity = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="How many a year, such as 4 places."
    )
    regions = models.JSONField(
        "regions served", default=list, blank=True, help_text="ONS region codes; empty for the whole UK."
    )
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN, db_index=True)

    objects = OfferQuerySet.as_manager()

    FIELDS: ClassVar[tuple[str, ...]] = (
        "organisation", "kind", "subjects", "skills_area", "title", "description", "capacity", "regions",
        "visibility",
    )  # fmt: skip

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "kind"])]

    def get_absolute_url(self) -> str:
        return reverse("needs:offer", args=[self.pk])

    def serves(self, region_code: str) -> bool:
        return not self.regions or region_code in self.regions
