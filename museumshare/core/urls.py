from django.urls import path

from museumshare.core import views

app_name = "core"

urlpatterns = [
    path("geo/nations.geojson", views.nations_geojson, name="nations_geojson"),
    path("geo/districts/<str:code>.geojson", views.district_geojson, name="district_geojson"),
]
