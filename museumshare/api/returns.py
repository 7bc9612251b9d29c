"""The annual data collection in the API: the indicator catalogue, the reporting years and the returns.

The catalogue and the reporting years are public; a return is seen by its organisation's people and
the analysts, and by anyone once its year is published (Return.objects.visible_to). Its review (the
analysts' comments and its history) is for the organisation and the analysts: the view's
"sees_review" decides. Values are numbers: whole numbers for the indicators that count things,
others to two decimal places. Writes are the returns services', which check the rules again.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from museumshare.api.common import always_present, errors
from museumshare.api.filters import IndicatorFilter, ReturnFilter
from museumshare.api.inputs import StrictInput
from museumshare.api.organisations import OrganisationRefSerializer
from museumshare.core import years
from museumshare.returns import services as returns_services
from museumshare.returns.models import Indicator, ReportingYear, Return, ReturnEvent, ReturnStatus, ReturnValue
from museumshare.returns.services import Entry


def indicator_number(value: Decimal | None, whole_number: bool) -> int | float | None:
    """A stored value as JSON gives it: 12, not "12.00"; 12.5 for an indicator that is not counted."""
    if value is None:
        return None
    return int(value) if whole_number else float(value)


def _year_label(year: int | None) -> str | None:
    return None if year is None else years.label(year)


class IndicatorSerializer(serializers.ModelSerializer[Indicator]):
    url = serializers.HyperlinkedIdentityField(view_name="api:indicator-detail", lookup_field="code")
    first_year = serializers.SerializerMethodField(
        help_text="The first reporting year it applies to, such as 2024/25; null if it has always applied."
    )
    last_year = serializers.SerializerMethodField(
        help_text="The last reporting year it applies to; null if it still applies."
    )
    derived = serializers.SerializerMethodField(
        help_text="Whether museumshare derives its value from the register (each return shows it beside the value)."
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "url",
            "name",
            "definition",
            "unit",
            "section",
            "position",
            "whole_number",
            "required",
            "first_year",
            "last_year",
            "derived",
        ]
        extra_kwargs = always_present(fields)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_first_year(self, indicator: Indicator) -> str | None:
        return _year_label(indicator.first_year)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_last_year(self, indicator: Indicator) -> str | None:
        return _year_label(indicator.last_year)

    def get_derived(self, indicator: Indicator) -> bool:
        return bool(indicator.rule)


class ReturnCountsSerializer(serializers.Serializer[Any]):
    """How many of a year's returns are at each status."""

    draft = serializers.IntegerField()
    submitted = serializers.IntegerField()
    returned = serializers.IntegerField(help_text="Returned to the organisation for changes.")
    approved = serializers.IntegerField()
    locked = serializers.IntegerField(help_text="Approved, and locked when the year closed.")
    total = serializers.IntegerField()


class ReportingYearRefSerializer(serializers.ModelSerializer[ReportingYear]):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:reporting-year-detail", lookup_field="slug", lookup_url_kwarg="year"
    )
    # A field, not the attribute: DRF's metaclass takes declared fields off the class.
    label = serializers.CharField(help_text="As people write it: 2024/25.")  # type: ignore[assignment]
    slug = serializers.CharField(help_text="As a web address or a filter writes it: 2024-25.")

    class Meta:
        model = ReportingYear
        fields = ["year", "url", "label", "slug"]
        extra_kwargs = always_present(fields)


class ReportingYearSerializer(ReportingYearRefSerializer):
    returns = serializers.SerializerMethodField(
        help_text="How many of its returns are at each status: for analysts and administrators; null for others."
    )

    class Meta(ReportingYearRefSerializer.Meta):
        fields = [*ReportingYearRefSerializer.Meta.fields, "status", "deadline", "opened_at", "published_at", "returns"]
        extra_kwargs = always_present(fields)

    @extend_schema_field(ReturnCountsSerializer(allow_null=True))
    def get_returns(self, year: ReportingYear) -> Any:
        if not self.context.get("sees_counts"):
            return None
        counts = {status: getattr(year, f"{status}_count") for status in ReturnStatus.values}
        return ReturnCountsSerializer(counts | {"total": sum(counts.values())}).data


