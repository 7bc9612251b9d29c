"""The REST API, version 1: the register and the directory as JSON, through the same services.

Each write is a fetch scoped to what the user may see, a permission check, an input serializer
that validates with the web forms, and one service call with `actor=request.user`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import BooleanField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer, as_serializer_error
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from museumshare.activities import services as activity_services
from museumshare.activities.forms import ActivityFilterForm
from museumshare.activities.models import Activity, ActivityQuerySet, Network, NetworkMembership, Partner
from museumshare.api.filters import (
    EventFilter,
    FormFilter,
    IndicatorFilter,
    LoanFilter,
    NetworkFilter,
    OpportunityFilter,
    ProgrammeFilter,
    ResourceFilter,
    ReturnFilter,
)
from museumshare.api.permissions import (
    ActivityPermission,
    OpportunityPermission,
    OrganisationPermission,
    ReturnPermission,
    require_may_lead,
)
from museumshare.api.serializers import (
    ActivityInputSerializer,
    ActivitySerializer,
    ApplicationInputSerializer,
    ApplicationSerializer,
    AtlasAreaSerializer,
    AtlasFeatureCollectionSerializer,
    AtlasQuerySerializer,
    ErrorSerializer,
    EventSerializer,
    IndicatorSerializer,
    LoanCreateInputSerializer,
    LoanDetailsInputSerializer,
    LoanSerializer,
    LoanTransitionInputSerializer,
    NetworkSerializer,
    OfferInputSerializer,
    OpportunityInputSerializer,
    OpportunitySerializer,
    OrganisationSerializer,
    ProgrammeSerializer,
    ReportingYearSerializer,
    ReportQuerySerializer,
    ReportSerializer,
    ReportYearSerializer,
    ResourceSerializer,
    ReturnForChangesInputSerializer,
    ReturnSerializer,
    ReturnStepInputSerializer,
    ReturnValuesInputSerializer,
    ValidationErrorSerializer,
)
from museumshare.atlas import aggregate as atlas
from museumshare.core import geography, years
from museumshare.core.permissions import is_administrator
from museumshare.loans import services as loan_services
from museumshare.loans.models import Loan, LoanObject
from museumshare.loans.services import LoanRefused
from museumshare.organisations import services as organisation_services
from museumshare.organisations.forms import DirectoryFilterForm
from museumshare.organisations.models import Organisation
from museumshare.programmes import rules as programme_rules
from museumshare.programmes import services as programme_services
from museumshare.programmes.models import (
    Action,
    Event,
    Opportunity,
    OpportunityQuerySet,
    OpportunityStatus,
    Programme,
    ProgrammeMember,
    Registration,
    Resource,
)
from museumshare.reports import files as reports_files
from museumshare.reports.models import ReportVersion
from museumshare.returns import rules as returns_rules
from museumshare.returns import services as returns_services
from museumshare.returns.models import Indicator, ReportingYear, Return, ReturnStatus, ReturnValue
from museumshare.returns.services import Entry

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


@extend_schema_view(
    list=extend_schema(
        summary="Organisations in the directory",
        responses={200: OrganisationSerializer(many=True), **errors(400, 401, 404)},
    ),
    retrieve=extend_schema(summary="One organisation", responses={200: OrganisationSerializer, **errors(401, 404)}),
    partial_update=extend_schema(
        summary="Change an organisation's profile and offer (its editors only)",
        request=OfferInputSerializer,
        responses={200: OrganisationSerializer, **errors(400, 401, 403, 404)},
    ),
)
class OrganisationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Organisation]):
    queryset = Organisation.objects.select_related("national_group")
    serializer_class = OrganisationSerializer
    permission_classes = [IsAuthenticatedOrReadOnly, OrganisationPermission]
    filter_backends = [FormFilter, OrderingFilter]
    filter_form = DirectoryFilterForm
    ordering_fields = ["name", "town", "nation", "year_opened", "id"]

    def get_serializer_class(self) -> type[BaseSerializer[Organisation]]:
        # What the browsable API's form for PATCH offers; the answer is always an OrganisationSerializer.
        return OfferInputSerializer if self.action == "partial_update" else OrganisationSerializer

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        organisation = self.get_object()
        serializer = OfferInputSerializer(organisation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        organisation_services.organisation_update(
            organisation=organisation, actor=request.user, data=serializer.validated_data
        )
        return Response(OrganisationSerializer(organisation, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(
        summary="Activities in the register that you may see",
        responses={200: ActivitySerializer(many=True), **errors(400, 401, 404)},
    ),
    retrieve=extend_schema(summary="One activity", responses={200: ActivitySerializer, **errors(401, 404)}),
    create=extend_schema(
        summary="Record an activity (editors, for an organisation they edit for)",
        request=ActivityInputSerializer,
        responses={201: ActivitySerializer, **errors(400, 401, 403)},
    ),
    update=extend_schema(
        summary="Change an activity (editors at its lead)",
        request=ActivityInputSerializer,
        responses={200: ActivitySerializer, **errors(400, 401, 403, 404)},
    ),
    partial_update=extend_schema(
        summary="Change some fields of an activity (editors at its lead)",
        request=ActivityInputSerializer,
        responses={200: ActivitySerializer, **errors(400, 401, 403, 404)},
    ),
    destroy=extend_schema(
        summary="Delete an activity (editors at its lead)",
        responses={204: OpenApiResponse(description="Deleted."), **errors(401, 403, 404)},
    ),
)
class ActivityViewSet(viewsets.ModelViewSet[Activity]):
    serializer_class = ActivitySerializer
    permission_classes = [IsAuthenticatedOrReadOnly, ActivityPermission]
    filter_backends = [FormFilter, OrderingFilter]
    filter_form = ActivityFilterForm
    ordering_fields = ["start_date", "end_date", "title", "id"]

    def get_queryset(self) -> ActivityQuerySet:
        return (
            Activity.objects.visible_to(self.request.user)
            .select_related("lead")
            .prefetch_related(Prefetch("partners", Partner.objects.select_related("organisation")), "places")
        )

    def get_serializer_class(self) -> type[BaseSerializer[Activity]]:
        # What the browsable API's forms offer; the answer is always an ActivitySerializer.
        if self.action in ("create", "update", "partial_update"):
            return ActivityInputSerializer
        return ActivitySerializer

    def _present(self, activity: Activity, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=activity.pk)
        data = ActivitySerializer(fresh, context=self.get_serializer_context()).data
        # str(): the url is a str subclass, which WSGI servers refuse in a header.
        headers = {"Location": str(data["url"])} if code == status.HTTP_201_CREATED else None
        return Response(data, status=code, headers=headers)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ActivityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        checked = serializer.validated_data
        require_may_lead(request, checked["data"]["lead"])
        activity = activity_services.activity_create(
            actor=request.user,
            data=checked["data"],
            partners=checked["partners"] or (),
            places=checked["places"] or (),
        )
        return self._present(activity, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity = self.get_object()
        serializer = ActivityInputSerializer(activity, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        checked = serializer.validated_data
        if "lead" in checked["data"] and checked["data"]["lead"].pk != activity.lead_id:
            require_may_lead(request, checked["data"]["lead"])
        activity_services.activity_update(
            activity=activity,
            actor=request.user,
            data=checked["data"],
            partners=checked["partners"],
            places=checked["places"],
        )
        return self._present(activity)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity_services.activity_delete(activity=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary="Networks and their members by year",
        responses={200: NetworkSerializer(many=True), **errors(400, 401, 404)},
    ),
    retrieve=extend_schema(summary="One network", responses={200: NetworkSerializer, **errors(401, 404)}),
)
class NetworkViewSet(viewsets.ReadOnlyModelViewSet[Network]):
    queryset = Network.objects.select_related("coordinator").prefetch_related(
        Prefetch("memberships", NetworkMembership.objects.select_related("organisation"))
    )
    serializer_class = NetworkSerializer
    permission_classes = [AllowAny]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = NetworkFilter
    ordering_fields = ["name", "id"]


@contextmanager
def service_refusals() -> Iterator[None]:
    """A service's PermissionDenied as a 403 with its words; LoanRefused as a 400 with its messages."""
    try:
        yield
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc
    except LoanRefused as exc:
        raise exceptions.ValidationError({"to": exc.messages}) from exc


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
        with service_refusals():
            loan = loan_services.loan_create(actor=request.user, data=data, objects=objects)
        return self._present(loan, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        loan = self.get_object()
        serializer = LoanDetailsInputSerializer(loan, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with service_refusals():
            loan_services.loan_update(loan=loan, actor=request.user, data=dict(serializer.validated_data))
        return self._present(loan)

    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        loan = self.get_object()
        serializer = LoanTransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_refusals():
            loan = loan_services.loan_transition(
                loan=loan,
                actor=request.user,
                to=serializer.validated_data["to"],
                note=serializer.validated_data["note"],
            )
        return self._present(loan)


# Programmes, opportunities, events and the knowledge-exchange library. Who sees what is the
# programmes rules' say, asked with has_perm as the web pages ask it; lists ask it only of the few
# records that need it (hidden programmes, drafts), so a page costs the same few queries however long.


class ProgrammeRefsMixin:
    """Puts the ids of the programmes the user may see in the serializers' context."""

    request: Any

    @cached_property
    def visible_programmes(self) -> set[int]:
        if getattr(self, "swagger_fake_view", False):
            return set()
        return set(Programme.objects.visible_to(self.request.user).values_list("pk", flat=True))

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()  # type: ignore[misc]
        return context | {"visible_programmes": self.visible_programmes}


@extend_schema_view(
    list=extend_schema(
        summary="Skills-sharing programmes you may see",
        responses={200: ProgrammeSerializer(many=True), **errors(400, 401, 404)},
    ),
    retrieve=extend_schema(summary="One programme", responses={200: ProgrammeSerializer, **errors(401, 404)}),
)
class ProgrammeViewSet(ProgrammeRefsMixin, viewsets.ReadOnlyModelViewSet[Programme]):
    serializer_class = ProgrammeSerializer
    permission_classes = [AllowAny]
    lookup_field = "slug"
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = ProgrammeFilter
    ordering_fields = ["name", "start_date", "id"]

    def get_queryset(self) -> QuerySet[Programme]:
        accepting = (
            Opportunity.objects.open_for_applications()
            .filter(programme=OuterRef("pk"))
            .order_by()
            .values("programme")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            Programme.objects.filter(pk__in=self.visible_programmes)
            .select_related("lead")
            .prefetch_related(Prefetch("members", ProgrammeMember.objects.select_related("organisation")))
            .annotate(open_opportunities=Coalesce(Subquery(accepting), 0))
        )


def visible_opportunities(user: Any) -> OpportunityQuerySet:
    """Published opportunities, and the drafts `user` manages: the web pages' `view_opportunity`."""
    if not user.is_authenticated:
        return Opportunity.objects.published()
    drafts = Opportunity.objects.filter(status=OpportunityStatus.DRAFT).select_related("host", "programme__lead")
    if not is_administrator(user):
        # Only people at the host or the programme's lead may manage a draft; ask the rules of those alone.
        drafts = drafts.filter(Q(host__memberships__user=user) | Q(programme__lead__memberships__user=user))
    shown = {draft.pk for draft in drafts if user.has_perm("programmes.view_opportunity", draft)}
    return Opportunity.objects.filter(~Q(status=OpportunityStatus.DRAFT) | Q(pk__in=shown))


@extend_schema_view(
    list=extend_schema(
        summary="Opportunities: every published one, and the drafts you manage",
        responses={200: OpportunitySerializer(many=True), **errors(400, 401, 404)},
    ),
    retrieve=extend_schema(summary="One opportunity", responses={200: OpportunitySerializer, **errors(401, 404)}),
    create=extend_schema(
        summary="Offer an opportunity (editors at the host, and the managers of its programme)",
        request=OpportunityInputSerializer,
        responses={201: OpportunitySerializer, **errors(400, 401, 403)},
    ),
    partial_update=extend_schema(
        summary="Change an opportunity (editors at its host, and the managers of its programme)",
        request=OpportunityInputSerializer,
        responses={200: OpportunitySerializer, **errors(400, 401, 403, 404)},
    ),
    apply=extend_schema(
        summary="Apply for a place (signed in; the opportunity must be taking applications)",
        request=ApplicationInputSerializer,
        responses={201: ApplicationSerializer, **errors(400, 401, 404)},
    ),
)
class OpportunityViewSet(
    ProgrammeRefsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Opportunity]
):
    serializer_class = OpportunitySerializer
    permission_classes = [IsAuthenticatedOrReadOnly, OpportunityPermission]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = OpportunityFilter
    ordering_fields = ["closing_date", "start_date", "title", "id"]

    def get_queryset(self) -> OpportunityQuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Opportunity.objects.none()
        return (
            visible_opportunities(self.request.user)
            .with_counts()
            .select_related("host", "programme__lead")
            # The board's order; counting leaves the model's own out.
            .order_by(F("closing_date").asc(nulls_last=True), "start_date", "id")
        )

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        # What the browsable API's forms offer; the answer is always an OpportunitySerializer.
        classes: dict[str, type[BaseSerializer[Any]]] = {
            "create": OpportunityInputSerializer,
            "partial_update": OpportunityInputSerializer,
            "apply": ApplicationInputSerializer,
        }
        return classes.get(self.action or "", OpportunitySerializer)

    def _present(self, opportunity: Opportunity, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=opportunity.pk)
        data = OpportunitySerializer(fresh, context=self.get_serializer_context()).data
        headers = {"Location": str(data["url"])} if code == status.HTTP_201_CREATED else None
        return Response(data, status=code, headers=headers)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = OpportunityInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        opportunity = programme_services.opportunity_create(actor=request.user, data=serializer.validated_data)
        return self._present(opportunity, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        opportunity = self.get_object()
        serializer = OpportunityInputSerializer(
            opportunity, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        programme_services.opportunity_update(
            opportunity=opportunity, actor=request.user, data=serializer.validated_data
        )
        return self._present(opportunity)

    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str | None = None) -> Response:
        opportunity = self.get_object()
        context = self.get_serializer_context() | {"opportunity": opportunity}
        serializer = ApplicationInputSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        # A refusal (closed, already applied, not eligible) is the service's Refused: a 400 with its words.
        application = programme_services.application_submit(
            opportunity=opportunity,
            actor=request.user,
            organisation=serializer.validated_data["organisation"],
            statement=serializer.validated_data["statement"],
        )
        return Response(ApplicationSerializer(application, context=context).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Events: seminars, workshops, webinars and meetings",
        responses={200: EventSerializer(many=True), **errors(400, 401, 404)},
    ),
    retrieve=extend_schema(summary="One event", responses={200: EventSerializer, **errors(401, 404)}),
)
class EventViewSet(ProgrammeRefsMixin, viewsets.ReadOnlyModelViewSet[Event]):
    serializer_class = EventSerializer
    permission_classes = [AllowAny]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = EventFilter
    ordering_fields = ["starts_at", "title", "id"]

    def get_queryset(self) -> QuerySet[Event]:
        user = self.request.user
        registered: Any = (
            Exists(Registration.objects.filter(event=OuterRef("pk"), user=user.pk))
            if user.is_authenticated
            else Value(False, output_field=BooleanField())
        )
        return (
            Event.objects.visible_to(user)
            .select_related("organiser", "programme__lead")
            .prefetch_related(Prefetch("actions", Action.objects.select_related("owner")))
            .annotate(registered_count=Count("registrations", distinct=True), you_registered=registered)
            .order_by("starts_at", "id")
        )

    @cached_property
    def programmes_belonged_to(self) -> set[int]:
        """The programmes whose members' staff may read the minutes of their events."""
        user = self.request.user
        if not user.is_authenticated:
            return set()
        candidates = Programme.objects.filter(members__organisation__memberships__user=user).distinct()
        return {p.pk for p in candidates if programme_rules.belongs_to_programme(user, p)}

    def _manages(self, event: Event) -> bool:
        return bool(self.request.user.has_perm("programmes.change_event", event))

    def sees_link(self, event: Event) -> bool:
        return bool(event.you_registered) or self._manages(event)  # type: ignore[attr-defined]

    def sees_minutes(self, event: Event) -> bool:
        """`programmes.view_minutes`, from what the list read once rather than a query per event."""
        if event.you_registered or self._manages(event):  # type: ignore[attr-defined]
            return True
        return event.programme_id is not None and event.programme_id in self.programmes_belonged_to

    def get_serializer_context(self) -> dict[str, Any]:
        return super().get_serializer_context() | {"sees_link": self.sees_link, "sees_minutes": self.sees_minutes}


@extend_schema_view(
    list=extend_schema(
        summary="The knowledge-exchange library: films, guides, toolkits",
        responses={200: ResourceSerializer(many=True), **errors(400, 401, 404)},
    ),
    retrieve=extend_schema(summary="One resource", responses={200: ResourceSerializer, **errors(401, 404)}),
)
class ResourceViewSet(ProgrammeRefsMixin, viewsets.ReadOnlyModelViewSet[Resource]):
    queryset = Resource.objects.select_related("programme", "organisation")
    serializer_class = ResourceSerializer
    permission_classes = [AllowAny]
    filter_backends = [DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_class = ResourceFilter
    search_fields = ["title", "description", "topic"]
    ordering_fields = ["published", "title", "id"]


# The annual data collection: the indicator catalogue and the reporting years are public; a return is
# seen by its organisation's people and the analysts, and by anyone once its year is published
# (Return.objects.visible_to). Writes are the returns services', which check the rules again.


@contextmanager
def return_refusals(prefix: str = "") -> Iterator[None]:
    """A returns service's refusal as a 400, its problems keyed `prefix` + indicator code; its
    PermissionDenied as a 403 with its words."""
    try:
        yield
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc
    except DjangoValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise exceptions.ValidationError({"non_field_errors": exc.messages}) from exc
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
    permission_classes = [IsAuthenticatedOrReadOnly, ReturnPermission]
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
        """The analysts' comments and the history are for the organisation's people and the analysts;
        memberships are read once a request, however many returns are listed."""
        user = self.request.user
        return bool(returns_rules.runs_the_collection(user) or returns_rules.is_members_return(user, return_))

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
        with return_refusals():
            returns_services.return_approve(
                return_=return_, actor=request.user, comment=serializer.validated_data["comment"]
            )
        return self._present(return_)

    @action(detail=True, methods=["post"], url_path="return-for-changes", url_name="return-for-changes")
    def return_for_changes(self, request: Request, pk: str | None = None) -> Response:
        return_ = self.get_object()
        serializer = ReturnForChangesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with return_refusals():
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


# The Museum Partnership Report: anyone reads a published version, frozen as it was published; the
# analysts also read the draft of a year not yet published, computed now. Nobody else learns of a
# report before its publication.


@extend_schema_view(
    list=extend_schema(
        summary="Years whose Museum Partnership Report is published, latest first, with their versions",
        responses={200: ReportYearSerializer(many=True), **errors(401, 404)},
    ),
    retrieve=extend_schema(
        summary="A year's report as JSON: its latest published version, an earlier one, or for analysts the "
        "draft of a year not yet published",
        parameters=[YEAR_PARAMETER, ReportQuerySerializer],
        responses={200: ReportSerializer, **errors(400, 401, 404)},
    ),
)
class ReportViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[ReportingYear]):
    serializer_class = ReportYearSerializer
    permission_classes = [AllowAny]
    lookup_field = "year"
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[ReportingYear]:
        # Only what a list shows: the frozen data and files stay in the database.
        versions = ReportVersion.objects.only("pk", "year", "version", "published_at", "note").order_by("-version")
        return (
            ReportingYear.objects.filter(Exists(ReportVersion.objects.filter(year=OuterRef("pk"))))
            .prefetch_related(Prefetch("report_versions", versions, to_attr="published_versions"))
            .order_by("-year")
        )

    def retrieve(self, request: Request, year: str) -> Response:
        try:
            reporting_year = get_object_or_404(ReportingYear, year=years.parse(year))
        except ValueError:
            raise Http404("No such reporting year.") from None
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        number = query.validated_data.get("version")
        versions = ReportVersion.objects.filter(year=reporting_year).only("data").order_by("-version")
        version = (versions.filter(version=number) if number else versions).first()
        if version is not None:
            return Response(reports_files.ordered(version.data))
        published = ReportVersion.objects.filter(year=reporting_year).exists()
        if number is None and not published and request.user.has_perm("returns.manage_years"):
            return Response(reports_files.draft(reporting_year.year))
        raise Http404("No such report, or not published yet.")


# The map of partnership activity: its figures by area, counted by atlas.aggregate with the same
# permissions as the map page, as a list or as GeoJSON on the ONS boundaries.


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


class AtlasAreasView(APIView):
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, GeoJSONRenderer]

    @extend_schema(
        summary="A figure of partnership activity for every UK area of a level, and every country abroad",
        parameters=[
            AtlasQuerySerializer,
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "geojson"],
                description="geojson: the areas of the level as a GeoJSON FeatureCollection, each with its value.",
            ),
        ],
        responses={
            (200, "application/json"): AtlasAreaSerializer(many=True),
            (200, "application/geo+json"): AtlasFeatureCollectionSerializer,
            **errors(400, 401, 404),
        },
    )
    def get(self, request: Request, format: str | None = None) -> Response:
        # An empty parameter is one not given, as in the other lists' filters.
        query = AtlasQuerySerializer(data={name: value for name, value in request.query_params.items() if value})
        query.is_valid(raise_exception=True)
        level, measure, filters = query.validated_data["level"], query.validated_data["measure"], query.filters()
        found = atlas.areas(user=request.user, level=level, measure=measure, filters=filters)
        if request.accepted_renderer.format == GeoJSONRenderer.format:
            return Response(areas_geojson(level, found))
        abroad = atlas.countries(user=request.user, measure=measure, filters=filters)
        return Response(AtlasAreaSerializer([*found, *abroad], many=True).data)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            raise exceptions.ValidationError({"format": ["Choose json or geojson."]}) from None

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are JSON, as everywhere in the API, whatever format was asked for.
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().handle_exception(exc)


def areas_geojson(level: str, found: list[atlas.Area]) -> dict[str, Any]:
    """Every area of `level` with its value (0 where there is none), on the boundaries the map draws."""
    values = {area.code: area.value for area in found}
    features = geography.boundaries(level)["features"]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": feature["properties"] | {"value": values.get(feature["properties"]["code"], 0)},
                "geometry": feature["geometry"],
            }
            for feature in features
        ],
    }
