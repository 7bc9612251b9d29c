from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "museumshare.api"
    label = "api"
    verbose_name = "REST API"
