from importlib import import_module

from django.apps import apps
from django.contrib import admin
from django.urls import include, path
from django.utils.module_loading import module_has_submodule

from museumshare import views

# Admin modules are found by hand because django-leaflet's one needs GeoDjango and GDAL,
# which museumshare does without (see settings: accounts.admin_apps.AdminConfig).
for config in apps.get_app_configs():
    if config.name != "leaflet" and module_has_submodule(config.module, "admin"):
        import_module(f"{config.name}.admin")

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("museumshare.accounts.urls")),
    path("", include("museumshare.core.urls")),
    path("", include("museumshare.organisations.urls")),
    path("", include("museumshare.activities.urls")),
    path("", include("museumshare.loans.urls")),
    path("", include("museumshare.programmes.urls")),
    path("", include("museumshare.needs.urls")),
    path("", include("museumshare.returns.urls")),
    path("", include("museumshare.reports.urls")),
    path("", include("museumshare.atlas.urls")),
    path("api/v1/", include("museumshare.api.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "museumshare.core.views.permission_denied"
handler404 = "museumshare.core.views.page_not_found"
handler500 = "museumshare.core.views.server_error"
