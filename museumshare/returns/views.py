"""PLACEHOLDER: replaced by the real views."""

from django.http import Http404, HttpRequest, HttpResponse


def return_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def return_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def return_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def return_submit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def return_review(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def return_refresh(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def return_spreadsheet(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def return_upload(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def year_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def year_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def year_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def year_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def year_step(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
