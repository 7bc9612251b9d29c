from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from museumshare.api import activities, atlas, common, loans, needs, organisations, programmes, reports, returns

app_name = "api"

# Redoc writes its styles into style elements it adds to the page: the empty ones whose rules it then
# inserts one by one, and one sheet of its own. These two hashes allow exactly those, on this page
# only (a new Redoc whose sheet changes shows as a refused style in the browser test). Its search
# runs in a worker it makes from a blob of its own code.
REDOC_POLICY = csp_update(
    {
        "style-src": [
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # the empty style element
            "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # Redoc's own sheet
        ],
        "worker-src": ["blob:"],
    }
)

router = DefaultRouter()
router.register("organisations", organisations.OrganisationViewSet, basename="organisation")
router.register("activities", activities.ActivityViewSet, basename="activity")
router.register("networks", activities.NetworkViewSet, basename="network")
router.register("loans", loans.LoanViewSet, basename="loan")
router.register("programmes", programmes.ProgrammeViewSet, basename="programme")
router.register("opportunities", programmes.OpportunityViewSet, basename="opportunity")
router.register("events", programmes.EventViewSet, basename="event")
router.register("resources", programmes.ResourceViewSet, basename="resource")
router.register("needs", needs.NeedViewSet, basename="need")
router.register("offers", needs.OfferViewSet, basename="offer")
router.register("indicators", returns.IndicatorViewSet, basename="indicator")
router.register("reporting-years", returns.ReportingYearViewSet, basename="reporting-year")
router.register("returns", returns.ReturnViewSet, basename="return")
router.register("reports", reports.ReportViewSet, basename="report")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The documentation pages keep to the site's Content Security Policy: Swagger UI's set-up script
    # comes from its own address (?script), Redoc's from a static file, and neither loads anything
    # from another site (api/templates/api).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path(
        "redoc/",
        REDOC_POLICY(SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")),
        name="redoc",
    ),
    path("atlas/areas/", atlas.AtlasAreasView.as_view(), name="atlas-areas"),
    re_path(r"^atlas/areas\.(?P<format>json|geojson)$", atlas.AtlasAreasView.as_view(), name="atlas-areas-as"),
    path("", include(router.urls)),
    # Last: any other address ending in a slash. Without one, Django adds the slash and comes here.
    re_path(r"^(?P<path>.*/)$", common.not_found),
]
