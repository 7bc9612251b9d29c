"""The report's pages and files: hidden until published, then the same for everyone whatever
changes afterwards, until an analyst publishes a correction; the analysts' drafts and publishing."""

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from museumshare.accounts.models import User
from museumshare.core.services import NotPermitted
from museumshare.organisations.models import Organisation
from museumshare.reports import charts, services
from museumshare.reports.models import ReportVersion
from museumshare.returns.models import ReportingYear, ReturnValue, YearStatus

REPORT = "/reports/2020-21/"
AUDIENCE = "People who saw the collection outside national museums in the UK fell by 94% compared with 2019/20"


@pytest.fixture
def year(published_figures: tuple[Organisation, Organisation]) -> ReportingYear:
    """2020/21, imported closed: ready to publish."""
    return ReportingYear.objects.get(year=2020)


@pytest.fixture
def published(year: ReportingYear, analyst: User) -> ReportVersion:
    return services.report_publish(year=year, actor=analyst)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined,no-any-return]


def test_nobody_but_the_analysts_sees_a_report_before_it_is_published(year: ReportingYear, charlie: User) -> None:
    assert Client().get(REPORT).status_code == 404
    assert signed_in(charlie).get(REPORT).status_code == 404
    assert Client().get(f"{REPORT}report.pdf").status_code == 404
    assert Client().get("/reports/2020-21/v1/").status_code == 404


def test_an_analyst_sees_the_draft_marked_as_a_draft_with_a_button_to_publish_it(
    year: ReportingYear, analyst: User
) -> None:
    page = text(signed_in(analyst).get(REPORT))

    assert "<title>Draft: Museum Partnership Report 2020/21" in page
    assert "<h1>Draft: Museum Partnership Report 2020/21</h1>" in page
    assert "They are not published" in page
    assert AUDIENCE in page
    assert "Publish the report</a>" in page


def test_an_analyst_is_told_to_close_an_open_year_before_publishing_its_report(
    year: ReportingYear, analyst: User
) -> None:
    ReportingYear.objects.filter(pk=year.pk).update(status=YearStatus.OPEN)
    client = signed_in(analyst)

    assert "close 2020/21</a>, so that its returns can no longer change" in text(client.get(REPORT))
    response = client.post(f"{REPORT}publish/", {"note": ""})
    assert response.status_code == 200
    assert "Close the year</a> before you publish its report" in text(response)
    assert not ReportVersion.objects.exists()


def test_publishing_freezes_the_report_for_everyone(year: ReportingYear, analyst: User) -> None:
    client = signed_in(analyst)
    confirm = text(client.get(f"{REPORT}publish/"))
    assert "anyone can then see its approved returns" in confirm

    response = client.post(f"{REPORT}publish/", {"note": ""}, follow=True)

    assert response.redirect_chain == [(REPORT, 302)]
    assert "The Museum Partnership Report 2020/21 is published" in text(response)
    page = text(Client().get(REPORT))
    assert "<h1>Museum Partnership Report 2020/21</h1>" in page
    assert f"Published on {timezone.localdate():%-d %B %Y}" in page
    assert AUDIENCE in page
    assert "1.3 million" in page
    assert "Draft" not in page
    assert "Publish a correction" not in page


def test_the_published_report_stays_as_published_until_a_correction_and_earlier_versions_stay_readable(
    published: ReportVersion, analyst: User
) -> None:
    value = ReturnValue.objects.get(
        annual_return__year__year=2020, indicator__code="audience_uk",
        value=Decimal(800_000),
    )  # fmt: skip
    value.value = Decimal(900_000)
    value.save()

    assert "1.3 million people" in text(Client().get(REPORT))
    assert "1.4 million people" in text(signed_in(analyst).get(f"{REPORT}?draft"))

    client = signed_in(analyst)
    refused = client.post(f"{REPORT}publish/", {"note": ""})
    assert "Say what this correction changes" in text(refused)
    assert "1.3 million people" in text(refused)
    assert "1.4 million people" in text(refused)
    client.post(f"{REPORT}publish/", {"note": "The British Museum's audience was corrected."})

    page = text(Client().get(REPORT))
    assert "1.4 million people" in page
    assert "version 2, a correction" in page
    assert "The British Museum&#x27;s audience was corrected." in page
    assert 'href="/reports/2020-21/v1/"' in page
    first = text(Client().get("/reports/2020-21/v1/"))
    assert "1.3 million people" in first
    assert "A later version corrects it" in first


