from django.urls import URLPattern, path

from museumshare.activities import views

app_name = "activities"

urlpatterns: list[URLPattern] = []

__all__ = ["path", "views"]
