"""The map's filters: every one optional, all carried in the URL so a map can be shared."""

from typing import Any

from django import forms

from museumshare.activities.forms import reporting_year_choices
from museumshare.activities.models import Kind, grouped_kind_choices
from museumshare.atlas.aggregate import MEASURES, Filters
from museumshare.core import years
from museumshare.organisations.forms import OrganisationField
from museumshare.organisations.models import Organisation

LEVEL_LABELS = {
    "nation": "Nations",
    "region": "Regions",
    "upper_tier": "Counties and unitary authorities",
    "district": "Local authorities",
}
# What one area of a level is called, in a sentence or a file name.
LEVEL_NOUNS = {
    "nation": "nation",
    "region": "region",
    "upper_tier": "county or unitary authority",
    "district": "local authority",
}
SCOPES = {"all": "In the UK and abroad", "uk": "In the UK only", "international": "Abroad only"}
COLD_SPOT_BASES = {
    "loans": "No loans received",
    "activities": "No partnership activity",
}
SORTS = {
    "value": "Highest figure first",
    "value_asc": "Lowest figure first",
    "name": "Area name (A to Z)",
    "name_desc": "Area name (Z to A)",
}
DEFAULTS = {"level": "region", "measure": "activities", "scope": "all", "cold": "loans", "sort": "value"}


class MapFilterForm(forms.Form):
    level = forms.ChoiceField(label="Areas", choices=list(LEVEL_LABELS.items()), required=False)
    measure = forms.ChoiceField(label="Figure", choices=list(MEASURES.items()), required=False)
    year = forms.ChoiceField(label="Reporting year", required=False, help_text="Or the first year of a range.")
    year_to = forms.ChoiceField(
        label="To reporting year", required=False, help_text="For a range of years: the last year."
    )
    kind = forms.ChoiceField(label="Kind of activity", required=False, choices=[("", "Any"), *grouped_kind_choices()])
    national = forms.ModelChoiceField(
        label="National museum",
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label="Any",
        help_text="Its loans and the work it leads.",
    )
    organisation = OrganisationField(
        label="Or another organisation",
        required=False,
        help_text="Lending or leading. Start typing a name, then choose from the list.",
    )
    scope = forms.ChoiceField(label="Where the work happened", choices=list(SCOPES.items()), required=False)
    flows = forms.BooleanField(label="Show loans as lines from lender to venue", required=False)
    needs = forms.BooleanField(
        label="Show unmet needs",
        required=False,
        help_text="Where museums have asked others for help, by the areas the map shows: the list under the map "
        "gives the same.",
    )
    cold = forms.ChoiceField(
        label="Cold spots",
        choices=list(COLD_SPOT_BASES.items()),
        required=False,
        help_text="Local authorities with museums but, in these years:",
    )
    sort = forms.ChoiceField(label="Sort the table by", choices=list(SORTS.items()), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["national"].queryset = Organisation.objects.national_bodies().order_by("name")  # type: ignore[attr-defined]
        choices = reporting_year_choices()
        self.fields["year"].choices = [("", "Any"), *choices]  # type: ignore[attr-defined]
        self.fields["year_to"].choices = [("", "Same year"), *choices]  # type: ignore[attr-defined]
        # Messages a person can act on, whatever was typed into the address.
        for name, message in (
            ("level", "Choose nations, regions, counties or local authorities."),
            ("measure", "Choose a figure from the list, such as Activities."),
            ("year", "Choose a reporting year from the list, like 2020/21."),
            ("year_to", "Choose a reporting year from the list, like 2021/22."),
            ("kind", "Choose a kind of activity from the list."),
            ("national", "Choose a national museum from the list."),
            ("scope", "Choose UK and abroad, UK only or abroad only."),
            ("cold", "Choose how cold spots are found: no loans or no activity."),
            ("sort", "Choose how to sort the table."),
        ):
            self.fields[name].error_messages["invalid_choice"] = message

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, default in DEFAULTS.items():
            if not data.get(name) and name not in self.errors:
                data[name] = default
        first, last = data.get("year"), data.get("year_to")
        if first and last and years.parse(last) < years.parse(first):
            self.add_error("year_to", f"Choose a last year of {years.label(years.parse(first))} or later.")
        if data.get("national") and data.get("organisation"):
            self.add_error("organisation", "Choose a national museum or type another organisation, not both.")
        return data

    def filters(self) -> Filters:
        """The chosen filters as the map's figures take them; call after is_valid()."""
        data = self.cleaned_data
        first = years.parse(data["year"]) if data.get("year") else None
        last = years.parse(data["year_to"]) if data.get("year_to") else first
        return Filters(
            year_from=first,
            year_to=last,
            kind=data.get("kind") or "",
            organisation=self.chosen_organisation(),
            scope=data["scope"],
        )

    def chosen_organisation(self) -> Organisation | None:
        chosen: Organisation | None = self.cleaned_data.get("national") or self.cleaned_data.get("organisation")
        return chosen

    def years_label(self) -> str:
        """'2020/21', '2020/21 to 2022/23', 'up to 2022/23' or 'all years'."""
        filters = self.filters()
        if filters.year_from is None and filters.year_to is None:
            return "all years"
        if filters.year_from is None and filters.year_to is not None:
            return f"up to {years.label(filters.year_to)}"
        if filters.year_from == filters.year_to or filters.year_to is None:
            return years.label(filters.year_from or 0)
        return f"{years.label(filters.year_from or 0)} to {years.label(filters.year_to)}"

    def described(self) -> list[tuple[str, str]]:
        """(label, value in words) of each filter that narrows the figures, for the summary."""
        data, described = self.cleaned_data, []
        described.append(("Reporting years", self.years_label()))
        if data.get("kind"):
            described.append(("Kind of activity", str(Kind(data["kind"]).label)))
        organisation = self.chosen_organisation()
        if organisation is not None:
            described.append(("Organisation", organisation.name))
        if data["scope"] != "all":
            described.append(("Where", SCOPES[data["scope"]]))
        return described

    def name_parts(self) -> list[str]:
        """Words for a download's file name: museumshare-map-objects-lent-by-local-authority-2020-21-…"""
        data = self.cleaned_data
        filters = self.filters()
        parts = ["map", MEASURES[data["measure"]], "by " + LEVEL_NOUNS[data["level"]]]
        if filters.year_from is not None or filters.year_to is not None:
            parts.append(self.years_label().replace("/", "-"))
        if data.get("kind"):
            parts.append(str(Kind(data["kind"]).label))
        organisation = self.chosen_organisation()
        if organisation is not None:
            parts.append(organisation.name)
        if data["scope"] != "all":
            parts.append(data["scope"])
        return parts
