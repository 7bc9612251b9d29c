from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from museumshare.api import needs, views

app_name = "api"

router = DefaultRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("networks", views.NetworkViewSet, basename="network")
router.register("loans", views.LoanViewSet, basename="loan")
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("opportunities", views.OpportunityViewSet, basename="opportunity")
router.register("events", views.EventViewSet, basename="event")
router.register("resources", views.ResourceViewSet, basename="resource")
router.register("needs", needs.NeedViewSet, basename="need")
router.register("offers", needs.OfferViewSet, basename="offer")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("reporting-years", views.ReportingYearViewSet, basename="reporting-year")
router.register("returns", views.ReturnViewSet, basename="return")
router.register("reports", views.ReportViewSet, basename="report")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("atlas/areas/", views.AtlasAreasView.as_view(), name="atlas-areas"),
    re_path(r"^atlas/areas\.(?P<format>json|geojson)$", views.AtlasAreasView.as_view(), name="atlas-areas-as"),
    path("", include(router.urls)),
    # Last: any other address ending in a slash. Without one, Django adds the slash and comes here.
    re_path(r"^(?P<path>.*/)$", views.not_found),
]
