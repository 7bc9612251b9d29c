"""What every part of the API shares: one shape for errors and its schema, the bounds of ids and
counts, and the helpers that read organisations and other records by id and word a form's errors."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from museumshare.core.services import Refused
from museumshare.organisations.forms import OrganisationMatcher
from museumshare.organisations.models import Organisation

# The largest id a database will look up; bigger numbers are refused before they reach it.
MAX_ID = 2**63 - 1
MAX_COUNT = 2**31 - 1


def always_present(fields: list[str]) -> dict[str, dict[str, Any]]:
    """Meta.extra_kwargs of an output serializer, so that the schema marks every field required.

    Every field is in every answer. read_only_fields would say so too, but would drop that a
    field may be blank, and the schema would refuse the "" an empty choice or address is.
    """
    return {name: {"required": True} for name in fields}


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text="What went wrong, in words.")


class ValidationErrorSerializer(ErrorSerializer):
    # A field, not the property: DRF's metaclass takes declared fields off the class.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=(
            "The problems with each field, keyed by its path: title, partners.0.organisation. "
            "Problems with the record as a whole are under non_field_errors."
        ),
    )


class OrganisationsById(OrganisationMatcher):
    """The forms read organisations from text; the API names them by id, so this matcher reads ids."""

    def find(self, text: str) -> Organisation:
        text = text.strip()
        organisation = Organisation.objects.filter(pk=int(text)).first() if text.isdigit() else None
        if organisation is None:
            raise forms.ValidationError(f"There is no organisation with the id {text}.")
        return organisation


def any_organisation(form: forms.BaseForm, name: str) -> None:
    """Let `form`'s field `name` take any organisation in the register, by id.

    A web form offers only the organisations its user may choose. Through the API the service
    decides who may act for which, so one that is not theirs is its 403 in its words, not the
    form's 400 "Select a valid choice".
    """
    form.fields[name] = forms.ModelChoiceField(queryset=Organisation.objects.all())


def form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    """A form's errors as DRF words them: by field, with whole-form errors as non_field_errors."""
    return {
        "non_field_errors" if name == NON_FIELD_ERRORS else name: [str(message) for message in messages]
        for name, messages in form.errors.items()
    }


def _by_id(model: type[models.Model], pk: int | None, what: str) -> Any:
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError(f"There is no {what} with the id {pk}.")
    return found


def _form_value(value: Any) -> Any:
    """A value as a bound form reads it: organisations and programmes by id, None as empty."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def form_data(
    model: type[models.Model], fields: Iterable[str], attrs: dict[str, Any], instance: models.Model | None
) -> dict[str, str]:
    """What a web form is given for the fields sent: each over the record's current value, or, for
    a new record, over the model's default, so that with PATCH only the fields sent change."""
    data: dict[str, str] = {}
    for name in fields:
        if name in attrs:
            value = attrs[name]
        elif instance is not None:
            value = getattr(instance, name)
        else:
            field = model._meta.get_field(name)
            assert isinstance(field, models.Field)
            value = field.get_default()
        data[name] = _form_value(value)
    return data


ERRORS = {
    400: OpenApiResponse(
        ValidationErrorSerializer, description="The data or a query parameter is not valid: `errors` says why."
    ),
    401: OpenApiResponse(ErrorSerializer, description="Not signed in, or the token is not valid."),
    403: OpenApiResponse(ErrorSerializer, description="Signed in, but not allowed to do this."),
    404: OpenApiResponse(ErrorSerializer, description="No such record, or one you may not see; or no such page."),
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: ERRORS[code] for code in codes}


def flatten_errors(detail: Any, path: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as one level: {"partners.0.organisation": ["..."]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat |= flatten_errors(value, f"{path}.{key}" if path else str(key))
        return flat
    if isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat |= flatten_errors(item, f"{path}.{index}" if path else str(index))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {path or "non_field_errors": [str(message) for message in messages]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with one shape for every error: `detail`, and `errors` by field for a 400."""
    if isinstance(exc, DjangoValidationError):
        # A model's own check, should one catch what the forms did not.
        exc = exceptions.ValidationError(as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        found = flatten_errors(exc.detail)
        count = sum(len(messages) for messages in found.values())
        problems = "1 problem" if count == 1 else f"{count} problems"
        response.data = {"detail": f"The data sent has {problems}; see errors.", "errors": found}
    return response


# Exempt, or a write to a wrong address would meet the CSRF check's HTML page before this.
@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any other address under the API: a 404 in JSON, not the website's HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)


@contextmanager
def service_refusals(at: str) -> Iterator[None]:
    """A service's refusal that names no field, as a 400 at the input `at` (a loan's step: "to").

    Everything else a service raises needs no translating: exception_handler answers a Refused by
    field, and DRF a NotPermitted as a 403 with its words."""
    try:
        yield
    except Refused as exc:
        if not hasattr(exc, "error_dict"):
            raise exceptions.ValidationError({at: exc.messages}) from exc
        raise
