from django.urls import path

from museumshare.reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.report_list, name="list"),
    path("reports/open-data/", views.open_data, name="open_data"),
    path("reports/<str:year>/", views.report_detail, name="detail"),
    path("reports/<str:year>/report.<str:fmt>", views.report_download, name="download"),
    path("reports/<str:year>/publish/", views.report_publish, name="publish"),
    path("reports/<str:year>/v<int:version>/", views.version_detail, name="version"),
    path("reports/<str:year>/v<int:version>/report.<str:fmt>", views.version_download, name="version_download"),
]
