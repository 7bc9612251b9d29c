"""Forms for activities: the web pages, the spreadsheet import and the API validate with these."""

from datetime import date
from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.db.models import Q
from django_countries import countries

from museumshare.activities.models import (
    KINDS_BY_AREA,
    Activity,
    ActivityQuerySet,
    Area,
    Kind,
    Partner,
    PartnerRole,
    Place,
    Status,
    Visibility,
    grouped_kind_choices,
)
from museumshare.activities.services import PartnerSpec, PlaceSpec
from museumshare.core import geography, years
from museumshare.core.files import UploadValidator
from museumshare.organisations.forms import OrganisationField, OrganisationMatcher
from museumshare.organisations.models import Nation, Organisation, Venue


class CountField(forms.IntegerField):
    """A whole number of people or objects, typed as people write it: 4,250 or 4250."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"})
    default_error_messages = {
        "invalid": "Enter a whole number, like 4,250.",
        "min_value": "Enter a number of 0 or more.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = value.replace(",", "").replace(" ", "")
        return super().to_python(value)


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SharedMatcher:
    """Lets every organisation box on a form, or a whole import, share one OrganisationMatcher."""

    fields: dict[str, forms.Field]

    def share_matcher(self, matcher: OrganisationMatcher | None) -> None:
        if matcher is None:
            return
        for field in self.fields.values():
            if isinstance(field, OrganisationField):
                field.matcher = matcher


class ActivityForm(forms.ModelForm[Activity], SharedMatcher):
    lead = OrganisationField(
        label="Lead organisation",
        help_text="Start typing a name, then choose from the list.",
        error_messages={"required": "Enter the organisation that leads this work."},
    )

    class Meta:
        model = Activity
        fields = [name for name in Activity.FIELDS if name != "lead"]
        widgets = {
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 5}),
            "evidence_links": forms.Textarea(attrs={"rows": 3}),
            "kind": forms.Select(choices=grouped_kind_choices()),
        }
        labels = {"kind": "Kind of activity", "external_ref": "Your reference", "visibility": "Who can see it"}
        field_classes = {"visitors": CountField, "participants": CountField, "objects_count": CountField}
        error_messages = {
            "title": {"required": "Enter a title, such as the exhibition's name."},
            "kind": {"required": "Choose what kind of activity this is."},
            "start_date": {
                "required": "Enter the date it started.",
                "invalid": "Enter a real date, like 1 April 2020.",
            },
            "end_date": {"invalid": "Enter a real date, like 31 March 2021."},
        }

    def __init__(self, *args: Any, matcher: OrganisationMatcher | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.share_matcher(matcher)
        self.fields["kind"].widget.choices = [("", "Choose a kind"), *grouped_kind_choices()]
        self.fields["status"].initial = Status.ACTIVE
        self.fields["visibility"].initial = Visibility.PARTNERS
        self.fields["start_date"].initial = date.today
        self.order_fields(["title", "kind", "lead"])

    def clean_lead(self) -> Organisation:
        lead = self.cleaned_data["lead"]
        if lead is None:
            raise forms.ValidationError("Enter the organisation that leads this work.")
        # The lead is typed, not chosen from a model field, so the instance gets it here for validation.
        self.instance.lead = lead
        return lead  # type: ignore[no-any-return]

    def clean_evidence_links(self) -> str:
        links = [line.strip() for line in self.cleaned_data["evidence_links"].splitlines() if line.strip()]
        check = URLValidator(schemes=["http", "https"])
        for link in links:
            try:
                check(link)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"'{link}' is not a web address; give each one in full, starting https://"
                ) from None
        return "\n".join(links)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        for name, day in (("start_date", start), ("end_date", end)):
            if day and not years.FIRST <= day.year <= years.LAST:
                self.add_error(name, f"Enter a date between {years.FIRST} and {years.LAST}.")
        if start and end and end < start:
            self.add_error("end_date", "Enter an end date on or after the start date.")
        return data

    def activity_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in Activity.FIELDS}


class PartnerRowForm(forms.Form, SharedMatcher):
    organisation = OrganisationField(label="Partner organisation", required=False)
    role = forms.ChoiceField(
        choices=[c for c in PartnerRole.choices if c[0] != PartnerRole.LEAD], initial=PartnerRole.PARTNER
    )

    def __init__(self, *args: Any, matcher: OrganisationMatcher | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.share_matcher(matcher)


class PlaceRowForm(forms.Form, SharedMatcher):
    organisation = OrganisationField(
        label="At an organisation", required=False, help_text="A museum or other organisation's site."
    )
    local_authority = forms.ChoiceField(label="Or in a UK local authority", required=False)
    country = forms.ChoiceField(label="Or in a country abroad", required=False)

    def __init__(self, *args: Any, matcher: OrganisationMatcher | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.share_matcher(matcher)
        self.fields["local_authority"].choices = [("", "None")] + [  # type: ignore[attr-defined]
            (d.code, d.name) for d in geography.districts()
        ]
        self.fields["country"].choices = [("", "None")] + [  # type: ignore[attr-defined]
            (code, name) for code, name in countries if code != "GB"
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [name for name in ("organisation", "local_authority", "country") if data.get(name)]
        if len(given) > 1:
            raise forms.ValidationError("Give one of an organisation, a local authority or a country for each place.")
        return data

    def spec(self) -> PlaceSpec | None:
        data = self.cleaned_data
        if data.get("organisation"):
            return PlaceSpec(organisation=data["organisation"])
        if data.get("local_authority"):
            return PlaceSpec(district_code=data["local_authority"])
        if data.get("country"):
            return PlaceSpec(country=data["country"])
        return None


# Give the formsets form_kwargs={"matcher": matcher} so every row shares one OrganisationMatcher.
PartnerFormSet = forms.formset_factory(PartnerRowForm, extra=2, max_num=200)
PlaceFormSet = forms.formset_factory(PlaceRowForm, extra=1, max_num=200)


def partner_specs(formset: forms.BaseFormSet[Any]) -> list[PartnerSpec]:
    return [
        (form.cleaned_data["organisation"], form.cleaned_data["role"])
        for form in formset.forms
        if form.cleaned_data.get("organisation")
    ]


def place_specs(formset: forms.BaseFormSet[Any]) -> list[PlaceSpec]:
    return [spec for form in formset.forms if (spec := form.spec()) is not None]


class PartnerDetailsForm(forms.Form):
    """What a partner records about its own part: its venue and its reach."""

    venue = forms.ModelChoiceField(
        queryset=Venue.objects.none(), required=False, empty_label="Not at one of our venues"
    )
    visitors = CountField(required=False, label="Visitors at your venue")
    participants = CountField(required=False, label="People from your organisation who took part")

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = organisation.venues.all()  # type: ignore[attr-defined]


ACTIVITY_SORTS = {
    "newest": (("-start_date", "-id"), "Start date (newest first)"),
    "oldest": (("start_date", "id"), "Start date (oldest first)"),
    "title": (("title", "id"), "Title (A to Z)"),
}
FIRST_REPORTING_YEAR = 2010


def _or_any(choices: Any) -> list[Any]:
    return [("", "Any"), *choices]


def reporting_year_choices(today: date | None = None) -> list[tuple[str, str]]:
    """Reporting years as the filter offers them, newest first: ("2020-21", "2020/21")."""
    latest = years.of(today or date.today()) + 1
    return [(years.slug(year), years.label(year)) for year in range(latest, FIRST_REPORTING_YEAR - 1, -1)]


class ActivityFilterForm(forms.Form, SharedMatcher):
    """The register's search and filters; every field optional, all carried in the URL."""

    q = forms.CharField(label="Title or description", required=False)
    kind = forms.ChoiceField(label="Kind of activity", required=False, choices=_or_any(grouped_kind_choices()))
    area = forms.ChoiceField(label="Report area", required=False, choices=_or_any(Area.choices))
    year = forms.ChoiceField(label="Reporting year", required=False)
    organisation = OrganisationField(
        label="Organisation involved", required=False, help_text="Leading it or a partner in it."
    )
    partner = OrganisationField(label="Partner organisation", required=False, help_text="A partner, not the lead.")
    nation = forms.ChoiceField(label="Nation", required=False, choices=_or_any(Nation.choices))
    region = forms.ChoiceField(label="Region", required=False)
    local_authority = forms.ChoiceField(label="Local authority", required=False)
    status = forms.ChoiceField(required=False, choices=_or_any(Status.choices))
    visibility = forms.ChoiceField(label="Who can see it", required=False, choices=_or_any(Visibility.choices))
    national = forms.BooleanField(label="A national museum is involved", required=False)
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=[(key, label) for key, (_, label) in ACTIVITY_SORTS.items()]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.share_matcher(OrganisationMatcher())
        self.fields["year"].choices = _or_any(reporting_year_choices())  # type: ignore[attr-defined]
        self.fields["region"].choices = _or_any(geography.regions())  # type: ignore[attr-defined]
        self.fields["local_authority"].choices = _or_any(  # type: ignore[attr-defined]
            [(d.code, d.name) for d in geography.districts()]
        )

    def chosen(self) -> dict[str, Any]:
        """The filters in use that are valid; a mistyped organisation leaves the others working."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "", False)}

    def filter(self, qs: ActivityQuerySet) -> ActivityQuerySet:
        data = self.chosen()
        for word in data.get("q", "").split():
            qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
        for name in ("kind", "status", "visibility"):
            if name in data:
                qs = qs.filter(**{name: data[name]})
        if "area" in data:
            qs = qs.filter(kind__in=[kind.value for kind in KINDS_BY_AREA[Area(data["area"])]])
        if "year" in data:
            qs = qs.in_year(years.parse(data["year"]))
        if "organisation" in data:
            qs = qs.involving(data["organisation"])
        if "partner" in data:
            partnered = Partner.objects.filter(organisation=data["partner"]).exclude(role=PartnerRole.LEAD)
            qs = qs.filter(pk__in=partnered.values("activity_id"))
        for name, lookup in (("nation", "nation"), ("region", "region_code"), ("local_authority", "district_code")):
            if name in data:
                # IN, not EXISTS: the few matching places drive the query from their index.
                qs = qs.filter(pk__in=Place.objects.filter(**{lookup: data[name]}).values("activity_id"))
        if "national" in data:
            nationals = Partner.objects.filter(organisation__is_national=True)
            qs = qs.filter(pk__in=nationals.values("activity_id"))
        return qs.order_by(*ACTIVITY_SORTS[data.get("sort", "newest")][0])

    def _described(self) -> list[tuple[str, str, str]]:
        """(name, field label, value in words) of each filter in use."""
        described = []
        for name, value in self.chosen().items():
            if name == "sort":
                continue
            field = self.fields[name]
            if isinstance(value, Organisation):
                text = value.name
            elif name == "kind":
                text = Kind(value).label
            elif value is True:
                text = "yes"
            elif isinstance(field, forms.ChoiceField):
                text = str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
            else:
                text = str(value)
            described.append((name, str(field.label), text))
        return described

    def active_filters(self) -> list[tuple[str, str]]:
        """(field label, chosen value in words) of each filter in use, for the results summary."""
        return [(label, text) for _, label, text in self._described()]

    def name_parts(self) -> list[str]:
        """Words for a download's file name: museumshare-activities-laing-art-gallery-2020-21-…"""
        special = {"year": self.chosen().get("year", ""), "national": "national museums"}
        # Whose activities they are comes first, then the rest in the order of the form.
        described = sorted(self._described(), key=lambda d: d[0] not in ("organisation", "partner"))
        return [special.get(name, text) for name, _, text in described]


IMPORT_MAX_BYTES = 10 * 1024 * 1024


class ActivityImportForm(forms.Form):
    """The upload of a spreadsheet of activities; the importer checks what is in it."""

    file = forms.FileField(
        label="Spreadsheet of activities",
        help_text="A CSV file saved as CSV UTF-8, or an Excel workbook (.xlsx), up to 10 MB.",
        error_messages={
            "required": "Choose a CSV or Excel file to import.",
            "empty": "The file is empty: choose the spreadsheet of activities.",
        },
    )
    skip_invalid = forms.BooleanField(
        label="Skip invalid rows",
        required=False,
        help_text="Import the rows without errors and set the others aside to correct. "
        "Otherwise nothing is imported while any row has an error.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The file must be a CSV file (.csv) or an Excel workbook (.xlsx).")
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 10 MB: split it into smaller files.")
        UploadValidator("import_spreadsheet")(upload)
        return upload
