"""The Museum Partnership Report in the API.

Anyone reads a published version, frozen as it was published; the analysts also read the draft of a
year not yet published, computed now. Nobody else learns of a report before its publication. Its
JSON is reports.compute's plain data, served as it is; the serializers here describe it for the
schema (docs/report.md has every key).
"""

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from museumshare.api.common import always_present, errors
from museumshare.api.returns import YEAR_PARAMETER, ReportingYearRefSerializer
from museumshare.core import years
from museumshare.reports import files as reports_files
from museumshare.reports.models import ReportVersion
from museumshare.returns.models import ReportingYear


class ReportFigureSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="The indicator's code.")
    name = serializers.CharField()
    unit = serializers.CharField(allow_blank=True, help_text="Such as loans, objects, people; £ for money.")
    section = serializers.CharField(help_text="The section of the report: collections, skills, research, ...")
    definition = serializers.CharField(allow_blank=True)
    value = serializers.FloatField(
        allow_null=True, help_text="The total of the year's approved returns; null when none reported it."
    )
    returns = serializers.IntegerField(help_text="How many returns reported it.")
    compared_with = serializers.CharField(
        allow_null=True, help_text="The most recent earlier year that reported it, like 2019/20; null if none."
    )
    previous_value = serializers.FloatField(allow_null=True, help_text="Its total in that year.")
    change = serializers.FloatField(allow_null=True, help_text="value - previous_value.")
    change_percent = serializers.FloatField(
        allow_null=True, help_text="The change in per cent of previous_value, to one decimal place."
    )
    sentence = serializers.CharField(help_text="What happened, in the report's words.")


class ReportTrendPointSerializer(serializers.Serializer[Any]):
    year = serializers.CharField(help_text="Like 2019/20.")
    value = serializers.FloatField()


class ReportSerializer(serializers.Serializer[Any]):
    year = serializers.CharField(help_text="Like 2020/21.")
    status = serializers.CharField(
        help_text="published: a published version, frozen; draft: the figures computed now, which may change."
    )
    version = serializers.IntegerField(allow_null=True, help_text="The published version; null for a draft.")
    published_at = serializers.DateTimeField(allow_null=True, help_text="When it was published; null for a draft.")
    note = serializers.CharField(allow_blank=True, help_text="What a correction changed; empty for the first.")
    indicators = ReportFigureSerializer(many=True, help_text="Every indicator of the year, in the return's order.")
    headlines = serializers.ListField(
        child=serializers.CharField(), help_text="The sentences of the largest movements, largest first."
    )
    trends = serializers.DictField(
        child=ReportTrendPointSerializer(many=True),
        help_text="Each indicator's totals by year, up to this one, keyed by its code.",
    )
    breakdowns = serializers.DictField(
        child=serializers.ListField(child=serializers.DictField()),
        help_text="Tables of the register's figures, keyed by name: each a list of rows with a label, a code "
        "(or null) and counts.",
    )
    licence = serializers.CharField()
    attribution = serializers.CharField()


class ReportQuerySerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=1,
        max_value=32767,
        required=False,
        help_text="An earlier published version, by its number; the latest if not given.",
    )


class ReportVersionRefSerializer(serializers.ModelSerializer[ReportVersion]):
    url = serializers.SerializerMethodField(help_text="This version's JSON.")
    web_url = serializers.SerializerMethodField(help_text="This version's page on the website.")

    class Meta:
        model = ReportVersion
        fields = ["version", "published_at", "note", "url", "web_url"]
        extra_kwargs = always_present(fields)

    def get_url(self, version: ReportVersion) -> str:
        request: Request = self.context["request"]
        path = reverse("api:report-detail", args=[version.year.slug])
        return request.build_absolute_uri(f"{path}?version={version.version}")

    def get_web_url(self, version: ReportVersion) -> str:
        request: Request = self.context["request"]
        return request.build_absolute_uri(version.get_absolute_url())


class ReportLinksSerializer(serializers.Serializer[Any]):
    """The latest version's page and files on the website."""

    page = serializers.URLField()
    pdf = serializers.URLField()
    xlsx = serializers.URLField()
    csv = serializers.URLField()
    json = serializers.URLField()


class ReportYearSerializer(ReportingYearRefSerializer):
    """A year whose report is published, with its versions, latest first."""

    url = serializers.HyperlinkedIdentityField(
        view_name="api:report-detail", lookup_field="slug", lookup_url_kwarg="year"
    )
    version = serializers.SerializerMethodField(help_text="The latest version.")
    published_at = serializers.SerializerMethodField(help_text="When the latest version was published.")
    versions = ReportVersionRefSerializer(many=True, source="published_versions")
    links = serializers.SerializerMethodField()

    class Meta(ReportingYearRefSerializer.Meta):
        fields = [*ReportingYearRefSerializer.Meta.fields, "version", "published_at", "versions", "links"]
        extra_kwargs = always_present(fields)

    def latest(self, year: ReportingYear) -> ReportVersion:
        versions: list[ReportVersion] = year.published_versions  # type: ignore[attr-defined]
        return versions[0]

    def get_version(self, year: ReportingYear) -> int:
        return self.latest(year).version

    @extend_schema_field(serializers.DateTimeField())
    def get_published_at(self, year: ReportingYear) -> Any:
        return serializers.DateTimeField().to_representation(self.latest(year).published_at)

    @extend_schema_field(ReportLinksSerializer)
    def get_links(self, year: ReportingYear) -> dict[str, str]:
        request: Request = self.context["request"]
        links = {"page": reverse("reports:detail", args=[year.slug])} | {
            fmt: reverse("reports:download", args=[year.slug, fmt]) for fmt in ("pdf", "xlsx", "csv", "json")
        }
        return {name: request.build_absolute_uri(path) for name, path in links.items()}


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
        if number is None and not published and request.user.has_perm("reports.view_draft"):
            return Response(reports_files.draft(reporting_year.year))
        raise Http404("No such report, or not published yet.")