def test_only_analysts_may_publish(year: ReportingYear, alice: User) -> None:
    assert Client().get(f"{REPORT}publish/")["Location"].startswith("/accounts/sign-in/")
    assert signed_in(alice).post(f"{REPORT}publish/", {"note": ""}).status_code == 403
    assert not ReportVersion.objects.exists()


def test_the_publishing_service_refuses_anyone_but_the_analysts(year: ReportingYear, charlie: User) -> None:
    with pytest.raises(NotPermitted, match=r"Only analysts can publish the report\."):
        services.report_publish(year=year, actor=charlie)
    assert not ReportVersion.objects.exists()


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def test_the_published_files_are_the_frozen_ones_named_for_the_report(published: ReportVersion) -> None:
    for fmt, content_type in CONTENT_TYPES.items():
        response = Client().get(f"{REPORT}report.{fmt}")
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert f'filename="museumshare-museum-partnership-report-2020-21.{fmt}"' in response["Content-Disposition"]
        version = Client().get(f"/reports/2020-21/v1/report.{fmt}")
        assert f'filename="museumshare-museum-partnership-report-2020-21-v1.{fmt}"' in version["Content-Disposition"]
        assert version.content == response.content

    pdf = Client().get(f"{REPORT}report.pdf").content
    assert pdf == bytes(published.pdf)
    assert pdf.startswith(b"%PDF-")


def test_an_analyst_downloads_a_draft_made_now(year: ReportingYear, analyst: User) -> None:
    response = signed_in(analyst).get(f"{REPORT}report.json")

    assert response.status_code == 200
    assert 'filename="museumshare-museum-partnership-report-2020-21-draft.json"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    if response.content:  # the JSON file is the report's data
        assert json.loads(response.content)["status"] == "draft"


def test_other_formats_are_not_found(published: ReportVersion) -> None:
    assert Client().get(f"{REPORT}report.doc").status_code == 404
    assert Client().get("/reports/2020-21/v1/report.html").status_code == 404
    assert Client().get("/reports/2020-21/v2/").status_code == 404
    assert Client().get("/reports/2020-22/").status_code == 404


def test_the_list_shows_everyone_the_published_reports_and_analysts_the_drafts(
    year: ReportingYear, analyst: User
) -> None:
    assert "No report is published yet" in text(Client().get("/reports/"))
    assert "Draft: Museum Partnership Report 2020/21" in text(signed_in(analyst).get("/reports/"))

    services.report_publish(year=year, actor=analyst)

    page = text(Client().get("/reports/"))
    assert 'href="/reports/2020-21/">Museum Partnership Report 2020/21</a>' in page
    assert 'href="/reports/2020-21/report.pdf"' in page
    assert '<a href="/reports/" aria-current="page">Reports</a>' in page
    assert "Draft: Museum Partnership Report 2020/21" not in text(signed_in(analyst).get("/reports/"))


def test_the_open_data_links_each_published_years_latest_figures(published: ReportVersion) -> None:
    page = text(Client().get("/reports/open-data/"))

    assert 'href="/reports/2020-21/v1/report.csv"' in page
    assert 'href="/reports/2020-21/v1/report.json"' in page
    assert "Open Government Licence v3.0" in page
    assert "Formal networks taken part in" in page  # a definition


def test_the_report_page_has_one_heading_1_captioned_tables_and_labelled_charts(published: ReportVersion) -> None:
    page = text(Client().get(REPORT))

    assert page.count("<h1") == 1
    assert page.count("<table") == page.count("<caption")
    assert page.count("<svg ") == page.count('role="img" aria-labelledby=')
    assert page.count("<svg ") >= 2  # a trend chart for each headline figure
    ids = [chunk.split('"', 1)[0] for chunk in page.split(' id="')[1:]]
    assert len(ids) == len(set(ids))


def test_a_reports_charts_are_drawn_once_for_the_same_figures(
    year: ReportingYear, published: ReportVersion, analyst: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = []
    present = charts.present

    def counted(data: dict[str, Any]) -> dict[str, Any]:
        drawn.append(data["status"])
        return present(data)

    monkeypatch.setattr(charts, "present", counted)
    cache.clear()

    first, again = Client().get(REPORT), Client().get(REPORT)

    assert text(first) == text(again)
    assert drawn == ["published"]
    # A return changed since: the draft of a correction has other figures, and is drawn for them, once.
    ReturnValue.objects.filter(annual_return__year=year, indicator__code="audience_uk", value=800_000).update(
        value=Decimal(900_000)
    )
    analysts = signed_in(analyst)
    assert "1.4 million people" in text(analysts.get(f"{REPORT}?draft"))
    assert "1.4 million people" in text(analysts.get(f"{REPORT}?draft"))
    assert drawn == ["published", "draft"]
