from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "museumshare.returns"
    label = "returns"
    verbose_name = "Annual returns"
