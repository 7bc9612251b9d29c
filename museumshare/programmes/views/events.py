"""PLACEHOLDER: replaced by the real views."""

from django.http import Http404, HttpRequest, HttpResponse


def event_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_register(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_unregister(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_attendance(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def event_minutes(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def action_update(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
