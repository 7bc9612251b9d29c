from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "museumshare.reports"
    label = "reports"
    verbose_name = "Museum Partnership Report"
