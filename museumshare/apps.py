from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The project itself as an app: the pages and commands that bring every app together
    (the home page, the base templates and static files, and `setup_demo`)."""

    name = "museumshare"
    label = "site"
    verbose_name = "museumshare"
