"""Loans in the API: the web pages' procedure, one step at a time, through the loans services.

Objects' valuations are for the lender's own people (the permission loans.view_valuations), and
everyone else gets null. The context's "request" says who is asking. The inputs read ids and
shapes; whether a loan's details hold together (its dates, venue, facilities report and objects)
is the loan's one check, `loans.services.loan_problems`, which the services make after they have
checked who is asking, as for the web pages and the importer.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from museumshare.api.common import MAX_COUNT, MAX_ID, _by_id, always_present, errors, service_refusals
from museumshare.api.filters import LoanFilter
from museumshare.api.inputs import StrictInput
from museumshare.api.organisations import OrganisationRefSerializer
from museumshare.loans import procedure
from museumshare.loans import services as loan_services
from museumshare.loans.models import CollectionObject, FacilitiesReport, Loan, LoanEvent, LoanObject
from museumshare.loans.models import Status as LoanStatus
from museumshare.organisations.models import Organisation, Venue

LOAN_DETAIL_FIELDS = [
    "reference",
    "purpose",
    "exhibition_title",
    "exhibition_start",
    "exhibition_end",
    "requested_start",
    "requested_end",
    "agreed_start",
    "agreed_end",
    "insurance",
    "courier_required",
    "transport_method",
    "credit_line",
    "loan_fee",
    "costs",
    "special_conditions",
    "visitors",
    "lender_signed_on",
    "borrower_signed_on",
]


class LoanObjectSerializer(serializers.ModelSerializer[LoanObject]):
    object = serializers.IntegerField(source="object_id", help_text="The collection object's id.")
    accession_number = serializers.CharField(source="object.accession_number")
    title = serializers.CharField(source="object.title")
    valuation = serializers.SerializerMethodField(
        help_text="Only people at the lender (and administrators) see it; null for everyone else."
    )

    class Meta:
        model = LoanObject
        fields = [
            "object",
            "accession_number",
            "title",
            "valuation",
            "condition",
            "lux",
            "relative_humidity",
            "temperature",
        ]
        extra_kwargs = always_present(fields)

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True))
    def get_valuation(self, loan_object: LoanObject) -> str | None:
        if loan_object.valuation is None or not self.context.get("sees_valuations"):
            return None
        return f"{loan_object.valuation:.2f}"


class LoanEventSerializer(serializers.ModelSerializer[LoanEvent]):
    class Meta:
        model = LoanEvent
        fields = ["status", "at", "note"]
        extra_kwargs = always_present(fields)


class LoanStepSerializer(serializers.Serializer[Any]):
    to = serializers.ChoiceField(choices=LoanStatus.choices, help_text="The status the step leads to.")
    by = serializers.ChoiceField(choices=["lender", "borrower"], help_text="The side that takes it.")
    title = serializers.CharField(help_text="What the step is, in words: Approve the loan.")


class LoanSerializer(serializers.ModelSerializer[Loan]):
    url = serializers.HyperlinkedIdentityField(view_name="api:loan-detail")
    lender = OrganisationRefSerializer()
    borrower = OrganisationRefSerializer()
    venue = serializers.IntegerField(source="venue_id", allow_null=True, help_text="The venue's id, if any.")
    facilities_report = serializers.IntegerField(
        source="facilities_report_id", allow_null=True, help_text="The facilities report's id, if any."
    )
    activity = serializers.IntegerField(
        source="activity_id", allow_null=True, help_text="Its activity in the register, once approved."
    )
    overdue = serializers.SerializerMethodField(help_text="Past the agreed end with the objects still away.")
    objects = serializers.SerializerMethodField(
        help_text="The objects lent, with their valuations if you may see them."
    )
    events = LoanEventSerializer(many=True, help_text="Its status history, oldest first.")
    next_steps = serializers.SerializerMethodField(help_text="The steps of the procedure that may follow.")

    class Meta:
        model = Loan
        fields = [
            "id",
            "url",
            "lender",
            "borrower",
            "status",
            *LOAN_DETAIL_FIELDS,
            "venue",
            "facilities_report",
            "activity",
            "overdue",
            "objects",
            "events",
            "next_steps",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = always_present(fields)

    def get_overdue(self, loan: Loan) -> bool:
        return loan.is_overdue()

    @extend_schema_field(LoanObjectSerializer(many=True))
    def get_objects(self, loan: Loan) -> Any:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        sees = user is not None and user.has_perm("loans.view_valuations", loan.lender)
        return LoanObjectSerializer(
            loan.loan_objects.all(), many=True, context=self.context | {"sees_valuations": sees}
        ).data

    @extend_schema_field(LoanStepSerializer(many=True))
    def get_next_steps(self, loan: Loan) -> Any:
        steps = [{"to": s.to.value, "by": s.by, "title": s.label} for s in procedure.steps_from(loan.status)]
        return LoanStepSerializer(steps, many=True).data


class LoanDetailsInputSerializer(StrictInput, serializers.ModelSerializer[Loan]):
    """A loan's details as a client sends them; with PATCH, only the fields sent change."""

    venue = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, allow_null=True, required=False, help_text="A venue's id."
    )
    facilities_report = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, allow_null=True, required=False, help_text="A facilities report's id."
    )

    class Meta:
        model = Loan
        fields = [*LOAN_DETAIL_FIELDS, "venue", "facilities_report"]
        extra_kwargs = {"visitors": {"max_value": MAX_COUNT}}
        # Uniqueness of the reference is the model's check, made by the service.
        validators: list[Any] = []

    def validate_venue(self, value: int | None) -> Venue | None:
        return _by_id(Venue, value, "venue")  # type: ignore[no-any-return]

    def validate_facilities_report(self, value: int | None) -> FacilitiesReport | None:
        return _by_id(FacilitiesReport, value, "facilities report")  # type: ignore[no-any-return]


