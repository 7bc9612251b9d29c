from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "museumshare.activities"
    label = "activities"
    verbose_name = "Partnership activity"
