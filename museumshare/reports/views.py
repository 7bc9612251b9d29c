"""PLACEHOLDER: replaced by the real views."""

from django.http import Http404, HttpRequest, HttpResponse


def report_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def open_data(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def report_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def report_download(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def report_publish(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def version_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def version_download(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
