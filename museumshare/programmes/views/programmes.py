"""PLACEHOLDER: replaced by the real views."""

from django.http import Http404, HttpRequest, HttpResponse


def programme_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def programme_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def programme_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def programme_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def programme_members(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def programme_dashboard(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def display_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def pair_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def pair_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def participation_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def participation_record(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
