from django.apps import AppConfig


class AtlasConfig(AppConfig):
    name = "museumshare.atlas"
    label = "atlas"
    verbose_name = "Map of partnership activity"
