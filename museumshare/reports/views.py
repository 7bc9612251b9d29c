"""The Museum Partnership Report's pages: the reports, a year's report (published, or the analysts'
draft), its files, its corrections, publishing it, and the open data.

Every page and file renders the report's JSON: a published version's frozen copy, or, for analysts
before publication, the figures as they stand now. So a published report never changes under its
readers, and a draft looks exactly as its publication will.
"""

import hashlib
import json
import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Min, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from museumshare.core import exports, years
from museumshare.core.forms import add_errors
from museumshare.reports import charts, files, services
from museumshare.reports.compute import compute
from museumshare.reports.models import ReportVersion
from museumshare.returns.models import FINAL, ReportingYear, YearStatus

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": exports.XLSX_TYPE,
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
# How long a report's drawn charts are kept for the next reader of the same figures.
DRAWN_FOR = 24 * 60 * 60


class PublishForm(forms.Form):
    note = forms.CharField(
        label="What this version changes",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
        help_text="Readers see it beside the version, in the list of corrections.",
    )

    def __init__(self, *args: Any, correction: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        note = self.fields["note"]
        note.required = correction
        note.error_messages["required"] = "Say what this correction changes, for the readers of the earlier version."
        if not correction:
            note.label = "A note on this version"
            note.help_text = "Published with the report, for its readers."


@dataclass
class Shown:
    """The report a reader sees at a year's address: a published version, or a draft (version None)."""

    year: ReportingYear
    data: dict[str, Any]
    version: ReportVersion | None
    latest: ReportVersion | None

    @property
    def draft(self) -> bool:
        return self.version is None


def _may_draft(user: Any) -> bool:
    return bool(user.has_perm("reports.view_draft"))


def _get_year(year: str) -> ReportingYear:
    try:
        number = years.parse(year)
    except ValueError:
        raise Http404 from None
    return get_object_or_404(ReportingYear, year=number)


def _get_report(request: HttpRequest, year: str) -> Shown:
    """The latest published version; for analysts, the draft until the first is published, or when
    they ask for it (?draft) to see what a correction would change. 404 for anyone else until then,
    so nobody learns what a year's figures are before they are published."""
    reporting_year = _get_year(year)
    latest = services.latest_version(reporting_year)
    if _may_draft(request.user) and (latest is None or "draft" in request.GET):
        return Shown(reporting_year, files.draft(reporting_year.year), None, latest)
    if latest is None:
        raise Http404("The report for this year is not published.")
    return Shown(reporting_year, latest.data, latest, latest)


def _get_version(year: str, version: int) -> ReportVersion:
    return get_object_or_404(ReportVersion.objects.select_related("year"), year=_get_year(year), version=version)


def _versions(year: ReportingYear) -> list[ReportVersion]:
    return list(ReportVersion.objects.filter(year=year).defer("data", "pdf", "xlsx").order_by("version"))


# The list


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    published = (
        ReportVersion.objects.values("year__year")
        .annotate(latest=Max("version"), first_published=Min("published_at"), last_published=Max("published_at"))
        .order_by("-year__year")
    )
    rows = [
        {
            "label": years.label(row["year__year"]),
            "slug": years.slug(row["year__year"]),
            "version": row["latest"],
            "first_published": row["first_published"],
            "last_published": row["last_published"],
        }
        for row in published
    ]
    drafts: list[dict[str, Any]] = []
    if _may_draft(request.user):
        unpublished = (
            ReportingYear.objects.filter(returns__status__in=FINAL, report_versions__isnull=True)
            .annotate(final_returns=Count("returns", distinct=True))
            .order_by("-year")
        )
        drafts = [{"year": y, "returns": y.final_returns} for y in unpublished]
    context = {"rows": rows, "drafts": drafts, "may_draft": _may_draft(request.user), "formats": CONTENT_TYPES}
    return render(request, "reports/list.html", context)


# A year's report


def _drawn(data: dict[str, Any]) -> dict[str, Any]:
    """The page's charts and tables for the report's JSON, drawn once for the same figures and kept
    for the next reader: a published version's never change, and a national-scale report's sixteen
    charts take about 3 seconds to draw. Kept by the figures themselves, so a draft whose figures
    change is drawn again."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    # v2: the charts carry presentation attributes, not styles (the site's Content Security Policy).
    key = f"reports:drawn:v2:{digest}"
    drawn = cache.get(key)
    if drawn is None:
        drawn = charts.present(data)
        cache.set(key, drawn, DRAWN_FOR)
    return cast(dict[str, Any], drawn)


def _report_context(request: HttpRequest, shown: Shown) -> dict[str, Any]:
    reporting_year = shown.year
    versions = _versions(reporting_year) if shown.latest else []
    return {
        **_drawn(shown.data),
        "reporting_year": reporting_year,
        "shown": shown,
        "versions": versions,
        "may_draft": _may_draft(request.user),
        "publishable": reporting_year.returns_are_final(),
    }


@require_GET
def report_detail(request: HttpRequest, year: str) -> HttpResponse:
    shown = _get_report(request, year)
    context = _report_context(request, shown)
    query = "?draft" if shown.draft and shown.latest else ""
    context["downloads"] = [
        (fmt.upper(), reverse("reports:download", args=[shown.year.slug, fmt]) + query) for fmt in CONTENT_TYPES
    ]
    return render(request, "reports/detail.html", context)


@require_GET
def version_detail(request: HttpRequest, year: str, version: int) -> HttpResponse:
    found = _get_version(year, version)
    latest = services.latest_version(found.year)
    context = _report_context(request, Shown(found.year, found.data, found, latest))
    context["downloads"] = [
        (fmt.upper(), reverse("reports:version_download", args=[found.year.slug, found.version, fmt]))
        for fmt in CONTENT_TYPES
    ]
    context["earlier_version"] = latest is not None and latest.version != found.version
    context["here"] = f"Version {found.version}"
    return render(request, "reports/detail.html", context)


# The files


def _filename(year: ReportingYear, fmt: str, suffix: str = "") -> str:
    parts = ["museumshare", "museum partnership report", year.slug, suffix]
    return "-".join(slugify(part) for part in parts if part) + f".{fmt}"


def _file(fmt: str, shown: Shown) -> bytes:
    """A version's frozen files, or the draft's made now; the CSV marked as UTF-8 for Excel."""
    content = files.version_file(shown.version, fmt) if shown.version else files.render(shown.data, fmt)
    return b"\xef\xbb\xbf" + content if fmt == "csv" else content


def _download(fmt: str, shown: Shown, suffix: str = "") -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    response = HttpResponse(_file(fmt, shown), content_type=CONTENT_TYPES[fmt])
    disposition = "inline" if fmt == "pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{_filename(shown.year, fmt, suffix)}"'
    if shown.draft:
        response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def report_download(request: HttpRequest, year: str, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    shown = _get_report(request, year)
    return _download(fmt, shown, "draft" if shown.draft else "")


@require_GET
def version_download(request: HttpRequest, year: str, version: int, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    found = _get_version(year, version)
    return _download(fmt, Shown(found.year, found.data, found, found), f"v{found.version}")


# Publishing


def _changes(before: dict[str, Any], now: dict[str, Any]) -> list[dict[str, Any]]:
    """The indicators whose figures differ between the published version and the figures now."""
    earlier = {row["code"]: row for row in before.get("indicators") or []}
    changed = []
    for row in now.get("indicators") or []:
        old = earlier.get(row["code"], {})
        if old.get("value") != row.get("value"):
            changed.append(
                {
                    "name": row.get("name", row["code"]),
                    "before": charts.with_unit(old.get("value"), row.get("unit", "")),
                    "after": charts.with_unit(row.get("value"), row.get("unit", "")),
                }
            )
    return changed


@login_required
@require_http_methods(["GET", "POST"])
def report_publish(request: HttpRequest, year: str) -> HttpResponse:
    if not request.user.has_perm("reports.publish_report"):
        raise PermissionDenied("Only analysts can publish the report.")
    reporting_year = _get_year(year)
    latest = services.latest_version(reporting_year)
    form = PublishForm(request.POST or None, correction=latest is not None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.report_publish(year=reporting_year, actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as refused:
            add_errors(form, refused)
        else:
            if version.version == 1:
                message = (
                    f"The Museum Partnership Report {reporting_year.label} is published: anyone can read it and "
                    "download its files, and the year’s approved returns are public."
                )
            else:
                message = (
                    f"Version {version.version} of the report is published, with your note. "
                    f"Version {version.version - 1} stays readable from the list of corrections."
                )
            messages.success(request, message)
            return redirect("reports:detail", reporting_year.slug)
    context = {
        "reporting_year": reporting_year,
        "latest": latest,
        "form": form,
        "publishable": reporting_year.returns_are_final(),
        "first_time": reporting_year.status == YearStatus.CLOSED,
        "changes": _changes(latest.data, compute(reporting_year.year, with_breakdowns=False).as_json())
        if latest
        else None,
    }
    return render(request, "reports/publish.html", context)


# Open data


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    """Every published year's latest figures, to download, with what they mean and how to reuse them."""
    latest_by = ReportVersion.objects.values("year_id").annotate(latest=Max("version")).order_by()
    pairs = [Q(year_id=row["year_id"], version=row["latest"]) for row in latest_by]
    published = (
        list(ReportVersion.objects.filter(reduce(operator.or_, pairs)).select_related("year").defer("pdf", "xlsx"))
        if pairs
        else []
    )
    published.sort(key=lambda v: -v.year.year)
    newest = published[0] if published else None
    context = {
        "published": published,
        "definitions": charts.definitions(newest.data) if newest else [],
        "newest": newest,
        "licence": newest.data.get("licence", "") if newest else "",
        "attribution": newest.data.get("attribution", "") if newest else "",
    }
    return render(request, "reports/open_data.html", context)
