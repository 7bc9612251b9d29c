"""The Museum Partnership Report through the API: anyone reads a published version, frozen as it was
published, and an earlier one after a correction; before publication only the analysts see the draft.

The returns of 2017/18, 2019/20 and 2020/21 are imported, so their years are closed, ready to publish.
"""

import json
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from museumshare.accounts.models import User
from museumshare.api.tests.conftest import PEOPLE
from museumshare.organisations.models import Organisation
from museumshare.reports import files, pdf
from museumshare.reports.services import report_publish
from museumshare.reports.tests.conftest import ROWS
from museumshare.reports.tests.test_files import import_rows
from museumshare.returns.models import ReportingYear

ApiAs = Callable[[str], APIClient]
RUN_THE_COLLECTION = {"analyst", "admin"}
URL = "/api/v1/reports/2020-21/"


@pytest.fixture(autouse=True)
def quick_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in for the PDF, which takes seconds to make and has tests of its own."""
    monkeypatch.setattr(pdf, "render", lambda data: b"%PDF-1.7 " + data["status"].encode())


@pytest.fixture
def year(register: dict[str, Organisation]) -> ReportingYear:
    import_rows(ROWS)
    return ReportingYear.objects.get(year=2020)


@pytest.mark.parametrize("person", PEOPLE)
def test_before_publication_only_the_analysts_see_the_draft(api_as: ApiAs, year: ReportingYear, person: str) -> None:
    client = api_as(person)

    answer = client.get(URL)
    listed = client.get("/api/v1/reports/").json()

    assert listed["count"] == 0
    if person not in RUN_THE_COLLECTION:
        assert answer.status_code == 404
        assert answer.json() == {"detail": "No such report, or not published yet."}
        return
    data = answer.json()
    assert answer.status_code == 200, data
    assert (data["year"], data["status"], data["version"], data["published_at"]) == ("2020/21", "draft", None, None)
    networks = next(row for row in data["indicators"] if row["code"] == "formal_networks")
    assert (networks["value"], networks["change_percent"]) == (438, 25.9)


@pytest.mark.parametrize("person", ["anonymous", "bob", "analyst"])
def test_anyone_reads_the_published_report_as_its_json_file_has_it(
    api_as: ApiAs, year: ReportingYear, analyst: User, person: str
) -> None:
    version = report_publish(year=year, actor=analyst)

    answer = api_as(person).get(URL)

    assert answer.status_code == 200
    assert answer.json() == json.loads(files.json_text(version.data))
    assert list(answer.json()) == list(files.KEYS)
    assert (answer.json()["status"], answer.json()["version"]) == ("published", 1)


def test_the_list_gives_each_published_year_with_its_versions_and_files(
    api_as: ApiAs, year: ReportingYear, analyst: User
) -> None:
    report_publish(year=year, actor=analyst)
    latest = report_publish(year=year, actor=analyst, note="The Laing's loans were counted twice.")

    listed = api_as("anonymous").get("/api/v1/reports/").json()

    assert listed["count"] == 1
    row = listed["results"][0]
    assert (row["label"], row["slug"], row["version"]) == ("2020/21", "2020-21", 2)
    assert row["url"] == f"http://testserver{URL}"
    assert [(v["version"], v["note"]) for v in row["versions"]] == [
        (2, "The Laing's loans were counted twice."),
        (1, ""),
    ]
    assert row["versions"][1]["url"] == f"http://testserver{URL}?version=1"
    assert row["versions"][1]["web_url"] == "http://testserver/reports/2020-21/v1/"
    assert row["published_at"] == row["versions"][0]["published_at"]
    assert latest.published_at.year == int(row["published_at"][:4])
    assert row["links"] == {
        "page": "http://testserver/reports/2020-21/",
        "pdf": "http://testserver/reports/2020-21/report.pdf",
        "xlsx": "http://testserver/reports/2020-21/report.xlsx",
        "csv": "http://testserver/reports/2020-21/report.csv",
        "json": "http://testserver/reports/2020-21/report.json",
    }


def test_an_earlier_version_stays_readable_after_a_correction(
    api_as: ApiAs, year: ReportingYear, analyst: User
) -> None:
    first = report_publish(year=year, actor=analyst)
    report_publish(year=year, actor=analyst, note="The Laing's loans were counted twice.")
    client = api_as("anonymous")

    latest = client.get(URL).json()
    earlier = client.get(URL, {"version": 1}).json()

    assert (latest["version"], latest["note"]) == (2, "The Laing's loans were counted twice.")
    assert earlier == json.loads(files.json_text(first.data))
    assert client.get(URL, {"version": 3}).status_code == 404
    refused = client.get(URL, {"version": 0})
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["version"]
    assert client.get(URL, {"version": "first"}).status_code == 400


def test_the_analysts_see_no_draft_in_place_of_a_version_that_does_not_exist(
    api_as: ApiAs, year: ReportingYear
) -> None:
    assert api_as("analyst").get(URL, {"version": 1}).status_code == 404


@pytest.mark.parametrize("slug", ["2031-32", "2020-22", "latest"])
def test_a_year_that_is_not_in_museumshare_is_not_found(api_as: ApiAs, year: ReportingYear, slug: str) -> None:
    assert api_as("analyst").get(f"/api/v1/reports/{slug}/").status_code == 404


def test_the_queries_do_not_grow_with_the_years_and_versions(api_as: ApiAs, year: ReportingYear, analyst: User) -> None:
    client = api_as("anonymous")

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    report_publish(year=year, actor=analyst)
    one = queries("/api/v1/reports/")
    report_publish(year=year, actor=analyst, note="A correction.")
    for earlier in ReportingYear.objects.filter(year__lt=2020):
        report_publish(year=earlier, actor=analyst)

    assert queries("/api/v1/reports/") == one <= 3
    assert queries(URL) <= 2
    assert queries(f"{URL}?version=1") <= 2
