"""The register in the API: activities, as the register's pages show and check them, and networks.

Who sees an activity is `Activity.objects.visible_to`. An activity sent is validated with the web
page's ActivityForm and the partner and place row forms, so a record is accepted or refused for the
same reasons however it arrives, and written by the activities services, which decide who may
(activities/rules.py): their refusals are 403s with their words.
"""

from itertools import groupby
from typing import Any

from django.db import models
from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from museumshare.activities import services as activity_services
from museumshare.activities.forms import ActivityFilterForm, ActivityForm, PartnerRowForm, PlaceRowForm
from museumshare.activities.models import (
    Activity,
    ActivityQuerySet,
    Network,
    NetworkMembership,
    Partner,
    PartnerRole,
    Place,
)
from museumshare.activities.services import PartnerSpec, PlaceSpec
from museumshare.api.common import MAX_COUNT, MAX_ID, OrganisationsById, always_present, errors, form_errors
from museumshare.api.filters import FormFilter, NetworkFilter
from museumshare.api.inputs import StrictInput
from museumshare.api.organisations import OrganisationRefSerializer
from museumshare.core import years
from museumshare.organisations.forms import OrganisationMatcher


class PartnerSerializer(serializers.ModelSerializer[Partner]):
    organisation = serializers.IntegerField(source="organisation_id", help_text="The organisation's id.")
    name = serializers.CharField(source="organisation.name")

    class Meta:
        model = Partner
        fields = ["organisation", "name", "role", "visitors", "participants"]
        extra_kwargs = always_present(fields)


class PlaceSerializer(serializers.ModelSerializer[Place]):
    organisation = serializers.IntegerField(
        source="organisation_id", allow_null=True, help_text="The organisation's id, when it was at one."
    )
    country = serializers.CharField(source="country.code", help_text="ISO 3166 country code.")

    class Meta:
        model = Place
        fields = [
            "name",
            "organisation",
            "district_code",
            "district_name",
            "region_code",
            "region_name",
            "nation",
            "country",
        ]
        extra_kwargs = always_present(fields)


class ActivitySerializer(serializers.ModelSerializer[Activity]):
    url = serializers.HyperlinkedIdentityField(view_name="api:activity-detail")
    area = serializers.CharField(help_text="The area of the Museum Partnership Report its kind falls in.")
    lead = OrganisationRefSerializer()
    reporting_years = serializers.ListField(
        child=serializers.CharField(), help_text="The reporting years it overlaps, such as 2020/21."
    )
    partners = PartnerSerializer(many=True, help_text="Every organisation involved, the lead included.")
    places = PlaceSerializer(many=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "url",
            *Activity.FIELDS,
            "area",
            "reporting_years",
            "partners",
            "places",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = always_present(fields)


class MembershipYearSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(help_text="The reporting year it starts in: 2020 for 2020/21.")
    year_label = serializers.CharField(help_text="The reporting year as people write it: 2020/21.")
    organisations = OrganisationRefSerializer(many=True)


class NetworkSerializer(serializers.ModelSerializer[Network]):
    url = serializers.HyperlinkedIdentityField(view_name="api:network-detail")
    coordinator = OrganisationRefSerializer(allow_null=True)
    memberships = serializers.SerializerMethodField(help_text="Its members in each reporting year, latest first.")

    class Meta:
        model = Network
        fields = ["id", "url", "name", "kind", "description", "website", "coordinator", "memberships"]
        extra_kwargs = always_present(fields)

    @extend_schema_field(MembershipYearSerializer(many=True))
    def get_memberships(self, network: Network) -> list[dict[str, Any]]:
        # Ordered by year, latest first, by the model; prefetched with their organisations by the view.
        by_year = groupby(network.memberships.all(), key=lambda membership: membership.year)
        rows = [
            {"year": year, "year_label": years.label(year), "organisations": [m.organisation for m in members]}
            for year, members in by_year
        ]
        return MembershipYearSerializer(rows, many=True, context=self.context).data  # type: ignore[return-value]


class PartnerInputSerializer(StrictInput, serializers.Serializer[Any]):
    organisation = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The organisation's id.")
    role = serializers.ChoiceField(
        choices=[choice for choice in PartnerRole.choices if choice[0] != PartnerRole.LEAD],
        default=PartnerRole.PARTNER,
    )


class PlaceInputSerializer(StrictInput, serializers.Serializer[Any]):
    """Exactly one of the three."""

    organisation = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="An organisation's id: at its site."
    )
    local_authority = serializers.CharField(
        required=False, help_text="An ONS local authority district code, such as E08000021."
    )
    country = serializers.CharField(required=False, help_text="ISO 3166 code of a country outside the UK, such as FR.")


