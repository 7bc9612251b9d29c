from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django_countries.fields import CountryField

from museumshare.core.text import LONG_TEXT, fold, no_control_characters, no_control_characters_but_line_breaks


class Kind(models.TextChoices):
    MUSEUM = "museum", "Museum"
    GALLERY = "gallery", "Gallery"
    HISTORIC_HOUSE = "historic_house", "Historic house"
    UNIVERSITY = "university", "University"
    SCHOOL = "school", "School"
    LIBRARY_ARCHIVE = "library_archive", "Library or archive"
    CHARITY = "charity", "Charity"
    COMMUNITY_GROUP = "community_group", "Community group"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    OTHER = "other", "Other"


class Governance(models.TextChoices):
    """The Mapping Museums governance vocabulary, as it appears in its data."""

    NATIONAL = "Government-National", "National"
    LOCAL_AUTHORITY = "Government-Local_Authority", "Local authority"
    GOVERNMENT_OTHER = "Government-Other", "Other government"
    CADW = "Government-Cadw", "Cadw"
    NOT_FOR_PROFIT = "Independent-Not_for_profit", "Independent, not for profit"
    PRIVATE = "Independent-Private", "Independent, private"
    NATIONAL_TRUST = "Independent-National_Trust", "National Trust"
    NATIONAL_TRUST_SCOTLAND = "Independent-National_Trust_for_Scotland", "National Trust for Scotland"
    ENGLISH_HERITAGE = "Independent-English_Heritage", "English Heritage"
    HISTORIC_ENVIRONMENT_SCOTLAND = (
        "Independent-Historic_Environment_Scotland",
        "Historic Environment Scotland",
    )
    INDEPENDENT_UNKNOWN = "Independent-Unknown", "Independent, type unknown"
    UNIVERSITY = "University", "University"
    UNKNOWN = "Unknown", "Unknown"


class Accreditation(models.TextChoices):
    ACCREDITED = "accredited", "Accredited"
    UNACCREDITED = "unaccredited", "Unaccredited"


class Size(models.TextChoices):
    """Annual visits, as Mapping Museums defines its size classes."""

    SMALL = "small", "Small (up to 10,000 visits)"
    MEDIUM = "medium", "Medium (10,000 to 50,000)"
    LARGE = "large", "Large (50,000 to 1 million)"
    HUGE = "huge", "Huge (over 1 million)"
    UNKNOWN = "unknown", "Unknown"


class Nation(models.TextChoices):
    ENGLAND = "England"
    SCOTLAND = "Scotland"
    WALES = "Wales"
    NORTHERN_IRELAND = "Northern Ireland"


