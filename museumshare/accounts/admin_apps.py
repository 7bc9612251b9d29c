from django.contrib.admin.apps import SimpleAdminConfig


class AdminConfig(SimpleAdminConfig):
    """Django's admin without autodiscovery (see urls.py), on a site that asks staff for a two-factor
    code (accounts.admin_site). Apart from that module: an app's config loads before any model."""

    default_site = "museumshare.accounts.admin_site.AdminSite"
