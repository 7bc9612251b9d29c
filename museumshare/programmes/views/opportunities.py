"""PLACEHOLDER: replaced by the real views."""

from django.http import Http404, HttpRequest, HttpResponse


def opportunity_board(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def opportunity_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def opportunity_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def opportunity_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def application_apply(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def applications_for(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def my_applications(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def application_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def application_notes(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def application_move(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
