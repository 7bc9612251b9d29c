from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "museumshare.needs"
    label = "needs"
    verbose_name = "Needs and offers"
