"""The list filters of the API: the web pages' own filter forms, read from the query string.

The directory and the register filter with DirectoryFilterForm and ActivityFilterForm; the API
hands the query string to the same form and calls the same `filter`, so a list in the API and
on the website can never disagree. Two differences suit a client better than a person: a value
the form refuses is a 400 naming the parameter, not quietly ignored; and organisations are
given by id.
"""

import re
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request

from museumshare.activities.forms import SharedMatcher
from museumshare.activities.models import Network, NetworkKind
from museumshare.api.common import MAX_ID, OrganisationsById, form_errors
from museumshare.core import geography, years
from museumshare.loans.models import Loan, Purpose
from museumshare.loans.models import Status as LoanStatus
from museumshare.organisations.forms import OrganisationField
from museumshare.organisations.models import Membership
from museumshare.programmes.models import (
    Event,
    EventKind,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    Programme,
    ProgrammeStatus,
    Resource,
    ResourceKind,
    SkillsArea,
)
from museumshare.returns.models import Indicator, Return, ReturnStatus, Section

# The forms' own order; the API sorts with `ordering`, as every DRF list does.
LEFT_TO_ORDERING = ("sort",)


class FormFilter(BaseFilterBackend):
    """Filters a list with the form the view names in `filter_form`, which has a `filter(qs)`."""

    def _form(self, view: Any, data: Any = None) -> forms.Form:
        form: forms.Form = view.filter_form(data)
        if isinstance(form, SharedMatcher):
            form.share_matcher(OrganisationsById())
        return form

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        names = [name for name in self._form(view).fields if name not in LEFT_TO_ORDERING]
        chosen = {name: request.query_params[name] for name in names if request.query_params.get(name)}
        if not chosen:
            return queryset
        form = self._form(view, chosen)
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        filtered: QuerySet[Any] = form.filter(queryset)  # type: ignore[attr-defined]
        return filtered

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": " ".join(str(text) for text in (field.label, field.help_text) if text),
                "schema": _schema_of(field),
            }
            for name, field in self._form(view).fields.items()
            if name not in LEFT_TO_ORDERING
        ]


def _schema_of(field: forms.Field) -> dict[str, Any]:
    if isinstance(field, OrganisationField):
        return {"type": "integer", "minimum": 1, "description": "An organisation's id."}
    if isinstance(field, forms.BooleanField):
        return {"type": "boolean"}
    if isinstance(field, forms.ChoiceField):
        return {"type": "string", "enum": [value for value in _values(field.choices) if value != ""]}
    return {"type": "string"}


def _values(choices: Any) -> list[Any]:
    """The values of choices, option groups flattened."""
    values = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            values.extend(_values(label))
        else:
            values.append(value)
    return values


class NetworkFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=NetworkKind.choices)

    class Meta:
        model = Network
        fields = ["kind"]


