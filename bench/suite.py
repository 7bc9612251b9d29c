"""The benchmarks: each operation people wait for, timed against its floor in the same run.

Run by `python -m bench bench` on whatever database DATABASE_URL names, after the benchmark data is
generated there. Each function returns `Result`s (see measure.py); the targets are the ones the
issues set.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, JsonResponse
from django.test import Client, RequestFactory

from bench import activities_file, floors
from bench.measure import Result, timed
from museumshare.accounts.models import PlatformGroup
from museumshare.activities.importer import import_activities
from museumshare.activities.models import Activity
from museumshare.atlas.aggregate import MEASURES, Filters, areas
from museumshare.core import years
from museumshare.core.services import System
from museumshare.loans.models import Loan
from museumshare.loans.models import Status as LoanStatus
from museumshare.organisations.importer import MAPPING_MUSEUMS_FILE, import_organisations
from museumshare.organisations.models import Membership, Organisation, Role
from museumshare.reports import pdf
from museumshare.reports.compute import compute
from museumshare.reports.files import draft
from museumshare.returns import services as returns_services
from museumshare.returns import spreadsheet
from museumshare.returns.models import ReportingYear, Return, ReturnStatus, Source, YearStatus

User = get_user_model()
# Who the audit log says imported the register and the activities, as the command line would be.
BENCHMARKS = System("benchmarks")
LIST_PAGE = 25  # rows on a list page (activities and loans)
API_PAGE = 50  # rows on an API page


class Rollback(Exception):
    """Raised to undo what a timed write did, so that every run starts from the same data."""


@contextmanager
def rolled_back() -> Iterator[None]:
    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


class Context:
    """The people and the year the benchmarks use, made once per run."""

    def __init__(self, *, warmup: int = 1, activities_rows: int = 10_000) -> None:
        self.warmup = warmup
        self.activities_rows = activities_rows
        self.year = max(ReportingYear.objects.filter(status=YearStatus.PUBLISHED).values_list("year", flat=True))
        self.label = years.label(self.year).replace("/", "-")
        # The busiest lender's editor: the member with the most to see.
        lender_id = Loan.objects.values("lender").annotate(n=Count("pk")).order_by("-n")[0]["lender"]
        self.lender = Organisation.objects.get(pk=lender_id)
        self.member = _user("bench-member@example.org")
        Membership.objects.get_or_create(user=self.member, organisation=self.lender, defaults={"role": Role.EDITOR})
        self.analyst = _user("bench-analyst@example.org")
        self.analyst.groups.add(Group.objects.get_or_create(name=PlatformGroup.ANALYST.value)[0])


def _user(email: str) -> Any:
    user = User.objects.filter(email=email).first()
    return user or User.objects.create_user(email=email, password=None)


def report(ctx: Context, repeat: int, workdir: Path) -> list[Result]:
    year = ctx.year
    # What an analyst downloads today: each year's returns, exported as CSV by the export_returns command.
    exported = workdir / "returns"
    floors.export_returns_csv(exported)
    product = timed(lambda: compute(year).as_json(), repeat=repeat, warmup=ctx.warmup)
    sql = timed(lambda: floors.report_sql(year), repeat=repeat, warmup=ctx.warmup)
    indicators = timed(lambda: compute(year, with_breakdowns=False).as_json(), repeat=repeat, warmup=ctx.warmup)
    pandas = timed(lambda: floors.report_pandas(exported, year), repeat=repeat, warmup=ctx.warmup)
    label = f"Annual report {years.label(year)}"
    return [
        Result(
            "report",
            f"{label}: all indicators and breakdowns",
            product,
            "hand-written SQL",
            sql,
            target="under 1 s, within 1.5× of hand-written SQL",
            target_seconds=1.0,
            target_ratio=1.5,
        ),
        # The CSV export holds the returns' values, not the register: pandas can give only the indicators.
        Result(
            "report.indicators",
            f"{label}: the indicators only (totals and comparisons)",
            indicators,
            "pandas reading the CSV export",
            pandas,
        ),
    ]


def report_growth(repeat: int, warmup: int) -> Result:
    """The report at the current scale, for the growth table (the command runs it at each scale).

    The latest published year: the generated data's last year is closed and not yet published."""
    year = max(ReportingYear.objects.values_list("year", flat=True)) - 1
    return Result(
        "report.growth",
        f"Annual report {years.label(year)}",
        timed(lambda: compute(year), repeat=repeat, warmup=warmup),
    )


