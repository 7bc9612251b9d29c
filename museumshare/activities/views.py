"""Pages of the register of partnership activity."""

import base64
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from museumshare.activities import history, services
from museumshare.activities.forms import (
    ActivityFilterForm,
    ActivityForm,
    ActivityImportForm,
    PartnerDetailsForm,
    PartnerFormSet,
    PlaceFormSet,
    partner_specs,
    place_specs,
)
from museumshare.activities.importer import COLUMNS as IMPORT_COLUMNS
from museumshare.activities.importer import REQUIRED_COLUMNS, import_activities_content
from museumshare.activities.models import Activity, ActivityQuerySet, Partner, PartnerRole, Place, Visibility
from museumshare.core import exports, geography
from museumshare.core.imports import ImportFailed, ImportSummary
from museumshare.core.permissions import is_administrator
from museumshare.organisations.forms import OrganisationMatcher, organisation_label
from museumshare.organisations.models import Organisation, OrganisationQuerySet
from museumshare.organisations.rules import is_editor

PAGE_SIZE = 25
PARTNERSHIPS_SHOWN = 10
LEAD_REFUSED = "You can only record activities for organisations you edit for."
# Columns named as the spreadsheet import names them, with a few derived ones (id, area, years).
EXPORT_HEADER = [
    "id", "ref", "title", "kind", "area", "lead", "partners", "start_date", "end_date",
    "reporting_years", "status", "visibility", "visitors", "participants", "objects",
    "funding_amount", "funder", "themes", "not_pre_planned", "digital", "places", "description",
    "evidence_links",
]  # fmt: skip


def _get_visible_activity(request: HttpRequest, pk: int) -> Activity:
    """The activity, or 404 for anyone who may not see it: nobody learns that it exists."""
    return get_object_or_404(Activity.objects.visible_to(request.user).select_related("lead"), pk=pk)


def _get_activity_for(request: HttpRequest, pk: int, perm: str) -> Activity:
    activity = _get_visible_activity(request, pk)
    if not request.user.has_perm(perm, activity):
        raise PermissionDenied
    return activity


def _with_related(activities: ActivityQuerySet) -> ActivityQuerySet:
    return activities.select_related("lead").prefetch_related(
        Prefetch("partners", queryset=Partner.objects.select_related("organisation")), "places"
    )


