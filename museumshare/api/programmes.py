"""Programmes, opportunities, applications, events and the knowledge-exchange library in the API.

A programme is named by its slug. A reference to a programme the reader may not see is null, as if
there were none: the view puts the ids of those they may see in the context as "visible_programmes".
Who sees what is the programmes rules' say, asked with has_perm as the web pages ask it; lists ask it
only of the few records that need it (hidden programmes, drafts), so a page costs the same few
queries however long. Who may offer or change an opportunity, or apply for one, is the programmes
services' say (programmes/rules.py): their refusals are 403s with their words.
"""

from functools import cached_property
from typing import Any

from django import forms
from django.db.models import BooleanField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from museumshare.api.common import (
    MAX_ID,
    _by_id,
    _form_value,
    always_present,
    any_organisation,
    errors,
    form_data,
    form_errors,
)
from museumshare.api.filters import EventFilter, OpportunityFilter, ProgrammeFilter, ResourceFilter
from museumshare.api.inputs import StrictInput
from museumshare.api.organisations import HostSerializer, OrganisationRefSerializer
from museumshare.core.permissions import is_administrator
from museumshare.organisations.models import Organisation
from museumshare.programmes import rules as programme_rules
from museumshare.programmes import services as programme_services
from museumshare.programmes.forms.opportunities import ApplicationForm, OpportunityForm
from museumshare.programmes.models import (
    Action,
    Application,
    Event,
    Opportunity,
    OpportunityQuerySet,
    OpportunityStatus,
    Programme,
    ProgrammeMember,
    Registration,
    Resource,
)


class ProgrammeRefSerializer(serializers.ModelSerializer[Programme]):
    url = serializers.HyperlinkedIdentityField(view_name="api:programme-detail", lookup_field="slug")

    class Meta:
        model = Programme
        fields = ["id", "url", "name", "slug"]
        extra_kwargs = always_present(fields)