def report_pdf(ctx: Context, repeat: int) -> Result:
    data = draft(ctx.year)
    return Result(
        "report.pdf",
        f"Report PDF for {years.label(ctx.year)}",
        timed(lambda: pdf.render(data), repeat=repeat, warmup=ctx.warmup),
    )


def map_aggregation(ctx: Context, repeat: int) -> list[Result]:
    """The choropleth's query by local authority for one year, for three kinds of reader.

    Loans are seen only by their parties, so for anyone signed out the map's figure is activities."""
    filters = Filters(year_from=ctx.year, year_to=ctx.year)
    start, end = years.start(ctx.year), years.end(ctx.year)
    cases: list[tuple[str, Any, str]] = [
        ("an analyst", ctx.analyst, "objects"),
        ("a member", ctx.member, "objects"),
        ("a member", ctx.member, "activities"),
        ("anyone", AnonymousUser(), "activities"),
    ]
    results = []
    for who, user, measure in cases:

        def floor(measure: str = measure) -> None:
            floors.map_sql(start, end, measure=measure)

        def aggregate(user: Any = user, measure: str = measure) -> None:
            areas(user=user, level="district", measure=measure, filters=filters)

        results.append(
            Result(
                f"map.district.{who.split()[-1]}.{measure}",
                f"Map: {MEASURES[measure].lower()} by local authority, {years.label(ctx.year)}, for {who}",
                timed(aggregate, repeat=repeat, warmup=ctx.warmup),
                "raw SQL GROUP BY (everything)",
                timed(floor, repeat=repeat, warmup=ctx.warmup),
                target="under 200 ms",
                target_seconds=0.2,
            )
        )
    return results


def boundaries(ctx: Context, repeat: int) -> Result:
    """The district boundaries as a browser fetches them (gzipped), and their weight."""
    client = Client(HTTP_HOST="127.0.0.1")
    sizes = []

    def fetch() -> None:
        response = client.get("/geo/district.geojson", HTTP_ACCEPT_ENCODING="gzip")
        if response.status_code != 200 or response["Content-Encoding"] != "gzip":
            raise RuntimeError(f"the district boundaries answered {response.status_code}, not gzipped")
        sizes.append(len(response.content))

    timing = timed(fetch, repeat=repeat, warmup=ctx.warmup)
    size = sizes[-1]
    return Result(
        "map.boundaries.district",
        f"Map: the district boundaries, gzipped ({size / 1000:,.0f} kB)",
        timing,
        target="under 1 MB gzipped",
        checked=size < 1_000_000,
        extra={"gzip_bytes": size},
    )


def lists(ctx: Context, repeat: int) -> list[Result]:
    """List pages and API list endpoints with filters, signed in, against a bare view of the same rows."""
    client = Client(HTTP_HOST="127.0.0.1")  # a host every deployment allows, as a browser on the machine would send
    client.force_login(ctx.member)
    request = RequestFactory().get("/")
    request.user = ctx.member
    activities = f"year={ctx.label}&kind=learning_programme"
    cases: list[tuple[str, str, str, Callable[[], Any]]] = [
        (
            "list.activities",
            "Activities page, one year and kind",
            f"/activities/?{activities}",
            lambda: _bare_activities(request, ctx.year, LIST_PAGE),
        ),
        ("list.loans", "Loans page, closed", "/loans/?status=closed", lambda: _bare_loans(request, LIST_PAGE)),
        (
            "api.activities",
            "API: activities, one year and kind",
            f"/api/v1/activities/?{activities}",
            lambda: _bare_activities(request, ctx.year, API_PAGE),
        ),
        ("api.loans", "API: loans, closed", "/api/v1/loans/?status=closed", lambda: _bare_loans(request, API_PAGE)),
    ]
    results = []
    for name, label, url, bare in cases:

        def fetch(url: str = url) -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")

        results.append(
            Result(
                name,
                f"{label} ({url})",
                timed(fetch, repeat=repeat, warmup=ctx.warmup),
                "bare Django view, same rows as JSON",
                timed(bare, repeat=repeat, warmup=ctx.warmup),
            )
        )
    return results