class ReturnValueSerializer(serializers.ModelSerializer[ReturnValue]):
    indicator = serializers.CharField(source="indicator.code", help_text="The indicator's code.")
    # Not get_value, which every serializer has already.
    value = serializers.SerializerMethodField(
        method_name="value_of", help_text="The value the organisation gives; null if none yet."
    )
    derived = serializers.SerializerMethodField(
        help_text="What the register gives; null for an indicator it does not derive."
    )

    class Meta:
        model = ReturnValue
        fields = ["indicator", "value", "derived", "source", "reason", "note", "updated_at"]
        extra_kwargs = always_present(fields)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def value_of(self, row: ReturnValue) -> int | float | None:
        return indicator_number(row.value, row.indicator.whole_number)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_derived(self, row: ReturnValue) -> int | float | None:
        return indicator_number(row.derived, row.indicator.whole_number)


class ReturnEventSerializer(serializers.ModelSerializer[ReturnEvent]):
    class Meta:
        model = ReturnEvent
        fields = ["status", "at", "comment"]
        extra_kwargs = always_present(fields)


class ReturnSerializer(serializers.ModelSerializer[Return]):
    url = serializers.HyperlinkedIdentityField(view_name="api:return-detail")
    web_url = serializers.SerializerMethodField(help_text="The return's page on the website.")
    organisation = OrganisationRefSerializer()
    year = ReportingYearRefSerializer()
    editable = serializers.SerializerMethodField(
        help_text="Whether its organisation may change it now: a draft or returned, in an open year."
    )
    review_comments = serializers.SerializerMethodField(
        help_text="The analyst's comments when it was last returned for changes: for the organisation's people "
        "and analysts; null for others."
    )
    values = ReturnValueSerializer(many=True, help_text="Every indicator's value, in the order of the return.")
    history = serializers.SerializerMethodField(
        help_text="Each step it went through, oldest first, with the comment made: for the organisation's people "
        "and analysts; null for others."
    )

    class Meta:
        model = Return
        fields = [
            "id",
            "url",
            "web_url",
            "organisation",
            "year",
            "status",
            "editable",
            "comments",
            "review_comments",
            "submitted_at",
            "approved_at",
            "values",
            "history",
            "updated_at",
        ]
        extra_kwargs = always_present(fields)

    def get_web_url(self, return_: Return) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(return_.get_absolute_url())

    def get_editable(self, return_: Return) -> bool:
        return return_.is_editable()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_review_comments(self, return_: Return) -> str | None:
        return return_.review_comments if self.context["sees_review"](return_) else None

    @extend_schema_field(ReturnEventSerializer(many=True, allow_null=True))
    def get_history(self, return_: Return) -> Any:
        if not self.context["sees_review"](return_):
            return None
        return ReturnEventSerializer(return_.events.all(), many=True, context=self.context).data


@extend_schema_field({"type": "number", "minimum": 0})
class IndicatorValueField(serializers.Field[Any, Any, Any, Any]):
    """A value as sent: a number, or text as a spreadsheet has it ("1,250"). The service checks it with
    the same code as the web form's, against its indicator."""

    default_error_messages = {
        "invalid": "Enter a number, or null for no value.",
        "max_length": "Enter a number of at most 30 characters.",
    }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, (dict, list)):
            self.fail("invalid")
        # As long as the web form's box.
        if isinstance(data, str) and len(data) > 30:
            self.fail("max_length")
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class EntryInputSerializer(StrictInput, serializers.Serializer[Any]):
    """One indicator's entry; what is left out stays as it is."""

    value = IndicatorValueField(
        required=False,
        allow_null=True,
        help_text="A whole number of 0 or more for the indicators that count things, else up to two decimal "
        "places; null for no value.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="Why the value differs from the register's; required when it does.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Anything a reviewer should know."
    )


