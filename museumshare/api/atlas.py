"""The map of partnership activity in the API: the figures of atlas.aggregate by area, counted with
the same permissions and filters as the map page, as a list or as GeoJSON on the ONS boundaries."""

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from museumshare.activities.models import Kind as ActivityKind
from museumshare.api.common import MAX_ID, errors
from museumshare.atlas import aggregate as atlas
from museumshare.atlas.aggregate import LEVELS, MEASURES, Filters
from museumshare.core import geography, years
from museumshare.organisations.models import Organisation

ATLAS_SCOPES = [
    ("all", "In the UK and abroad"),
    ("uk", "UK areas only"),
    ("international", "Countries outside the UK only"),
]


def reporting_year(value: str) -> None:
    try:
        years.parse(value)
    except ValueError as problem:
        raise serializers.ValidationError(f"{problem} Write it like 2020-21.") from None


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2020-21"})
class ReportingYearField(serializers.CharField):
    """A reporting year as a web address writes it, 2020-21 (2020/21 is read too)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, max_length=9, validators=[reporting_year], **kwargs)


class AtlasQuerySerializer(serializers.Serializer[Any]):
    """What to count, for which areas, with the map page's filters; every parameter optional."""

    level = serializers.ChoiceField(
        choices=list(LEVELS), default="district", help_text="nation, region, upper_tier or district."
    )
    measure = serializers.ChoiceField(choices=list(MEASURES.items()), default="activities")
    year = ReportingYearField(help_text="One reporting year, such as 2020-21; or give year_from and year_to.")
    year_from = ReportingYearField(help_text="The first reporting year of a range; none: from the start.")
    year_to = ReportingYearField(help_text="The last reporting year of a range; none: to date.")
    kind = serializers.ChoiceField(
        choices=ActivityKind.choices, required=False, help_text="Activities of this kind only; loans are not narrowed."
    )
    organisation = serializers.CharField(
        max_length=220,
        required=False,
        help_text="An organisation's id or slug: the activities it takes part in and its loans out, with its sites'.",
    )
    scope = serializers.ChoiceField(choices=ATLAS_SCOPES, default="all")

    def validate_organisation(self, value: str) -> Organisation:
        by_id = value.isascii() and value.isdigit()
        if by_id and int(value) > MAX_ID:
            raise serializers.ValidationError("No organisation has this id.")
        organisation = Organisation.objects.filter(**{"pk" if by_id else "slug": value}).first()
        if organisation is None:
            raise serializers.ValidationError(f"No organisation has the {'id' if by_id else 'slug'} {value}.")
        return organisation

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("year") and (attrs.get("year_from") or attrs.get("year_to")):
            raise serializers.ValidationError({"year": ["Give year, or year_from and year_to, not both."]})
        first, last = attrs.get("year_from"), attrs.get("year_to")
        if first and last and years.parse(last) < years.parse(first):
            raise serializers.ValidationError({"year_to": [f"Give a year from {first} on."]})
        return attrs

    def filters(self) -> Filters:
        data = self.validated_data
        first, last = data.get("year_from") or data.get("year"), data.get("year_to") or data.get("year")
        return Filters(
            year_from=years.parse(first) if first else None,
            year_to=years.parse(last) if last else None,
            kind=data.get("kind", ""),
            organisation=data.get("organisation"),
            scope=data["scope"],
        )


class AtlasAreaSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(
        help_text="A UK area's ONS code (E08000021; a nation's, E92000001), or a country's ISO 3166 code (FR)."
    )
    name = serializers.CharField()
    value = serializers.IntegerField(help_text="The figure asked for: never 0, as areas without any are left out.")


class AtlasFeaturePropertiesSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="The area's ONS code.")
    name = serializers.CharField()
    value = serializers.IntegerField(help_text="The figure asked for; 0 where there is none.")


class AtlasFeatureSerializer(serializers.Serializer[Any]):
    type = serializers.CharField(help_text="Feature")
    properties = AtlasFeaturePropertiesSerializer()
    geometry = serializers.DictField(help_text="A GeoJSON Polygon or MultiPolygon, longitude first.")


class AtlasFeatureCollectionSerializer(serializers.Serializer[Any]):
    type = serializers.CharField(help_text="FeatureCollection")
    features = AtlasFeatureSerializer(many=True, help_text="Every area of the level, in the UK only.")


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