# The floors of the lists: views with nothing but the query and JSON, for the same rows as the pages.


def _bare_activities(request: HttpRequest, year: int, page: int) -> JsonResponse:
    rows = (
        Activity.objects.visible_to(request.user)
        .in_year(year)
        .filter(kind="learning_programme")
        .order_by("-start_date", "-id")
        .values("id", "title", "kind", "lead__name", "start_date", "end_date", "status")[:page]
    )
    return JsonResponse({"results": list(rows)}, json_dumps_params={"default": str})


def _bare_loans(request: HttpRequest, page: int) -> JsonResponse:
    rows = (
        Loan.objects.visible_to(request.user)
        .filter(status=LoanStatus.CLOSED)
        .order_by("-requested_start", "-id")
        .values("id", "reference", "lender__name", "borrower__name", "status", "requested_start")[:page]
    )
    return JsonResponse({"results": list(rows)}, json_dumps_params={"default": str})


def imports(ctx: Context, repeat: int, workdir: Path) -> list[Result]:
    """The register again (every row matched, nothing changed) and a file of new activities, rolled back."""
    rows = ctx.activities_rows
    activities = activities_file.write(workdir / f"activities-{rows}.csv", rows)

    def register() -> None:
        with rolled_back():
            import_organisations(path=MAPPING_MUSEUMS_FILE, actor=BENCHMARKS)

    def many() -> None:
        with rolled_back():
            summary = import_activities(path=activities, skip_invalid=True, actor=BENCHMARKS)
            if summary.created < rows * 0.9:
                raise RuntimeError(f"the activities import created only {summary.created:,} of {rows:,} rows")

    return [
        Result(
            "import.register.again",
            "Import the 4,191-museum register again",
            timed(register, repeat=repeat, warmup=ctx.warmup),
        ),
        Result(
            "import.activities",
            f"Import {rows:,} activities (CSV)",
            timed(many, repeat=repeat, warmup=0),
        ),
    ]


def return_upload(ctx: Context, repeat: int) -> list[Result]:
    """A national museum's return: filled from the register, then uploaded as the XLSX it downloads."""
    return_ = Return.objects.select_related("year", "organisation").get(year__year=ctx.year, organisation=ctx.lender)

    def reopened() -> Return:
        ReportingYear.objects.filter(pk=return_.year_id).update(status=YearStatus.OPEN)
        Return.objects.filter(pk=return_.pk).update(status=ReturnStatus.DRAFT)
        return Return.objects.select_related("year", "organisation").get(pk=return_.pk)

    def prefill() -> None:
        with rolled_back():
            returns_services.return_prefill(return_=reopened(), actor=ctx.member)

    def upload() -> None:
        with rolled_back():
            opened = reopened()
            content = spreadsheet.workbook(opened)
            entries = spreadsheet.read(opened, content)
            returns_services.return_save(return_=opened, actor=ctx.member, entries=entries, source=Source.IMPORTED)

    return [
        Result(
            "return.prefill",
            "Fill a return from the register (every indicator derived)",
            timed(prefill, repeat=repeat, warmup=ctx.warmup),
        ),
        Result(
            "return.upload",
            "Upload a return as XLSX (write, read back and save)",
            timed(upload, repeat=repeat, warmup=ctx.warmup),
        ),
    ]
