from django.urls import path, re_path

from museumshare.core import views

app_name = "core"

urlpatterns = [
    path("geo/nations.geojson", views.nations_geojson, name="nations_geojson"),
    path("geo/districts/<str:code>.geojson", views.district_geojson, name="district_geojson"),
    re_path(
        r"^geo/(?P<level>nation|region|upper_tier|district)\.geojson$", views.boundaries_geojson, name="boundaries"
    ),
]