class ReturnValuesInputSerializer(StrictInput, serializers.Serializer[Any]):
    values = serializers.DictField(
        child=EntryInputSerializer(),
        required=False,
        help_text='Entries by indicator code: {"placements": {"value": 12, "reason": "...", "note": "..."}}. '
        "All are saved, or none.",
    )
    comments = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10000,
        help_text="The organisation's notes on its return as a whole; left as they are if not sent.",
    )

    def validate_values(self, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > 500:
            raise serializers.ValidationError("Send at most 500 entries at once.")
        return value


class ReturnStepInputSerializer(StrictInput, serializers.Serializer[Any]):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text="A comment for its history."
    )


class ReturnForChangesInputSerializer(StrictInput, serializers.Serializer[Any]):
    # Required, but by the service (return_send_back), which first asks whether the sender may
    # review the return at all: a blank comment from someone who may not is refused as theirs to make.
    comment = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="What the organisation should change (required); its partnership leads get it by email.",
    )


@contextmanager
def return_refusals(prefix: str) -> Iterator[None]:
    """A returns service's refusal as a 400, its problems keyed `prefix` + indicator code."""
    try:
        yield
    except DjangoValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise exceptions.ValidationError(
            {
                "non_field_errors" if key == NON_FIELD_ERRORS else f"{prefix}{key}": messages
                for key, messages in exc.message_dict.items()
            }
        ) from exc


@extend_schema_view(
    list=extend_schema(
        summary="The indicators the annual return asks for, in the order of the return",
        responses={200: IndicatorSerializer(many=True), **errors(400, 401, 404)},
    ),
    retrieve=extend_schema(
        summary="One indicator, by its code", responses={200: IndicatorSerializer, **errors(401, 404)}
    ),
)
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet[Indicator]):
    queryset = Indicator.objects.all()
    serializer_class = IndicatorSerializer
    permission_classes = [AllowAny]
    lookup_field = "code"
    filter_backends = [DjangoFilterBackend]
    filterset_class = IndicatorFilter


YEAR_PARAMETER = OpenApiParameter(
    "year",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The reporting year as a web address writes it: 2024-25.",
    pattern=r"^\d{4}-\d{2}$",
)


@extend_schema_view(
    list=extend_schema(
        summary="Reporting years, latest first, with their returns by status for analysts",
        responses={200: ReportingYearSerializer(many=True), **errors(400, 401, 404)},
    ),
    retrieve=extend_schema(
        summary="One reporting year",
        parameters=[YEAR_PARAMETER],
        responses={200: ReportingYearSerializer, **errors(401, 404)},
    ),
)
class ReportingYearViewSet(viewsets.ReadOnlyModelViewSet[ReportingYear]):
    serializer_class = ReportingYearSerializer
    permission_classes = [AllowAny]
    lookup_field = "year"
    filter_backends = [OrderingFilter]
    ordering_fields = ["year"]

    @cached_property
    def sees_counts(self) -> bool:
        return bool(self.request.user.has_perm("returns.manage_years"))

    def get_queryset(self) -> QuerySet[ReportingYear]:
        # Explicitly: counting leaves the model's own order out.
        queryset = ReportingYear.objects.order_by("-year")
        if self.sees_counts:
            counts = {
                f"{status}_count": Count("returns", filter=Q(returns__status=status)) for status in ReturnStatus.values
            }
            queryset = queryset.annotate(**counts)
        return queryset

    def get_object(self) -> ReportingYear:
        try:
            year = years.parse(self.kwargs["year"])
        except ValueError:
            raise Http404("No such reporting year.") from None
        reporting_year = get_object_or_404(self.get_queryset(), year=year)
        self.check_object_permissions(self.request, reporting_year)
        return reporting_year

    def get_serializer_context(self) -> dict[str, Any]:
        return super().get_serializer_context() | {"sees_counts": self.sees_counts}


