from django.urls import path

from museumshare.activities import views

app_name = "activities"

urlpatterns: list = [
    # Web pages for activities are added here.
]

__all__ = ["path", "views"]