class VisibleProgrammeField(ProgrammeRefSerializer):
    """A programme, or null if there is none or the reader may not see it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_null=True, **kwargs)

    def get_attribute(self, instance: Any) -> Any:
        programme = super().get_attribute(instance)
        if programme is None or programme.pk not in self.context.get("visible_programmes", ()):
            return None
        return programme


class ProgrammeMemberSerializer(serializers.ModelSerializer[ProgrammeMember]):
    organisation = OrganisationRefSerializer()

    class Meta:
        model = ProgrammeMember
        fields = ["organisation", "role", "joined", "left"]
        extra_kwargs = always_present(fields)


class ProgrammeSerializer(serializers.ModelSerializer[Programme]):
    url = serializers.HyperlinkedIdentityField(view_name="api:programme-detail", lookup_field="slug")
    web_url = serializers.SerializerMethodField(help_text="The programme's page on the website.")
    lead = OrganisationRefSerializer(help_text="The organisation that runs it.")
    members = ProgrammeMemberSerializer(
        many=True, help_text="Every member, past and present, with the dates it joined and left."
    )
    open_opportunities = serializers.IntegerField(
        help_text="How many of its opportunities are taking applications now."
    )

    class Meta:
        model = Programme
        fields = [
            "id",
            "url",
            "web_url",
            "slug",
            *Programme.FIELDS,
            "members",
            "open_opportunities",
            "created_at",
        ]
        extra_kwargs = always_present(fields)

    def get_web_url(self, programme: Programme) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(programme.get_absolute_url())


class OpportunitySerializer(serializers.ModelSerializer[Opportunity]):
    """An opportunity and how many places are taken; never who applied or what they wrote."""

    url = serializers.HyperlinkedIdentityField(view_name="api:opportunity-detail")
    web_url = serializers.SerializerMethodField(help_text="The opportunity's page on the website.")
    programme = VisibleProgrammeField(help_text="The programme that offers it, if any.")
    host = HostSerializer(help_text="The organisation that offers it.")
    places_taken = serializers.IntegerField(source="taken", help_text="How many people are taking part.")
    places_left = serializers.SerializerMethodField(help_text="Places not yet taken.")
    accepting_applications = serializers.SerializerMethodField(help_text="Open, and its closing date not past.")

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "url",
            "web_url",
            *Opportunity.FIELDS,
            "places_taken",
            "places_left",
            "accepting_applications",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = always_present(fields)

    def get_web_url(self, opportunity: Opportunity) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(opportunity.get_absolute_url())

    def get_places_left(self, opportunity: Opportunity) -> int:
        return max(opportunity.places - int(opportunity.taken), 0)  # type: ignore[attr-defined]

    def get_accepting_applications(self, opportunity: Opportunity) -> bool:
        return opportunity.accepts_applications()


class OpportunityInputSerializer(StrictInput, serializers.ModelSerializer[Opportunity]):
    """An opportunity as a client sends it, checked by the web page's OpportunityForm.

    With PATCH, only the fields sent change. The context must hold the "request": the form
    offers the hosts and programmes its user may choose.
    """

    host = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text="Id of the organisation that offers it: one you edit for, or a member of a programme you manage.",
    )
    programme = serializers.SlugField(
        max_length=220,
        allow_null=True,
        required=False,
        help_text="Slug of the programme that offers it, one you manage; null for none.",
    )

    class Meta:
        model = Opportunity
        fields = list(Opportunity.FIELDS)
        # The same bound on every database (a small integer), so the schema does not vary.
        extra_kwargs = {"places": {"max_value": 32767}}

    def to_representation(self, instance: Opportunity) -> dict[str, Any]:
        """The opportunity as a client would send it back: the browsable API's forms start from this."""
        data: dict[str, Any] = {}
        for name in Opportunity.FIELDS:
            value = getattr(instance, name)
            if name not in ("host", "programme"):
                data[name] = None if value is None else self.fields[name].to_representation(value)
        data["host"] = instance.host_id
        data["programme"] = instance.programme.slug if instance.programme else None
        return data

    def validate_host(self, value: int) -> Organisation:
        host: Organisation = _by_id(Organisation, value, "organisation")
        return host

    def validate_programme(self, value: str | None) -> Programme | None:
        if value is None:
            return None
        programme = Programme.objects.filter(pk__in=self.context.get("visible_programmes", ()), slug=value).first()
        if programme is None:
            raise serializers.ValidationError(f"There is no programme with the slug {value}.")
        return programme

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The fields sent over the opportunity's current ones (or the defaults), through OpportunityForm.

        Returns the data for the services: all of it for a new opportunity, what was sent for a change.
        """
        request: Request = self.context["request"]
        instance = self.instance if isinstance(self.instance, Opportunity) else None
        form = OpportunityForm(
            form_data(Opportunity, Opportunity.FIELDS, attrs, instance),
            # A fresh copy: a ModelForm writes the values it cleans onto its instance.
            instance=Opportunity.objects.get(pk=instance.pk) if instance else None,
            user=request.user,
        )
        # Any host, and any programme the user may see (validate_programme): the services refuse a host
        # they may not offer for (403) and a programme they do not manage (400), in their words.
        any_organisation(form, "host")
        programme_field = form.fields["programme"]
        assert isinstance(programme_field, forms.ModelChoiceField)
        programme_field.queryset = Programme.objects.all()
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        cleaned = form.opportunity_data()
        return {name: value for name, value in cleaned.items() if instance is None or name in attrs}


class ApplicationInputSerializer(StrictInput, serializers.Serializer[Any]):
    """An application for a place, checked by the web page's ApplicationForm."""

    organisation = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        allow_null=True,
        required=False,
        help_text="Id of the organisation you work for, one you belong to; required unless anyone may apply.",
    )
    statement = serializers.CharField(
        max_length=6000, help_text="Why you want the place and what you would bring; only its reviewers read it."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request: Request = self.context["request"]
        opportunity: Opportunity = self.context["opportunity"]
        data = {"organisation": _form_value(attrs.get("organisation")), "statement": attrs["statement"]}
        form = ApplicationForm(data, opportunity=opportunity, user=request.user)
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return {"organisation": form.cleaned_data.get("organisation"), "statement": form.cleaned_data["statement"]}


class ApplicationSerializer(serializers.ModelSerializer[Application]):
    """Your own application, as it stands."""

    opportunity = serializers.IntegerField(source="opportunity_id", help_text="The opportunity's id.")
    organisation = serializers.IntegerField(
        source="organisation_id", allow_null=True, help_text="The organisation you applied from, if any."
    )
    web_url = serializers.SerializerMethodField(help_text="The application's page on the website.")

    class Meta:
        model = Application
        fields = ["id", "web_url", "opportunity", "organisation", "status", "submitted_at"]
        extra_kwargs = always_present(fields)

    def get_web_url(self, application: Application) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(application.get_absolute_url())


class ActionSerializer(serializers.ModelSerializer[Action]):
    owner = serializers.CharField(source="owner_label", help_text="Who will do it.")

    class Meta:
        model = Action
        fields = ["description", "owner", "due_date", "done", "done_at"]
        extra_kwargs = always_present(fields)


class EventSerializer(serializers.ModelSerializer[Event]):
    """An event. Its online link is for the people registered and its managers; its minutes and
    actions for those who may read the minutes (the view's "sees_minutes" and "sees_link" decide)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:event-detail")
    web_url = serializers.SerializerMethodField(help_text="The event's page on the website.")
    programme = VisibleProgrammeField(help_text="The programme it belongs to, if any.")
    organiser = OrganisationRefSerializer()
    online_link = serializers.SerializerMethodField(
        help_text="Where to join it online: for the people registered and its organisers; null for others."
    )
    registrations = serializers.IntegerField(source="registered_count", help_text="How many people have registered.")
    registered = serializers.BooleanField(source="you_registered", help_text="Whether you have registered.")
    minutes = serializers.SerializerMethodField(
        help_text="For its organisers, the people registered and the programme's members; null for others."
    )
    actions = serializers.SerializerMethodField(help_text="The actions agreed, for those who may read the minutes.")

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "web_url",
            *Event.FIELDS,
            "registrations",
            "registered",
            "minutes",
            "actions",
            "created_at",
        ]
        extra_kwargs = always_present(fields)

    def get_web_url(self, event: Event) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(event.get_absolute_url())

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_online_link(self, event: Event) -> str | None:
        return event.online_link if self.context["sees_link"](event) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_minutes(self, event: Event) -> str | None:
        return event.minutes if self.context["sees_minutes"](event) else None

    @extend_schema_field(ActionSerializer(many=True, allow_null=True))
    def get_actions(self, event: Event) -> Any:
        if not self.context["sees_minutes"](event):
            return None
        return ActionSerializer(event.actions.all(), many=True, context=self.context).data


class ResourceSerializer(serializers.ModelSerializer[Resource]):
    url = serializers.HyperlinkedIdentityField(view_name="api:resource-detail")
    web_url = serializers.SerializerMethodField(help_text="The resource's page on the website.")
    link = serializers.SerializerMethodField(help_text="Where to watch, read or download it.")
    programme = VisibleProgrammeField(help_text="The programme it came from, if any.")
    organisation = OrganisationRefSerializer(allow_null=True, help_text="Who made it.")

    class Meta:
        model = Resource
        fields = [
            "id",
            "url",
            "web_url",
            "title",
            "kind",
            "description",
            "topic",
            "skills_area",
            "link",
            "language",
            "programme",
            "organisation",
            "published",
        ]
        extra_kwargs = always_present(fields)

    def get_web_url(self, resource: Resource) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(resource.get_absolute_url())

    def get_link(self, resource: Resource) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(resource.link()) if resource.file else resource.url


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
    permission_classes = [IsAuthenticatedOrReadOnly]
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
