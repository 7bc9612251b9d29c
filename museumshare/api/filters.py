"""The list filters of the API: the web pages' own filter forms, read from the query string.

The directory and the register filter with DirectoryFilterForm and ActivityFilterForm; the API
hands the query string to the same form and calls the same `filter`, so a list in the API and
on the website can never disagree. Two differences suit a client better than a person: a value
the form refuses is a 400 naming the parameter, not quietly ignored; and organisations are
given by id.
"""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request

from museumshare.activities.forms import SharedMatcher
from museumshare.activities.models import Network, NetworkKind
from museumshare.api.serializers import OrganisationsById, form_errors
from museumshare.organisations.forms import OrganisationField

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
