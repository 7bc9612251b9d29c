from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "museumshare.core"
    label = "core"
    verbose_name = "Core"
