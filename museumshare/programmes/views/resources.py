"""PLACEHOLDER: replaced by the real views."""

from django.http import Http404, HttpRequest, HttpResponse


def resource_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def resource_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def resource_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def resource_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def resource_delete(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
