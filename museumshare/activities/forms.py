"""Forms for activities: the web pages, the spreadsheet import and the API validate with these."""

from datetime import date
from typing import Any

from django import forms
from django.core.validators import URLValidator
from django_countries import countries

from museumshare.activities.models import Activity, PartnerRole, Status, Visibility, grouped_kind_choices
from museumshare.activities.services import PartnerSpec, PlaceSpec
from museumshare.core import geography
from museumshare.organisations.forms import OrganisationField, OrganisationMatcher
from museumshare.organisations.models import Organisation, Venue

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
        labels = {"kind": "Kind of activity", "external_ref": "Your reference"}
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
    visitors = forms.IntegerField(min_value=0, required=False, label="Visitors at your venue")
    participants = forms.IntegerField(min_value=0, required=False, label="People from your organisation who took part")

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = organisation.venues.all()  # type: ignore[attr-defined]
