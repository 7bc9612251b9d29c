from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from museumshare.organisations.models import Organisation


def home(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.all()
    context = {
        "organisation_count": organisations.count(),
        "national_count": organisations.national_bodies().filter(partnership_report=True).count(),
    }
    return render(request, "home.html", context)