class ActivityInputSerializer(StrictInput, serializers.ModelSerializer[Activity]):
    """An activity as a client sends it; with PATCH, only the fields sent change.

    `partners` and `places`, when sent, replace the lists; when left out, they stay as they are.
    """

    lead = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Id of the lead organisation; you must be an editor there."
    )
    partners: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=PartnerInputSerializer(),
        required=False,
        max_length=200,
        help_text="The organisations working with the lead.",
    )
    places: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=PlaceInputSerializer(), required=False, max_length=200, help_text="Where it happened."
    )

    class Meta:
        model = Activity
        fields = [*Activity.FIELDS, "partners", "places"]
        # The same bound on every database (PostgreSQL's integer), so the schema does not vary.
        extra_kwargs = {name: {"max_value": MAX_COUNT} for name in ("visitors", "participants", "objects_count")}

    def to_representation(self, instance: Activity) -> dict[str, Any]:
        """The activity as a client would send it back: the browsable API's forms start from this."""
        data = {
            name: None if value is None else self.fields[name].to_representation(value)
            for name, value in ((name, getattr(instance, _attname(name))) for name in Activity.FIELDS)
        }
        data["partners"] = [
            {"organisation": partner.organisation_id, "role": partner.role}
            for partner in instance.partners.all()
            if partner.role != PartnerRole.LEAD
        ]
        data["places"] = [
            {"organisation": place.organisation_id}
            if place.organisation_id
            else {"local_authority": place.district_code}
            if place.district_code
            else {"country": place.country.code}
            for place in instance.places.all()
        ]
        return data

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Validate with ActivityForm and the partner and place row forms, as the web page does.

        Returns the activity's data, partners and places ready for the services (None for a
        list that was not sent).
        """
        matcher = OrganisationsById()
        instance = self.instance if isinstance(self.instance, Activity) else None
        form = ActivityForm(
            _activity_form_data(attrs, instance),
            # A fresh copy: a ModelForm writes the values it cleans onto its instance.
            instance=Activity.objects.get(pk=instance.pk) if instance else None,
            matcher=matcher,
        )
        errors: dict[str, Any] = {} if form.is_valid() else form_errors(form)
        partners: list[PartnerSpec] | None = None
        places: list[PlaceSpec] | None = None
        if "partners" in attrs:
            partners, row_errors = _partner_specs(attrs["partners"], matcher)
            if any(row_errors):
                errors["partners"] = row_errors
        if "places" in attrs:
            places, row_errors = _place_specs(attrs["places"], matcher)
            if any(row_errors):
                errors["places"] = row_errors
        if errors:
            raise serializers.ValidationError(errors)
        data = form.activity_data()
        if instance is not None:
            # Only what was sent changes, so the audit log records only that.
            data = {name: value for name, value in data.items() if name in attrs}
        return {"data": data, "partners": partners, "places": places}


def _attname(name: str) -> str:
    """Where the model keeps a field's value: lead_id for lead."""
    field = Activity._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.attname


def _activity_form_data(attrs: dict[str, Any], instance: Activity | None) -> dict[str, Any]:
    """What ActivityForm gets: the values sent over the activity's current ones (or the defaults)."""
    data: dict[str, Any] = {}
    for name in Activity.FIELDS:
        if name in attrs:
            value = attrs[name]
        elif instance is not None:
            value = getattr(instance, _attname(name))
        else:
            field = Activity._meta.get_field(name)
            assert isinstance(field, models.Field)
            value = field.get_default()
        data[name] = "" if value is None else value
    data["lead"] = str(data["lead"])
    return data


def _partner_specs(rows: list[dict[str, Any]], matcher: OrganisationMatcher) -> tuple[list[PartnerSpec], list[Any]]:
    specs: list[PartnerSpec] = []
    errors: list[Any] = []
    for row in rows:
        # With PATCH, DRF neither requires a nested field nor gives its default: a row is whole still.
        if "organisation" not in row:
            errors.append({"organisation": ["This field is required."]})
            continue
        data = {"organisation": str(row["organisation"]), "role": row.get("role", PartnerRole.PARTNER)}
        form = PartnerRowForm(data, matcher=matcher)
        if form.is_valid():
            specs.append((form.cleaned_data["organisation"], form.cleaned_data["role"]))
        errors.append(form_errors(form))
    return specs, errors


def _place_specs(rows: list[dict[str, Any]], matcher: OrganisationMatcher) -> tuple[list[PlaceSpec], list[Any]]:
    specs: list[PlaceSpec] = []
    errors: list[Any] = []
    for row in rows:
        form = PlaceRowForm(
            {name: str(row.get(name, "")) for name in ("organisation", "local_authority", "country")},
            matcher=matcher,
        )
        spec = form.spec() if form.is_valid() else None
        if spec is not None:
            specs.append(spec)
            errors.append({})
        elif form.errors:
            errors.append(form_errors(form))
        else:
            errors.append({"non_field_errors": ["Give an organisation, a local authority or a country."]})
    return specs, errors


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
    permission_classes = [IsAuthenticatedOrReadOnly]
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
