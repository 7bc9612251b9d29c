"""Needs and offers in the API: read only, by the web pages' rule (`visible_to`) and filtered with the
boards' own form, so the API and the boards can never disagree. A private need or offer is a 404
to anyone outside its organisation, analysts and administrators."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from museumshare.api.filters import FormFilter
from museumshare.api.serializers import HostSerializer, always_present
from museumshare.api.views import errors
from museumshare.needs.forms import NeedFilterForm, OfferFilterForm
from museumshare.needs.models import Need, Offer

POSTED_FIELDS = ["id", "url", "web_url", "organisation", "kind", "subjects", "skills_area", "title", "description"]


class _WebUrl:
    context: dict[str, Any]

    def get_web_url(self, obj: Need | Offer) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(obj.get_absolute_url())


class NeedSerializer(_WebUrl, serializers.ModelSerializer[Need]):
    """A need, without its conversations: those are for the two sides alone."""

    url = serializers.HyperlinkedIdentityField(view_name="api:need-detail")
    web_url = serializers.SerializerMethodField(help_text="The need's page on the website, with its suggestions.")
    organisation = HostSerializer(help_text="The organisation that needs it.")
    subjects = serializers.ListField(
        child=serializers.CharField(), help_text="Mapping Museums subjects, such as Arts-Fine_and_decorative_arts."
    )

    class Meta:
        model = Need
        fields = [*POSTED_FIELDS, "starts", "ends", "visibility", "status", "met_at", "created_at", "updated_at"]
        extra_kwargs = always_present(fields)


class OfferSerializer(_WebUrl, serializers.ModelSerializer[Offer]):
    url = serializers.HyperlinkedIdentityField(view_name="api:offer-detail")
    web_url = serializers.SerializerMethodField(help_text="The offer's page on the website.")
    organisation = HostSerializer(help_text="The organisation that offers it.")
    subjects = serializers.ListField(
        child=serializers.CharField(), help_text="Mapping Museums subjects, such as Arts-Fine_and_decorative_arts."
    )
    regions = serializers.ListField(
        child=serializers.CharField(), help_text="ONS codes of the regions it serves; empty for the whole UK."
    )

    class Meta:
        model = Offer
        fields = [*POSTED_FIELDS, "capacity", "regions", "visibility", "status", "created_at", "updated_at"]
        extra_kwargs = always_present(fields)


@extend_schema_view(
    list=extend_schema(
        summary="Needs you may see: public ones, and your own organisations' private ones",
        responses={200: NeedSerializer(many=True), **errors(400, 401, 404)},
    ),
    retrieve=extend_schema(summary="One need", responses={200: NeedSerializer, **errors(401, 404)}),
)
class NeedViewSet(viewsets.ReadOnlyModelViewSet[Need]):
    serializer_class = NeedSerializer
    permission_classes = [AllowAny]
    filter_backends = [FormFilter, OrderingFilter]
    filter_form = NeedFilterForm
    ordering_fields = ["created_at", "starts", "title", "id"]

    def get_queryset(self) -> QuerySet[Need]:
        return Need.objects.visible_to(self.request.user).select_related("organisation").order_by("-created_at", "-id")


@extend_schema_view(
    list=extend_schema(
        summary="Offers you may see: public ones, and your own organisations' private ones",
        responses={200: OfferSerializer(many=True), **errors(400, 401, 404)},
    ),
    retrieve=extend_schema(summary="One offer", responses={200: OfferSerializer, **errors(401, 404)}),
)
class OfferViewSet(viewsets.ReadOnlyModelViewSet[Offer]):
    serializer_class = OfferSerializer
    permission_classes = [AllowAny]
    filter_backends = [FormFilter, OrderingFilter]
    filter_form = OfferFilterForm
    ordering_fields = ["created_at", "title", "id"]

    def get_queryset(self) -> QuerySet[Offer]:
        return Offer.objects.visible_to(self.request.user).select_related("organisation").order_by("-created_at", "-id")
