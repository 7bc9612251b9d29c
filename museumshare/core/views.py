import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache

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


ACCEPTS_GZIP = re.compile(r"\bgzip\b")


@dataclass(frozen=True)
class Encoded:
    body: bytes
    etag: str
    gzipped: bytes | None = None


def _encode(data: dict[str, object], gzipped: bool = False) -> Encoded:
    body = json.dumps(data, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return Encoded(body, etag, gzip.compress(body, mtime=0) if gzipped else None)


def _geojson(request: HttpRequest, data: dict[str, object] | Encoded) -> HttpResponse:
    encoded = data if isinstance(data, Encoded) else _encode(data)
    # A server or proxy that compresses the answer may weaken the tag it sends back: W/"...".
    if request.headers.get("If-None-Match", "").removeprefix("W/") == encoded.etag:
        response = HttpResponse(status=304)
    elif encoded.gzipped is not None and ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(encoded.gzipped, content_type="application/geo+json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(encoded.body, content_type="application/geo+json")
    if encoded.gzipped is not None:
        response["Vary"] = "Accept-Encoding"
    response["ETag"] = encoded.etag
    # Boundaries change once a year, with a release of the package.
    response["Cache-Control"] = "public, max-age=86400"
    return response


@cache
def _encoded_boundaries(level: str) -> Encoded:
    # Encoded and compressed once: the districts are over 1 MB as JSON and about 300 kB gzipped.
    return _encode(geography.boundaries(level), gzipped=True)


@require_GET
def boundaries_geojson(request: HttpRequest, level: str) -> HttpResponse:
    """The areas of a level (nation, region, upper_tier, district) with their GSS codes, for a map."""
    if level not in geography.LEVEL_FILES:
        raise Http404("No such level of areas")
    return _geojson(request, _encoded_boundaries(level))


@require_GET
def nations_geojson(request: HttpRequest) -> HttpResponse:
    return _geojson(request, geography.nations_outline())


@require_GET
def district_geojson(request: HttpRequest, code: str) -> HttpResponse:
    feature = geography.district_feature(code)
    if feature is None:
        raise Http404("No such local authority")
    return _geojson(request, feature)