class LoanCreateInputSerializer(LoanDetailsInputSerializer):
    """A borrower's request: drafted, for objects of the lender."""

    lender = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The lending organisation's id.")
    borrower = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The borrowing organisation's id; you must be an editor there."
    )
    objects = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=500,
        help_text="Ids of the lender's collection objects to borrow.",
    )

    class Meta(LoanDetailsInputSerializer.Meta):
        fields = ["lender", "borrower", *LoanDetailsInputSerializer.Meta.fields, "objects"]

    def validate_lender(self, value: int) -> Organisation:
        return _by_id(Organisation, value, "organisation")  # type: ignore[no-any-return]

    def validate_borrower(self, value: int) -> Organisation:
        return _by_id(Organisation, value, "organisation")  # type: ignore[no-any-return]

    def validate_objects(self, value: list[int]) -> list[CollectionObject]:
        found = CollectionObject.objects.in_bulk(set(value))
        missing = sorted({pk for pk in value if pk not in found})
        if missing:
            # The words `loan_problems` uses for an object that is not the lender's: ids only, and no
            # telling an object that does not exist from one the requester may not borrow.
            raise serializers.ValidationError(f"Object {', '.join(map(str, missing))} is not available.")
        return [found[pk] for pk in dict.fromkeys(value)]


class LoanTransitionInputSerializer(StrictInput, serializers.Serializer[Any]):
    to = serializers.ChoiceField(choices=LoanStatus.choices, help_text="The status the step leads to.")
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000, help_text="Why; required to decline or cancel."
    )


@extend_schema_view(
    list=extend_schema(
        summary="Loans you may see: of organisations you belong to (all, for analysts and administrators)",
        responses={200: LoanSerializer(many=True), **errors(400, 401, 404)},
    ),
    retrieve=extend_schema(summary="One loan", responses={200: LoanSerializer, **errors(401, 404)}),
    create=extend_schema(
        summary="Draft a loan request (editors at the borrower)",
        request=LoanCreateInputSerializer,
        responses={201: LoanSerializer, **errors(400, 401, 403)},
    ),
    partial_update=extend_schema(
        summary="Change a loan's details (editors at the lender or the borrower)",
        request=LoanDetailsInputSerializer,
        responses={200: LoanSerializer, **errors(400, 401, 403, 404)},
    ),
    transition=extend_schema(
        summary="Take a step of the loan procedure (editors on the side the step belongs to)",
        request=LoanTransitionInputSerializer,
        responses={200: LoanSerializer, **errors(400, 401, 403, 404)},
    ),
)
class LoanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Loan]):
    serializer_class = LoanSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = LoanFilter
    ordering_fields = ["requested_start", "agreed_end", "reference", "id"]

    def get_queryset(self) -> QuerySet[Loan]:
        # The web pages' rule: members of either side, analysts and administrators; others get a 404.
        return (
            Loan.objects.visible_to(self.request.user)
            .select_related("lender", "borrower")
            .prefetch_related(Prefetch("loan_objects", LoanObject.objects.select_related("object")), "events")
        )

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        # What the browsable API's forms offer; the answer is always a LoanSerializer.
        classes: dict[str, type[BaseSerializer[Any]]] = {
            "create": LoanCreateInputSerializer,
            "partial_update": LoanDetailsInputSerializer,
            "transition": LoanTransitionInputSerializer,
        }
        return classes.get(self.action or "", LoanSerializer)

    def _present(self, loan: Loan, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=loan.pk)
        data = LoanSerializer(fresh, context=self.get_serializer_context()).data
        headers = {"Location": str(data["url"])} if code == status.HTTP_201_CREATED else None
        return Response(data, status=code, headers=headers)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = LoanCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        objects = data.pop("objects", [])
        loan = loan_services.loan_create(actor=request.user, data=data, objects=objects)
        return self._present(loan, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        loan = self.get_object()
        serializer = LoanDetailsInputSerializer(loan, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        loan_services.loan_update(loan=loan, actor=request.user, data=dict(serializer.validated_data))
        return self._present(loan)

    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        loan = self.get_object()
        serializer = LoanTransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_refusals(at="to"):
            loan = loan_services.loan_transition(
                loan=loan,
                actor=request.user,
                to=serializer.validated_data["to"],
                note=serializer.validated_data["note"],
            )
        return self._present(loan)
