from django.urls import path

from museumshare.returns import views

app_name = "returns"

urlpatterns = [
    # The organisation's side: its returns, completing one, its spreadsheet, submitting it
    path("returns/", views.return_list, name="list"),
    path("returns/<str:year>/<slug:organisation>/", views.return_detail, name="detail"),
    path("returns/<str:year>/<slug:organisation>/edit/", views.return_edit, name="edit"),
    path("returns/<str:year>/<slug:organisation>/submit/", views.return_submit, name="submit"),
    path("returns/<str:year>/<slug:organisation>/review/", views.return_review, name="review"),
    path("returns/<str:year>/<slug:organisation>/refresh/", views.return_refresh, name="refresh"),
    path("returns/<str:year>/<slug:organisation>/spreadsheet/", views.return_spreadsheet, name="spreadsheet"),
    path("returns/<str:year>/<slug:organisation>/upload/", views.return_upload, name="upload"),
    # The analysts' side: the years and each year's progress
    path("reporting-years/", views.year_list, name="years"),
    path("reporting-years/new/", views.year_create, name="year_create"),
    path("reporting-years/<str:year>/", views.year_detail, name="year"),
    path("reporting-years/<str:year>/edit/", views.year_edit, name="year_edit"),
    path("reporting-years/<str:year>/<str:step>/", views.year_step, name="year_step"),
]