class Located(models.Model):
    """An address and where it falls in the ONS geography; shared by organisations and venues."""

    address_line_1 = models.CharField(max_length=200, blank=True, validators=[no_control_characters])
    address_line_2 = models.CharField(max_length=200, blank=True, validators=[no_control_characters])
    town = models.CharField(max_length=100, blank=True, validators=[no_control_characters])
    postcode = models.CharField(max_length=12, blank=True, validators=[no_control_characters])
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    country = CountryField(default="GB")
    nation = models.CharField(max_length=20, choices=Nation.choices, blank=True)
    region_code = models.CharField(
        "region code", max_length=9, blank=True, db_index=True, validators=[no_control_characters]
    )
    region_name = models.CharField("region", max_length=100, blank=True, validators=[no_control_characters])
    upper_tier_code = models.CharField(
        "upper-tier local authority code", max_length=9, blank=True, validators=[no_control_characters]
    )
    upper_tier_name = models.CharField(
        "upper-tier local authority", max_length=100, blank=True, validators=[no_control_characters]
    )
    district_code = models.CharField(
        "local authority code", max_length=9, blank=True, db_index=True, validators=[no_control_characters]
    )
    district_name = models.CharField("local authority", max_length=100, blank=True, validators=[no_control_characters])

    # Worked out from the point, never typed in.
    GEOGRAPHY_FIELDS: ClassVar[tuple[str, ...]] = (
        "region_code",
        "region_name",
        "upper_tier_code",
        "upper_tier_name",
        "district_code",
        "district_name",
    )
    LOCATION_FIELDS: ClassVar[tuple[str, ...]] = (
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "latitude",
        "longitude",
        "country",
        "nation",
        *GEOGRAPHY_FIELDS,
    )

    class Meta:
        abstract = True

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def is_uk(self) -> bool:
        return bool(self.nation)

    def address_lines(self) -> list[str]:
        lines = [self.address_line_1, self.address_line_2, self.town, self.postcode]
        return [line for line in lines if line]


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def edited_by(self, user: Any) -> "OrganisationQuerySet":
        """The organisations `user` edits for (see EDITING_ROLES); none for someone signed out."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__role__in=EDITING_ROLES)

    def search(self, query: str) -> "OrganisationQuerySet":
        """Name, alias or town containing every word of `query`, ignoring accents and case."""
        qs = self
        for word in fold(query).split():
            qs = qs.filter(search_text__contains=word)
        return qs

    def national_bodies(self) -> "OrganisationQuerySet":
        return self.filter(is_national=True, national_group__isnull=True)

    def open(self) -> "OrganisationQuerySet":
        return self.filter(year_closed__isnull=True)


class Organisation(Located):
    name = models.CharField(max_length=200, validators=[no_control_characters])
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MUSEUM)
    governance = models.CharField(max_length=50, choices=Governance.choices, blank=True)
    is_national = models.BooleanField("national museum", default=False, db_index=True)
    national_group = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="national_sites",
        help_text="The national body this site belongs to, e.g. Science Museum Group.",
    )
    partnership_report = models.BooleanField(
        "reports to the Museum Partnership Report",
        default=False,
        help_text="One of the national museums whose returns make the annual report.",
    )
    sponsor = models.CharField("sponsoring department", max_length=100, blank=True, validators=[no_control_characters])
    accreditation = models.CharField(max_length=20, choices=Accreditation.choices, blank=True)
    size = models.CharField(max_length=10, choices=Size.choices, blank=True)
    subject = models.CharField(
        max_length=120, blank=True, help_text="Mapping Museums subject.", validators=[no_control_characters]
    )
    year_opened = models.PositiveSmallIntegerField(null=True, blank=True)
    year_closed = models.PositiveSmallIntegerField(null=True, blank=True)
    website = models.URLField(max_length=300, blank=True)
    external_id = models.CharField(
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text="Identifier in the source register, e.g. a Mapping Museums museum_id.",
        validators=[no_control_characters],
    )
    aliases = models.TextField(
        blank=True,
        help_text="Other names, one per line.",
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )
    description = models.TextField(blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks])
    offers_loans = models.TextField(
        "loans we offer", blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks]
    )
    offers_programmes = models.TextField(
        "programmes we run", blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks]
    )
    offers_expertise = models.TextField(
        "expertise we share", blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks]
    )
    how_to_start = models.TextField(
        "how to start a partnership",
        blank=True,
        max_length=LONG_TEXT,
        validators=[no_control_characters_but_line_breaks],
    )
    needs_review = models.BooleanField(default=False, db_index=True)
    review_notes = models.TextField(
        blank=True, max_length=LONG_TEXT, validators=[no_control_characters_but_line_breaks]
    )
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    # What the importer writes; everything else is maintained by people.
    REGISTER_FIELDS: ClassVar[tuple[str, ...]] = (
        "name",
        "kind",
        "governance",
        "is_national",
        "accreditation",
        "size",
        "subject",
        "year_opened",
        "year_closed",
        "website",
        "aliases",
        *Located.LOCATION_FIELDS,
        "needs_review",
        "review_notes",
        "search_text",
    )
    OFFER_FIELDS: ClassVar[tuple[str, ...]] = (
        "description",
        "website",
        "offers_loans",
        "offers_programmes",
        "offers_expertise",
        "how_to_start",
    )

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["nation", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", args=[self.slug])

    @property
    def is_closed(self) -> bool:
        return self.year_closed is not None

    @property
    def is_national_body(self) -> bool:
        return self.is_national and self.national_group_id is None

    @property
    def has_offer(self) -> bool:
        return any(getattr(self, name) for name in ("offers_loans", "offers_programmes", "offers_expertise"))

    def subject_display(self) -> str:
        return ": ".join(part.replace("_", " ") for part in self.subject.split("-", 1))

    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    def make_search_text(self) -> str:
        return fold(" ".join([self.name, *self.alias_list(), self.town]))


class Venue(Located):
    """A site of an organisation where objects can go and activity can happen."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(max_length=200, validators=[no_control_characters])
    site = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The site's own entry in the register, where it has one.",
    )

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "site"], name="venue_site_once_per_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})" if self.name != self.organisation.name else self.name


class ContactQuerySet(models.QuerySet["Contact"]):
    def public(self) -> "ContactQuerySet":
        return self.filter(listed_publicly=True)


class Contact(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=150, validators=[no_control_characters])
    role = models.CharField(
        max_length=150, help_text="For example Head of Partnerships, or Registrar.", validators=[no_control_characters]
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True, validators=[no_control_characters])
    listed_publicly = models.BooleanField(
        "agreed to be listed publicly",
        default=False,
        help_text="Only contacts who have agreed are shown to people outside the organisation.",
    )
    is_partnership_lead = models.BooleanField(
        "Head of Partnerships",
        default=False,
        help_text="The person to contact first about partnerships.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    FIELDS: ClassVar[tuple[str, ...]] = ("name", "role", "email", "phone", "listed_publicly", "is_partnership_lead")

    class Meta:
        ordering = ["-is_partnership_lead", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.role}"


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    LEAD = "lead", "Partnership lead"


# Who counts as an editor of an organisation: the one statement of it. `Membership.can_edit` asks it
# of one membership, `MembershipQuerySet.editing` of many, organisations.rules.is_editor of a person.
EDITING_ROLES = (Role.EDITOR, Role.LEAD)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def editing(self) -> "MembershipQuerySet":
        """The memberships that let their people edit for their organisation."""
        return self.filter(role__in=EDITING_ROLES)


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    accepts_messages = models.BooleanField(
        "receives messages from other museums",
        default=False,
        help_text="Other museums may email this person through museumshare about needs and offers.",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_organisation")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.organisation}"

    @property
    def can_edit(self) -> bool:
        return self.role in EDITING_ROLES