def activity_list(request: HttpRequest) -> HttpResponse:
    form = ActivityFilterForm(request.GET or None)
    activities = form.filter(Activity.objects.visible_to(request.user))
    fmt = request.GET.get("download")
    if fmt in exports.FORMATS:
        return _download(activities, form, fmt)
    page = Paginator(_with_related(activities), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for name in ("page", "download"):
        query.pop(name, None)
    unsorted = query.copy()
    unsorted.pop("sort", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "unsorted_query": unsorted.urlencode(),
        "sort": form.chosen().get("sort", "newest"),
        "active_filters": form.active_filters(),
        "can_add": request.user.has_perm("activities.add_activity"),
    }
    return render(request, "activities/list.html", context)


def _download(activities: ActivityQuerySet, form: ActivityFilterForm, fmt: str) -> HttpResponse:
    rows = (_export_row(activity) for activity in _with_related(activities).iterator(chunk_size=500))
    return exports.download(fmt=fmt, name_parts=["activities", *form.name_parts()], header=EXPORT_HEADER, rows=rows)


def _export_row(activity: Activity) -> list[Any]:
    partners = [p for p in activity.partners.all() if p.role != PartnerRole.LEAD]
    return [
        activity.pk,
        activity.external_ref or "",
        activity.title,
        activity.kind,
        activity.area.value,
        activity.lead.name,
        "; ".join(f"{p.organisation.name} ({p.role})" for p in partners),
        activity.start_date,
        activity.end_date,
        "; ".join(activity.reporting_years()),
        activity.status,
        activity.visibility,
        activity.visitors,
        activity.participants,
        activity.objects_count,
        activity.funding_amount,
        activity.funder,
        activity.themes,
        activity.not_pre_planned,
        activity.digital,
        "; ".join(place.name for place in activity.places.all()),
        activity.description,
        " ".join(activity.evidence_list()),
    ]


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _get_visible_activity(request, pk)
    user = request.user
    # The lead first, then the others by name.
    partners = sorted(
        activity.partners.select_related("organisation", "venue"),
        key=lambda p: (p.role != PartnerRole.LEAD, p.organisation.name),
    )
    places = list(activity.places.select_related("organisation"))
    context = {
        "activity": activity,
        "partners": [(partner, _details_link(user, partner)) for partner in partners],
        "partner_totals": _totals(partners),
        "places": places,
        "international": any(not place.is_uk for place in places),
        "map": _map_data(places),
        # Names of the people who made each change are for signed-in users, not the public.
        "history": history.describe(activity) if user.is_authenticated else [],
        "can_change": user.has_perm("activities.change_activity", activity),
        "can_delete": user.has_perm("activities.delete_activity", activity),
    }
    return render(request, "activities/detail.html", context)


def _totals(partners: list[Partner]) -> dict[str, int]:
    """The partners' own visitors and participants added up, where any gave figures."""
    totals = {}
    for name in ("visitors", "participants"):
        figures = [getattr(p, name) for p in partners if getattr(p, name) is not None]
        if figures:
            totals[name] = sum(figures)
    return totals


def _details_link(user: Any, partner: Partner) -> str:
    """The words of the link to a partner's own details, or "" for someone who may not change them."""
    if not user.has_perm("activities.change_partner", partner):
        return ""
    verb = "Change" if partner.venue_id or partner.visitors is not None or partner.participants is not None else "Add"
    yours = is_editor(user, partner.organisation)
    return f"{verb} your details" if yours else f"{verb} details"


def _map_data(places: list[Place]) -> dict[str, Any]:
    """Pins for places with a point; the outline of a local authority where that is all there is."""
    points = [
        {"lat": place.latitude, "lon": place.longitude, "name": place.name}
        for place in places
        if place.latitude is not None
        and place.longitude is not None
        and geography.is_valid_coordinate(place.latitude, place.longitude)
    ]
    districts = sorted(
        {
            reverse("core:district_geojson", args=[p.district_code])
            for p in places
            if p.district_code and not p.has_point
        }
    )
    return {"points": points, "districts": districts} if points or districts else {}


def _typed(form: forms.BaseForm) -> dict[str, Any]:
    """What was typed into a bound form, as the initial values of an unbound copy."""
    return {
        name: field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        for name, field in form.fields.items()
    }


def _problems(form: forms.BaseForm, row: str = "") -> list[tuple[str, str]]:
    """(field id, message) of each error on `form`; a row's messages say which row."""
    prefix = f"{row}: " if row else ""
    first = next(iter(form), None)
    return [(first.id_for_label if first else "", prefix + str(e)) for e in form.non_field_errors()] + [
        (field.id_for_label, prefix + str(e)) for field in form for e in field.errors
    ]


@dataclass
class ActivityPage:
    """The activity form with its partner and place rows, sharing one OrganisationMatcher.

    "Add another partner" and "Add another place" post the form; the page comes back with what
    was typed and one more blank row, and nothing is checked or saved until the main button.
    """

    form: ActivityForm
    partners: forms.BaseFormSet[Any]
    places: forms.BaseFormSet[Any]
    adding_row: bool = False

    @classmethod
    def build(
        cls,
        request: HttpRequest,
        *,
        instance: Activity | None = None,
        initial: dict[str, Any],
        partners: list[dict[str, Any]] | None = None,
        places: list[dict[str, Any]] | None = None,
    ) -> "ActivityPage":
        matcher = OrganisationMatcher()
        rows: dict[str, Any] = {"form_kwargs": {"matcher": matcher}}
        data = request.POST if request.method == "POST" else None
        page = cls(
            form=ActivityForm(data, instance=instance, initial=initial, matcher=matcher),
            partners=PartnerFormSet(data, initial=partners, prefix="partners", **rows),
            places=PlaceFormSet(data, initial=places, prefix="places", **rows),
        )
        adding = {"add_partner": "partners", "add_place": "places"}
        growing = next((prefix for button, prefix in adding.items() if data and button in data), None)
        if growing is None:
            return page
        return cls(
            form=ActivityForm(instance=instance, initial=_typed(page.form), matcher=matcher),
            partners=cls._grown(page.partners, growing == "partners"),
            places=cls._grown(page.places, growing == "places"),
            adding_row=True,
        )

    @staticmethod
    def _grown(formset: forms.BaseFormSet[Any], add: bool) -> forms.BaseFormSet[Any]:
        copy = type(formset)(
            initial=[_typed(row) for row in formset.forms], prefix=formset.prefix, form_kwargs=formset.form_kwargs
        )
        copy.extra = 1 if add else 0
        if add:
            # The browser scrolls to the new row, ready to type in.
            next(iter(copy.forms[-1])).field.widget.attrs["autofocus"] = True
        return copy

    def is_valid(self, user: Any) -> bool:
        if self.adding_row or not self.form.is_bound:
            return False
        valid = all([self.form.is_valid(), self.partners.is_valid(), self.places.is_valid()])
        lead = self.form.cleaned_data.get("lead")
        # The service refuses it too; asked here to say so on the form, beside the other problems.
        if lead is not None and not user.has_perm("activities.add_activity_for", lead):
            self.form.add_error("lead", LEAD_REFUSED)
            return False
        return valid

    def problems(self) -> list[tuple[str, str]]:
        """Every problem on the page, for the error summary, each linking to its field."""
        found = _problems(self.form)
        for name, formset in (("Partner", self.partners), ("Place", self.places)):
            if formset.is_bound:
                found += [("", str(e)) for e in formset.non_form_errors()]
            for number, row in enumerate(formset.forms, 1):
                found += _problems(row, f"{name} {number}")
        return found


def _default_lead(user: Any) -> Organisation | None:
    return Organisation.objects.edited_by(user).first()


def _partner_rows(activity: Activity) -> list[dict[str, Any]]:
    partners = activity.partners.exclude(organisation=activity.lead_id).select_related("organisation")
    return [{"organisation": organisation_label(p.organisation), "role": p.role} for p in partners]


def _place_rows(activity: Activity) -> list[dict[str, Any]]:
    rows = []
    for place in activity.places.select_related("organisation", "venue__organisation"):
        # A venue's place shows as its organisation; it stays a venue unless the places are changed.
        organisation = place.organisation or (place.venue.organisation if place.venue else None)
        if organisation:
            rows.append({"organisation": organisation_label(organisation)})
        elif place.district_code:
            rows.append({"local_authority": place.district_code})
        else:
            rows.append({"country": place.country.code})
    return rows


@login_required
def create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("activities.add_activity"):
        raise PermissionDenied
    lead = _default_lead(request.user)
    page = ActivityPage.build(request, initial={"lead": organisation_label(lead) if lead else ""})
    if page.is_valid(request.user):
        activity = services.activity_create(
            actor=request.user,
            data=page.form.activity_data(),
            partners=partner_specs(page.partners),
            places=place_specs(page.places),
        )
        if activity.visibility == Visibility.PRIVATE:
            messages.success(request, f"Activity recorded. Only people at {activity.lead} can see it for now.")
        else:
            messages.success(request, "Activity recorded. Partners can now see it and add their own details.")
        return redirect(activity)
    return render(request, "activities/form.html", {"page": page, "problems": page.problems(), "activity": None})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _get_activity_for(request, pk, "activities.change_activity")
    page = ActivityPage.build(
        request,
        instance=Activity.objects.get(pk=activity.pk),
        initial={"lead": organisation_label(activity.lead)},
        partners=_partner_rows(activity),
        places=_place_rows(activity),
    )
    if page.is_valid(request.user):
        changes = services.activity_update(
            activity=activity,
            actor=request.user,
            data=page.form.activity_data(),
            partners=partner_specs(page.partners),
            places=place_specs(page.places) if page.places.has_changed() else None,
        )
        messages.success(
            request, "Your changes are saved." if changes else "Nothing had changed, so nothing was saved."
        )
        return redirect(activity)
    return render(request, "activities/form.html", {"page": page, "problems": page.problems(), "activity": activity})


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _get_activity_for(request, pk, "activities.delete_activity")
    if request.method == "POST":
        services.activity_delete(activity=activity, actor=request.user)
        messages.success(request, f"‘{activity.title}’ is deleted from the register.")
        return redirect("activities:list")
    return render(request, "activities/delete.html", {"activity": activity})


@login_required
def partner_details(request: HttpRequest, pk: int, partner_pk: int) -> HttpResponse:
    activity = _get_visible_activity(request, pk)
    partner = get_object_or_404(activity.partners.select_related("organisation", "venue"), pk=partner_pk)
    if not request.user.has_perm("activities.change_partner", partner):
        raise PermissionDenied
    form = PartnerDetailsForm(
        request.POST or None,
        organisation=partner.organisation,
        initial={name: getattr(partner, name) for name in Partner.DETAIL_FIELDS},
    )
    if not partner.organisation.venues.exists():
        del form.fields["venue"]  # Nothing to choose from: the organisation is its only venue.
    if request.method == "POST" and form.is_valid():
        changes = services.partner_update(partner=partner, actor=request.user, data=form.cleaned_data)
        if changes:
            messages.success(request, f"{partner.organisation.name}’s details are saved.")
        else:
            messages.info(request, "Nothing had changed, so nothing was saved.")
        return redirect(activity)
    return render(request, "activities/partner.html", {"activity": activity, "partner": partner, "form": form})


@require_GET
def for_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's latest partnership activity, as a fragment its page loads with htmx."""
    organisation = get_object_or_404(Organisation, slug=slug)
    list_url = f"{reverse('activities:list')}?{urlencode({'organisation': organisation.slug})}"
    if request.headers.get("HX-Request") != "true":
        return redirect(list_url)
    activities = Activity.objects.visible_to(request.user).involving(organisation)
    latest = activities.select_related("lead").prefetch_related(
        Prefetch("partners", queryset=Partner.objects.filter(organisation=organisation), to_attr="its_part")
    )[:PARTNERSHIPS_SHOWN]
    context = {"organisation": organisation, "activities": latest, "total": activities.count(), "list_url": list_url}
    response = render(request, "activities/partnerships.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


IMPORT_RESULT = "activities_import"
IMPORT_ERRORS_KEPT = 1000


def _import_leads(user: Any) -> OrganisationQuerySet | None:
    """The organisations the import page lists as those `user` may import for; None for any.
    Each row is checked by the import itself (activities.add_activity_for)."""
    if user.is_superuser or is_administrator(user):
        return None
    return Organisation.objects.edited_by(user).order_by("name")


def _keep_import(request: HttpRequest, name: str, summary: ImportSummary, *, imported: bool) -> None:
    """The result and the rejected rows, kept in the session (so in the database) for the next request.

    The next request may go to another app server, so nothing is kept on this one's disk. The rows
    are compressed: a file of 10 MB with every row rejected keeps a megabyte or two until the next
    import or sign-out.
    """
    request.session[IMPORT_RESULT] = {
        "name": name,
        "imported": imported,
        "rows_read": summary.rows_read,
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "rejected": summary.rejected,
        "error_count": len(summary.errors),
        "errors": [[p.row, p.column, p.ref, p.message] for p in summary.errors[:IMPORT_ERRORS_KEPT]],
        "rejects": base64.b64encode(zlib.compress(summary.rejects_csv().encode())).decode() if summary.errors else "",
    }


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("activities.add_activity"):
        raise PermissionDenied
    form = ActivityImportForm(request.POST, request.FILES) if request.method == "POST" else ActivityImportForm()
    failed = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = import_activities_content(
                name=upload.name,
                content=upload.read(),
                actor=request.user,
                skip_invalid=form.cleaned_data["skip_invalid"],
            )
        except ImportFailed as failure:
            if failure.summary is None:
                form.add_error("file", str(failure))
            else:
                failed = failure.summary
                _keep_import(request, upload.name, failed, imported=False)
        else:
            _keep_import(request, upload.name, summary, imported=True)
            return redirect("activities:import_done")
    context = {
        "form": form,
        "failed": failed,
        "file_name": form.cleaned_data["file"].name if failed else "",
        "organisations": _import_leads(request.user),
        "required": REQUIRED_COLUMNS,
        "optional": [column for column in IMPORT_COLUMNS if column not in REQUIRED_COLUMNS],
    }
    return render(request, "activities/import.html", context)


@login_required
@require_GET
def import_done(request: HttpRequest) -> HttpResponse:
    result = request.session.get(IMPORT_RESULT)
    if not result or not result["imported"]:
        return redirect("activities:import")
    return render(request, "activities/import_done.html", {"result": result})


@login_required
@require_GET
def import_rejects(request: HttpRequest) -> HttpResponse:
    """The rows of the last import that had errors, as they were in the file, with their errors."""
    result = request.session.get(IMPORT_RESULT) or {}
    if not result.get("rejects"):
        messages.info(request, "There are no rejected rows to download: import a file first.")
        return redirect("activities:import")
    content = zlib.decompress(base64.b64decode(result["rejects"]))
    # With the byte-order mark, Excel opens the file as UTF-8, as it does the site's other downloads.
    response = HttpResponse(b"\xef\xbb\xbf" + content, content_type="text/csv; charset=utf-8")
    name = exports.filename(result["name"].rsplit(".", 1)[0], "rejected rows", extension="csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    """An empty spreadsheet with the import's columns, to fill in."""
    return exports.download(fmt="csv", name_parts=["activities to import"], header=IMPORT_COLUMNS, rows=[])
