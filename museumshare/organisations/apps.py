from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "museumshare.organisations"
    label = "organisations"
    verbose_name = "Organisations"