@extend_schema_field(OpenApiTypes.INT)
class OrganisationIdFilter(django_filters.NumberFilter):
    """An organisation's id, as a whole number in the range a database can look up."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class LoanFilter(django_filters.FilterSet):
    side = django_filters.ChoiceFilter(
        choices=[("out", "Loans out: lent by an organisation you belong to"), ("in", "Loans in: borrowed by one")],
        method="filter_side",
        label="Loans out (lent by your organisations) or in (borrowed by them)",
    )
    status = django_filters.ChoiceFilter(choices=LoanStatus.choices)
    purpose = django_filters.ChoiceFilter(choices=Purpose.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Past the agreed end, objects still away")
    lender = OrganisationIdFilter(field_name="lender_id", label="The lender's id")
    borrower = OrganisationIdFilter(field_name="borrower_id", label="The borrower's id")

    class Meta:
        model = Loan
        fields = ["side", "status", "purpose", "overdue", "lender", "borrower"]

    def filter_side(self, queryset: QuerySet[Loan], name: str, value: str) -> QuerySet[Loan]:
        user = self.request.user if self.request else None
        if user is None or not user.is_authenticated:
            # A visitor belongs to no organisation: nothing is theirs, out or in.
            return queryset.none()
        mine = Membership.objects.filter(user=user).values("organisation_id")
        return queryset.filter(lender__in=mine) if value == "out" else queryset.filter(borrower__in=mine)

    def filter_overdue(self, queryset: QuerySet[Loan], name: str, value: bool | None) -> QuerySet[Loan]:
        if value is None:
            return queryset
        overdue = Loan.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


class ProgrammeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ProgrammeStatus.choices)

    class Meta:
        model = Programme
        fields = ["status"]


class OpportunityFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OpportunityKind.choices)
    skills_area = django_filters.ChoiceFilter(choices=SkillsArea.choices)
    region = django_filters.ChoiceFilter(
        field_name="host__region_code", choices=geography.regions, label="Where the host is: an ONS region code"
    )
    paid = django_filters.BooleanFilter()
    programme = django_filters.CharFilter(field_name="programme__slug", max_length=220, label="A programme's slug")
    open = django_filters.BooleanFilter(
        method="filter_open", label="Taking applications now: open, and its closing date not past"
    )
    closing_before = django_filters.DateFilter(
        field_name="closing_date", lookup_expr="lte", label="Closing on or before this date"
    )
    status = django_filters.ChoiceFilter(choices=OpportunityStatus.choices)
    host = OrganisationIdFilter(field_name="host_id", label="The host's id")

    class Meta:
        model = Opportunity
        fields = ["kind", "skills_area", "region", "paid", "programme", "open", "closing_before", "status", "host"]

    def filter_open(self, queryset: QuerySet[Opportunity], name: str, value: bool | None) -> QuerySet[Opportunity]:
        if value is None:
            return queryset
        accepting = Opportunity.objects.open_for_applications().values("pk")
        return queryset.filter(pk__in=accepting) if value else queryset.exclude(pk__in=accepting)


class EventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=EventKind.choices)
    programme = django_filters.CharFilter(field_name="programme__slug", max_length=220, label="A programme's slug")
    upcoming = django_filters.BooleanFilter(method="filter_upcoming", label="Not yet over (true), or over (false)")

    class Meta:
        model = Event
        fields = ["kind", "programme", "upcoming"]

    def filter_upcoming(self, queryset: QuerySet[Event], name: str, value: bool | None) -> QuerySet[Event]:
        if value is None:
            return queryset
        over = Q(ends_at__lt=timezone.now()) | Q(ends_at__isnull=True, starts_at__lt=timezone.now())
        return queryset.exclude(over) if value else queryset.filter(over)


class ResourceFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ResourceKind.choices)
    skills_area = django_filters.ChoiceFilter(choices=SkillsArea.choices)
    programme = django_filters.CharFilter(field_name="programme__slug", max_length=220, label="A programme's slug")
    language = django_filters.CharFilter(lookup_expr="iexact", max_length=50, label="Such as English or Welsh")

    class Meta:
        model = Resource
        fields = ["kind", "skills_area", "programme", "language"]


class ReportingYearFormField(forms.CharField):
    """A reporting year as a filter writes it, 2024-25 (or 2024/25): the year it starts in."""

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return years.parse(text)
        except ValueError as problem:
            # The problem quotes what was sent, which may hold a "%": a parameter, never part of the format.
            raise forms.ValidationError("%(problem)s Enter it like 2024-25.", params={"problem": problem}) from None


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2024-25"})
class ReportingYearFilter(django_filters.Filter):
    field_class = ReportingYearFormField


class IndicatorFilter(django_filters.FilterSet):
    section = django_filters.ChoiceFilter(choices=Section.choices)
    year = ReportingYearFilter(method="filter_year", label="The indicators a reporting year asks for, such as 2024-25")

    class Meta:
        model = Indicator
        fields = ["section", "year"]

    def filter_year(self, queryset: QuerySet[Indicator], name: str, value: int) -> QuerySet[Indicator]:
        return queryset.filter(pk__in=Indicator.objects.for_year(value).values("pk"))


class ReturnFilter(django_filters.FilterSet):
    year = ReportingYearFilter(field_name="year__year", label="The reporting year, such as 2024-25")
    organisation = django_filters.CharFilter(
        method="filter_organisation", max_length=220, label="The organisation's id or slug"
    )
    status = django_filters.ChoiceFilter(choices=ReturnStatus.choices)

    class Meta:
        model = Return
        fields = ["year", "organisation", "status"]

    def filter_organisation(self, queryset: QuerySet[Return], name: str, value: str) -> QuerySet[Return]:
        if re.fullmatch(r"[0-9]+", value):
            # An id no database could hold matches nothing, rather than failing the lookup.
            return queryset.filter(organisation_id=int(value)) if int(value) <= MAX_ID else queryset.none()
        return queryset.filter(organisation__slug=value)
