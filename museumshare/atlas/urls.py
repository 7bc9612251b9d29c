from django.urls import path

from museumshare.atlas import views

app_name = "atlas"

urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("map/data.json", views.map_data, name="data"),
    path("map/areas.csv", views.areas_csv, name="areas_csv"),
    path("map/areas.geojson", views.areas_geojson, name="areas_geojson"),
]
