"""Publishing the report: a frozen snapshot of its figures and files, a new version for each correction."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from museumshare.core import audit
from museumshare.core.services import Actor, Refused, person, require
from museumshare.reports import files, pdf
from museumshare.reports.compute import compute
from museumshare.reports.models import ReportVersion
from museumshare.returns import services as returns_services
from museumshare.returns.models import ReportingYear, YearStatus


@transaction.atomic
def report_publish(*, year: ReportingYear, actor: Actor, note: str = "") -> ReportVersion:
    """Publish the year's report as it stands: the first time, the closed year is published with it;
    after that, each publication is a correction, a new version that says what changed."""
    require(actor, "reports.publish_report", message="Only analysts can publish the report.")
    year = ReportingYear.objects.select_for_update().get(pk=year.pk)
    if not year.returns_are_final():
        raise Refused(f"Close {year.label} before you publish its report: its returns may still change.")
    if year.status == YearStatus.CLOSED:
        returns_services.year_publish(year=year, actor=actor)
        year.refresh_from_db()
    latest = ReportVersion.objects.filter(year=year).aggregate(n=Max("version"))["n"] or 0
    if latest and not note.strip():
        raise Refused({"note": "Say what this correction changes, for the readers of the earlier version."})
    published_at = timezone.now()
    data = compute(year.year).as_json() | {
        "status": "published",
        "version": latest + 1,
        "published_at": published_at.isoformat(),
        "note": note.strip(),
    }
    version = ReportVersion.objects.create(
        year=year,
        version=latest + 1,
        published_by=person(actor),
        note=note.strip(),
        data=data,
        pdf=pdf.render(data),
        xlsx=files.xlsx(data),
    )
    ReportVersion.objects.filter(pk=version.pk).update(published_at=published_at)
    audit.record(
        actor=actor,
        action="report.publish",
        obj=version,
        changes={"version": [latest or None, version.version], "note": [None, note.strip()]},
    )
    return version


def latest_version(year: ReportingYear) -> ReportVersion | None:
    return ReportVersion.objects.filter(year=year).order_by("-version").first()
