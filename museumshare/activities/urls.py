from django.urls import URLPattern, path

from museumshare.activities import views

app_name = "activities"

urlpatterns: list[URLPattern] = [
    path("activities/", views.activity_list, name="list"),
    path("activities/new/", views.create, name="create"),
    path("activities/import/", views.import_upload, name="import"),
    path("activities/import/done/", views.import_done, name="import_done"),
    path("activities/import/rejected-rows.csv", views.import_rejects, name="import_rejects"),
    path("activities/import/columns.csv", views.import_template, name="import_template"),
    path("activities/<int:pk>/", views.detail, name="detail"),
    path("activities/<int:pk>/edit/", views.edit, name="edit"),
    path("activities/<int:pk>/delete/", views.delete, name="delete"),
    path("activities/<int:pk>/partners/<int:partner_pk>/", views.partner_details, name="partner"),
    path("organisations/<slug:slug>/partnerships/", views.for_organisation, name="for_organisation"),
]
