from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "museumshare.programmes"
    label = "programmes"
    verbose_name = "Skills-sharing programmes"
