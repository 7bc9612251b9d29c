import hashlib
import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from museumshare.core import geography


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def _geojson(request: HttpRequest, data: dict[str, object]) -> HttpResponse:
    body = json.dumps(data, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/geo+json")
    response["ETag"] = etag
    # Boundaries change once a year, with a release of the package.
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def nations_geojson(request: HttpRequest) -> HttpResponse:
    return _geojson(request, geography.nations_outline())


@require_GET
def district_geojson(request: HttpRequest, code: str) -> HttpResponse:
    feature = geography.district_feature(code)
    if feature is None:
        raise Http404("No such local authority")
    return _geojson(request, feature)
