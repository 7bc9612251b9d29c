"""Pages of the knowledge-exchange library: films, guides and toolkits, open to everyone; adding,
changing and deleting them for the people who made them and the programmes' managers."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from museumshare.core import exports, files
from museumshare.core.forms import add_errors
from museumshare.programmes import services
from museumshare.programmes.forms.resources import ResourceFilterForm, ResourceForm
from museumshare.programmes.models import Programme, Resource

PAGE_SIZE = 25
EXPORT_HEADER = [
    "title", "kind", "topic", "skills_area", "programme", "made_by", "language", "published", "link", "description",
]  # fmt: skip


def _get_changeable_resource(request: HttpRequest, pk: int) -> Resource:
    resource = get_object_or_404(Resource.objects.select_related("programme", "organisation"), pk=pk)
    if not request.user.has_perm("programmes.change_resource", resource):
        raise PermissionDenied
    return resource


@require_GET
def resource_list(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.filter(pk__in=Resource.objects.values("programme_id")).order_by("name")
    languages = list(Resource.objects.order_by("language").values_list("language", flat=True).distinct())
    form = ResourceFilterForm(request.GET or None, programmes=programmes, languages=languages)
    resources = form.filter(Resource.objects.select_related("programme", "organisation"))
    fmt = request.GET.get("download")
    if fmt in exports.FORMATS:
        rows = (_export_row(request, resource) for resource in resources.iterator(chunk_size=500))
        name_parts = ["resources", *(value for _, value in form.active_filters())]
        return exports.download(fmt=fmt, name_parts=name_parts, header=EXPORT_HEADER, rows=rows)
    page = Paginator(resources, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for name in ("page", "download"):
        query.pop(name, None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "active_filters": form.active_filters(),
        "can_add": request.user.has_perm("programmes.add_resource"),
    }
    return render(request, "programmes/resource_list.html", context)


def _export_row(request: HttpRequest, resource: Resource) -> list[Any]:
    return [
        resource.title,
        resource.get_kind_display(),
        resource.topic,
        resource.get_skills_area_display(),
        resource.programme.name if resource.programme else "",
        resource.organisation.name if resource.organisation else "",
        resource.language,
        resource.published,
        request.build_absolute_uri(resource.link()),
        resource.description,
    ]


@require_GET
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource.objects.select_related("programme", "organisation"), pk=pk)
    context = {"resource": resource, "can_change": request.user.has_perm("programmes.change_resource", resource)}
    return render(request, "programmes/resource_detail.html", context)


@require_GET
def resource_file(request: HttpRequest, pk: int) -> FileResponse:
    """A resource's uploaded file, for whoever may see the resource (the library is public)."""
    resource = get_object_or_404(Resource.objects.exclude(file=""), pk=pk)
    return files.attachment(resource.file)


@login_required
@require_http_methods(["GET", "POST"])
def resource_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("programmes.add_resource"):
        raise PermissionDenied
    programme = Programme.objects.filter(slug=request.GET.get("programme") or "").first()
    form = ResourceForm(
        request.POST or None, request.FILES or None, user=request.user, initial={"programme": programme}
    )
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_create(actor=request.user, data=form.resource_data(), file=form.new_file())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"‘{resource.title}’ is in the library. Anyone can find it there now.")
            return redirect(resource)
    return render(request, "programmes/resource_form.html", {"form": form, "resource": None})


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _get_changeable_resource(request, pk)
    # The form works on its own copy, so the service sees what changed.
    form = ResourceForm(
        request.POST or None, request.FILES or None, instance=Resource.objects.get(pk=resource.pk), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.resource_data()
        if (new_file := form.new_file()) is not None:
            data["file"] = new_file
        try:
            changes = services.resource_update(resource=resource, actor=request.user, data=data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, "Your changes are saved." if changes else "Nothing had changed, so nothing was saved."
            )
            return redirect(resource)
    return render(request, "programmes/resource_form.html", {"form": form, "resource": resource})


@login_required
@require_http_methods(["GET", "POST"])
def resource_delete(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _get_changeable_resource(request, pk)
    if request.method == "POST":
        services.resource_delete(resource=resource, actor=request.user)
        messages.success(request, f"‘{resource.title}’ is deleted from the library.")
        return redirect("programmes:resources")
    return render(request, "programmes/resource_delete.html", {"resource": resource})