@extend_schema_view(
    list=extend_schema(
        summary="Returns you may see: your organisations' (every one, for analysts), and those approved in a "
        "published year",
        responses={200: ReturnSerializer(many=True), **errors(400, 401, 404)},
    ),
    retrieve=extend_schema(
        summary="One return, with its values", responses={200: ReturnSerializer, **errors(401, 404)}
    ),
    save_values=extend_schema(
        summary="Save values of a return, all or none (editors at its organisation, while it may be changed)",
        request=ReturnValuesInputSerializer,
        responses={200: ReturnSerializer, **errors(400, 401, 403, 404)},
    ),
    submit=extend_schema(
        summary="Submit a return for review (editors at its organisation)",
        request=ReturnStepInputSerializer,
        responses={200: ReturnSerializer, **errors(400, 401, 403, 404)},
    ),
    approve=extend_schema(
        summary="Approve a submitted return (analysts)",
        request=ReturnStepInputSerializer,
        responses={200: ReturnSerializer, **errors(400, 401, 403, 404)},
    ),
    return_for_changes=extend_schema(
        summary="Return a submitted return to its organisation for changes, saying what to change (analysts)",
        request=ReturnForChangesInputSerializer,
        responses={200: ReturnSerializer, **errors(400, 401, 403, 404)},
    ),
)
class ReturnViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Return]):
    serializer_class = ReturnSerializer
    # Who may change or review a return is the returns services' to decide (returns/rules.py).
    permission_classes = [IsAuthenticatedOrReadOnly]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = ReturnFilter
    ordering_fields = ["status", "submitted_at", "approved_at", "updated_at", "id"]

    def get_queryset(self) -> QuerySet[Return]:
        return (
            Return.objects.visible_to(self.request.user)
            .select_related("organisation", "year")
            .prefetch_related(Prefetch("values", ReturnValue.objects.select_related("indicator")), "events")
        )

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        # What the browsable API's forms offer; the answer is always a ReturnSerializer.
        classes: dict[str, type[BaseSerializer[Any]]] = {
            "save_values": ReturnValuesInputSerializer,
            "submit": ReturnStepInputSerializer,
            "approve": ReturnStepInputSerializer,
            "return_for_changes": ReturnForChangesInputSerializer,
        }
        return classes.get(self.action or "", ReturnSerializer)

    def sees_review(self, return_: Return) -> bool:
        """The analysts' comments and the history, as the return's page shows them (returns.view_review)."""
        return bool(self.request.user.has_perm("returns.view_review", return_))

    def get_serializer_context(self) -> dict[str, Any]:
        return super().get_serializer_context() | {"sees_review": self.sees_review}

    def _present(self, return_: Return) -> Response:
        fresh = self.get_queryset().get(pk=return_.pk)
        return Response(ReturnSerializer(fresh, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["patch"], url_path="values", url_name="values")
    def save_values(self, request: Request, pk: str | None = None) -> Response:
        return_ = self.get_object()
        serializer = ReturnValuesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sent = serializer.validated_data
        current = {row.indicator.code: row for row in return_.values.all()}
        entries = {code: _entry(entry, current.get(code)) for code, entry in sent.get("values", {}).items()}
        with return_refusals("values."):
            returns_services.return_save(
                return_=return_, actor=request.user, entries=entries, comments=sent.get("comments")
            )
        return self._present(return_)

    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return_ = self.get_object()
        serializer = ReturnStepInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # A required indicator with no value is named as the values PATCH names it: values.<code>.
        with return_refusals("values."):
            returns_services.return_submit(
                return_=return_, actor=request.user, comment=serializer.validated_data["comment"]
            )
        return self._present(return_)

    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return_ = self.get_object()
        serializer = ReturnStepInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        returns_services.return_approve(
            return_=return_, actor=request.user, comment=serializer.validated_data["comment"]
        )
        return self._present(return_)

    @action(detail=True, methods=["post"], url_path="return-for-changes", url_name="return-for-changes")
    def return_for_changes(self, request: Request, pk: str | None = None) -> Response:
        return_ = self.get_object()
        serializer = ReturnForChangesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        returns_services.return_send_back(
            return_=return_, actor=request.user, comment=serializer.validated_data["comment"]
        )
        return self._present(return_)


def _entry(sent: dict[str, Any], row: ReturnValue | None) -> Entry:
    """The entry for the service: what was sent, and the row's current value, reason and note for
    what was not, so that a PATCH changes only what it names."""
    return Entry(
        value=sent["value"] if "value" in sent else getattr(row, "value", None),
        reason=sent["reason"] if "reason" in sent else getattr(row, "reason", ""),
        note=sent["note"] if "note" in sent else getattr(row, "note", ""),
    )
