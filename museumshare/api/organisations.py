"""Organisations in the API: the directory, filtered with the directory page's own form, and an
organisation's profile and offer, checked by the web page's OfferForm and written by its service,
which decides who may."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from museumshare.api.common import always_present, errors, form_errors
from museumshare.api.filters import FormFilter
from museumshare.api.inputs import StrictInput
from museumshare.organisations import services as organisation_services
from museumshare.organisations.forms import DirectoryFilterForm, OfferForm
from museumshare.organisations.models import Organisation


class OrganisationRefSerializer(serializers.ModelSerializer[Organisation]):
    url = serializers.HyperlinkedIdentityField(view_name="api:organisation-detail")

    class Meta:
        model = Organisation
        fields = ["id", "url", "name", "slug"]
        extra_kwargs = always_present(fields)


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    url = serializers.HyperlinkedIdentityField(view_name="api:organisation-detail")
    web_url = serializers.SerializerMethodField(help_text="The organisation's page on the website.")
    country = serializers.CharField(source="country.code", help_text="ISO 3166 country code.")
    national_group = OrganisationRefSerializer(allow_null=True, help_text="The national body it is a site of.")

    class Meta:
        model = Organisation
        fields = [
            "id",
            "url",
            "web_url",
            "name",
            "slug",
            "kind",
            "governance",
            "is_national",
            "national_group",
            "accreditation",
            "size",
            "subject",
            "year_opened",
            "year_closed",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "latitude",
            "longitude",
            "country",
            "nation",
            "region_code",
            "region_name",
            "upper_tier_code",
            "upper_tier_name",
            "district_code",
            "district_name",
            *Organisation.OFFER_FIELDS,
            "updated_at",
        ]
        extra_kwargs = always_present(fields)

    def get_web_url(self, organisation: Organisation) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(organisation.get_absolute_url())


class OfferInputSerializer(StrictInput, serializers.ModelSerializer[Organisation]):
    """The profile and offer of an organisation; every field optional, only those sent change."""

    # Checked by OfferForm, which takes www.museum.org.uk as https://www.museum.org.uk as the web page does.
    website = serializers.CharField(max_length=300, allow_blank=True, required=False)

    class Meta:
        model = Organisation
        fields = list(Organisation.OFFER_FIELDS)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        organisation = self.instance
        assert isinstance(organisation, Organisation)
        current = {name: getattr(organisation, name) for name in Organisation.OFFER_FIELDS}
        # A fresh copy: a ModelForm writes the values it cleans onto its instance.
        form = OfferForm(current | attrs, instance=Organisation.objects.get(pk=organisation.pk))
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return {name: form.cleaned_data[name] for name in attrs}


class HostSerializer(OrganisationRefSerializer):
    class Meta(OrganisationRefSerializer.Meta):
        fields = [*OrganisationRefSerializer.Meta.fields, "town", "region_code", "region_name"]
        extra_kwargs = always_present(fields)


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
    permission_classes = [IsAuthenticatedOrReadOnly]
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
