"""The annual returns through the API: a museum sees its own, analysts all, and nobody outside sees a
return before its year is published.

alice edits at the National Portrait Gallery, which the 2024/25 collection asks for a return; bob
edits at the Laing, which it does not ask; charlie belongs to neither; the analyst runs the
collection; the administrator may do anything.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from museumshare.accounts.models import User
from museumshare.api.tests.conftest import PEOPLE
from museumshare.core.models import AuditEntry
from museumshare.organisations.models import Organisation
from museumshare.returns import services
from museumshare.returns.models import Indicator, ReportingYear, Return, ReturnStatus, Section, Source

ApiAs = Callable[[str], APIClient]
RUN_THE_COLLECTION = {"analyst", "admin"}


@pytest.fixture
def year(analyst: User, portrait_gallery: Organisation) -> ReportingYear:
    """2024/25, open: every national museum of the report has its return, prefilled from the register."""
    reporting_year = services.year_create(actor=analyst, year=2024)
    services.year_open(year=reporting_year, actor=analyst)
    return reporting_year


@pytest.fixture
def gallery_return(year: ReportingYear, portrait_gallery: Organisation) -> Return:
    return Return.objects.get(year=year, organisation=portrait_gallery)


def ids(answer: Any) -> set[int]:
    data = answer.json()
    assert answer.status_code == 200, data
    return {row["id"] for row in data["results"]}


def url(return_: Return, step: str = "") -> str:
    return f"/api/v1/returns/{return_.pk}/{step + '/' if step else ''}"


def submit(client: APIClient, return_: Return) -> Any:
    return client.post(url(return_, "submit"), {}, format="json")


def publish(year: ReportingYear, gallery_return: Return, alice: User, analyst: User) -> None:
    """alice's return submitted and approved; the year closed and published."""
    services.return_submit(return_=gallery_return, actor=alice)
    services.return_approve(return_=gallery_return, actor=analyst)
    services.year_close(year=year, actor=analyst)
    services.year_publish(year=year, actor=analyst)


# The catalogue and the years


def test_anyone_reads_the_indicator_catalogue(api_as: ApiAs, year: ReportingYear) -> None:
    client = api_as("anonymous")

    listed = client.get("/api/v1/indicators/").json()
    placements = client.get("/api/v1/indicators/placements/").json()

    assert listed["count"] == Indicator.objects.count() == 41
    assert listed["results"][0]["code"] == "display_loans"
    assert {name: placements[name] for name in ("code", "unit", "section", "whole_number", "required", "derived")} == {
        "code": "placements",
        "unit": "people",
        "section": Section.SKILLS,
        "whole_number": True,
        "required": True,
        "derived": True,
    }
    assert (placements["first_year"], placements["last_year"]) == (None, None)
    assert client.get("/api/v1/indicators/no-such-code/").status_code == 404


def test_the_catalogue_filters_by_section_and_by_the_year_an_indicator_applies_to(api_as: ApiAs, db: Any) -> None:
    Indicator.objects.create(
        code="grant_income", name="Grant income", definition="Grants received.", unit="£", section=Section.PARTNERS,
        whole_number=False, first_year=2025,
    )  # fmt: skip
    client = api_as("anonymous")

    def codes(query: dict[str, str]) -> set[str]:
        return {row["code"] for row in client.get("/api/v1/indicators/", query).json()["results"]}

    assert "grant_income" not in codes({"year": "2024-25"})
    assert "grant_income" in codes({"year": "2025-26"})
    assert codes({"section": "research"}) == set(
        Indicator.objects.filter(section=Section.RESEARCH).values_list("code", flat=True)
    )
    assert client.get("/api/v1/indicators/grant_income/").json()["first_year"] == "2025/26"
    refused = client.get("/api/v1/indicators/", {"year": "2024-26"})
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["year"]


@pytest.mark.parametrize("person", PEOPLE)
def test_anyone_sees_the_reporting_years_and_only_analysts_their_returns_by_status(
    api_as: ApiAs, year: ReportingYear, gallery_return: Return, alice: User, person: str
) -> None:
    services.return_submit(return_=gallery_return, actor=alice)
    client = api_as(person)

    listed = client.get("/api/v1/reporting-years/").json()
    detail = client.get("/api/v1/reporting-years/2024-25/").json()

    assert [row["slug"] for row in listed["results"]] == ["2024-25"]
    assert (detail["year"], detail["label"], detail["status"]) == (2024, "2024/25", "open")
    asked = year.organisations.count()
    if person in RUN_THE_COLLECTION:
        assert detail["returns"] == {
            "draft": asked - 1, "submitted": 1, "returned": 0, "approved": 0, "locked": 0, "total": asked,
        }  # fmt: skip
    else:
        assert detail["returns"] is None
    assert listed["results"][0]["returns"] == detail["returns"]


def test_a_reporting_year_is_named_by_its_slug(api_as: ApiAs, year: ReportingYear) -> None:
    client = api_as("anonymous")

    assert client.get("/api/v1/reporting-years/2024-25/").status_code == 200
    assert client.get("/api/v1/reporting-years/2023-24/").status_code == 404
    assert client.get("/api/v1/reporting-years/2024-26/").status_code == 404
    assert client.get("/api/v1/reporting-years/2024/").status_code == 404


# Who sees a return


def test_a_museum_sees_its_own_return_and_analysts_all_before_the_year_is_published(
    api_as: ApiAs, year: ReportingYear, gallery_return: Return
) -> None:
    everything = set(Return.objects.values_list("pk", flat=True))
    sees = {"alice": {gallery_return.pk}} | dict.fromkeys(RUN_THE_COLLECTION, everything)

    listed = {person: ids(api_as(person).get("/api/v1/returns/")) for person in PEOPLE}
    statuses = {person: api_as(person).get(url(gallery_return)).status_code for person in PEOPLE}

    assert len(everything) == year.organisations.count() > 1
    assert listed == {person: sees.get(person, set()) for person in PEOPLE}
    assert statuses == {person: 200 if person in sees else 404 for person in PEOPLE}


def test_once_the_year_is_published_anyone_sees_the_approved_returns_and_no_others(
    api_as: ApiAs, year: ReportingYear, gallery_return: Return, alice: User, analyst: User
) -> None:
    publish(year, gallery_return, alice, analyst)
    others = Return.objects.exclude(pk=gallery_return.pk).first()
    assert others is not None
    assert others.status == ReturnStatus.DRAFT

    for person in ("anonymous", "bob", "charlie"):
        client = api_as(person)
        assert ids(client.get("/api/v1/returns/")) == {gallery_return.pk}, person
        assert client.get(url(gallery_return)).json()["status"] == ReturnStatus.LOCKED
        assert client.get(url(others)).status_code == 404


def test_a_return_gives_its_organisation_year_and_values_as_numbers(
    api_as: ApiAs, gallery_return: Return, portrait_gallery: Organisation
) -> None:
    answer = api_as("alice").get(url(gallery_return)).json()

    assert answer["organisation"]["id"] == portrait_gallery.pk
    assert answer["organisation"]["name"] == "National Portrait Gallery"
    assert answer["year"]["label"] == "2024/25"
    assert (answer["status"], answer["editable"], answer["submitted_at"]) == ("draft", True, None)
    assert answer["web_url"].endswith("/returns/2024-25/national-portrait-gallery/")
    placements = next(row for row in answer["values"] if row["indicator"] == "placements")
    assert placements == {
        "indicator": "placements", "value": 0, "derived": 0, "source": Source.DERIVED, "reason": "", "note": "",
        "updated_at": placements["updated_at"],
    }  # fmt: skip
    assert isinstance(placements["value"], int)
    assert [row["indicator"] for row in answer["values"]][:2] == ["display_loans", "display_objects"]


def test_the_returns_list_filters_by_year_organisation_and_status(
    api_as: ApiAs,
    year: ReportingYear,
    gallery_return: Return,
    alice: User,
    analyst: User,
    portrait_gallery: Organisation,
) -> None:
    earlier = services.year_create(actor=analyst, year=2023, organisations=[portrait_gallery])
    services.year_open(year=earlier, actor=analyst)
    services.return_submit(return_=gallery_return, actor=alice)
    client = api_as("analyst")

    def listed(query: dict[str, Any]) -> set[int]:
        return ids(client.get("/api/v1/returns/", query))

    ours = set(Return.objects.filter(organisation=portrait_gallery).values_list("pk", flat=True))
    assert len(ours) == 2
    assert listed({"organisation": portrait_gallery.pk}) == ours
    assert listed({"organisation": portrait_gallery.slug}) == ours
    assert listed({"organisation": portrait_gallery.slug, "year": "2024-25"}) == {gallery_return.pk}
    assert listed({"year": "2023-24"}) == set(Return.objects.filter(year=earlier).values_list("pk", flat=True))
    assert listed({"status": "submitted"}) == {gallery_return.pk}
    assert listed({"organisation": "99999999999999999999999"}) == set()
    for query in ({"year": "twenty"}, {"status": "pending"}):
        refused = client.get("/api/v1/returns/", query)
        assert refused.status_code == 400
        assert list(refused.json()["errors"]) == list(query)


def test_only_the_organisation_and_analysts_read_the_review(
    api_as: ApiAs, year: ReportingYear, gallery_return: Return, alice: User, analyst: User
) -> None:
    services.return_submit(return_=gallery_return, actor=alice)
    services.return_send_back(return_=gallery_return, actor=analyst, comment="Check the placements.")
    publish(year, gallery_return, alice, analyst)

    answers = {person: api_as(person).get(url(gallery_return)).json() for person in PEOPLE}

    for person in ("alice", "analyst", "admin"):
        assert answers[person]["review_comments"] == "Check the placements.", person
        history = [(event["status"], event["comment"]) for event in answers[person]["history"]]
        assert ("returned", "Check the placements.") in history
    for person in ("anonymous", "bob", "charlie"):
        assert (answers[person]["review_comments"], answers[person]["history"]) == (None, None), person


# Completing and submitting


def test_an_editor_saves_values_and_a_value_unlike_the_registers_needs_a_reason(
    api_as: ApiAs, gallery_return: Return, alice: User
) -> None:
    client = api_as("alice")
    path = url(gallery_return, "values")

    missing_reason = client.patch(path, {"values": {"placements": {"value": 4}}}, format="json")
    saved = client.patch(
        path,
        {"values": {"placements": {"value": "4", "reason": "One not recorded.", "note": "From HR."}}, "comments": "Hi"},
        format="json",
    )

    assert missing_reason.status_code == 400
    assert missing_reason.json()["errors"] == {
        "values.placements": ["Say why the value differs from the register's (0 people)."]
    }
    assert saved.status_code == 200, saved.json()
    row = next(row for row in saved.json()["values"] if row["indicator"] == "placements")
    assert (row["value"], row["derived"], row["source"], row["reason"], row["note"]) == (
        4, 0, "entered", "One not recorded.", "From HR.",
    )  # fmt: skip
    assert saved.json()["comments"] == "Hi"
    entry = AuditEntry.objects.filter(action="return.save").get()
    assert entry.actor == alice
    assert entry.changes["placements.value"] == ["0", "4"]


def test_what_a_patch_leaves_out_stays_as_it_is(api_as: ApiAs, gallery_return: Return) -> None:
    client = api_as("alice")
    path = url(gallery_return, "values")
    client.patch(path, {"values": {"placements": {"value": 4, "reason": "One not recorded."}}}, format="json")

    answer = client.patch(path, {"values": {"placements": {"note": "Checked."}}}, format="json")

    assert answer.status_code == 200, answer.json()
    row = gallery_return.values.get(indicator__code="placements")
    assert (row.value, row.reason, row.note) == (Decimal(4), "One not recorded.", "Checked.")


@pytest.mark.parametrize(
    ("entry", "field", "message"),
    [
        ({"value": "twelve", "reason": "Why"}, "values.placements", "Enter a number of people, like 12."),
        ({"value": -1, "reason": "Why"}, "values.placements", "Enter 0 or more."),
        ({"value": 2.5, "reason": "Why"}, "values.placements", "Enter a whole number of people, like 12."),
        ({"value": True, "reason": "Why"}, "values.placements", "Enter a number of people, not yes or no."),
        ({"value": 1e30, "reason": "Why"}, "values.placements", "Enter a smaller number"),
        ({"value": {"n": 1}}, "values.placements.value", "Enter a number, or null for no value."),
        ({"reason": "x" * 1001}, "values.placements.reason", "Ensure this field has no more than 1000 characters."),
    ],
)
def test_it_refuses_a_value_the_web_form_would_refuse_naming_its_indicator(
    api_as: ApiAs, gallery_return: Return, entry: dict[str, Any], field: str, message: str
) -> None:
    answer = api_as("alice").patch(url(gallery_return, "values"), {"values": {"placements": entry}}, format="json")

    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == [field]
    assert answer.json()["errors"][field][0].startswith(message)
    assert not AuditEntry.objects.filter(action="return.save").exists()


def test_all_values_are_saved_or_none(api_as: ApiAs, gallery_return: Return) -> None:
    values = {"placements": {"value": 0, "note": "None."}, "no_such_indicator": {"value": 1}}

    answer = api_as("alice").patch(url(gallery_return, "values"), {"values": values}, format="json")

    assert answer.status_code == 400
    assert answer.json()["errors"] == {
        "values.no_such_indicator": ["no_such_indicator is not an indicator of the 2024/25 return."]
    }
    assert gallery_return.values.get(indicator__code="placements").note == ""


def test_an_indicator_that_is_not_counted_takes_decimals(
    api_as: ApiAs, analyst: User, portrait_gallery: Organisation
) -> None:
    Indicator.objects.create(
        code="grant_income", name="Grant income", definition="Grants received.", unit="£", section=Section.PARTNERS,
        whole_number=False, required=False,
    )  # fmt: skip
    year = services.year_create(actor=analyst, year=2024, organisations=[portrait_gallery])
    services.year_open(year=year, actor=analyst)
    return_ = Return.objects.get(year=year)

    answer = api_as("alice").patch(url(return_, "values"), {"values": {"grant_income": {"value": 1250.5}}}, "json")

    row = next(row for row in answer.json()["values"] if row["indicator"] == "grant_income")
    assert (row["value"], row["derived"], row["source"]) == (1250.5, None, "entered")


def test_an_editor_submits_a_complete_return_and_then_cannot_change_it(
    api_as: ApiAs, gallery_return: Return, alice: User
) -> None:
    client = api_as("alice")
    client.patch(
        url(gallery_return, "values"),
        {"values": {"internships": {"value": None, "reason": "Not known yet."}}},
        format="json",
    )

    incomplete = submit(client, gallery_return)
    client.patch(url(gallery_return, "values"), {"values": {"internships": {"value": 0}}}, format="json")
    submitted = client.post(url(gallery_return, "submit"), {"comment": "All checked."}, format="json")
    too_late = client.patch(url(gallery_return, "values"), {"values": {"placements": {"value": 0}}}, format="json")

    assert incomplete.status_code == 400
    assert incomplete.json()["errors"] == {
        "values.internships": ["Enter the paid internships, or 0 if there were none."]
    }
    assert submitted.status_code == 200, submitted.json()
    assert (submitted.json()["status"], submitted.json()["editable"]) == ("submitted", False)
    assert submitted.json()["submitted_at"] is not None
    assert submitted.json()["history"][-1] == {
        "status": "submitted", "at": submitted.json()["history"][-1]["at"], "comment": "All checked.",
    }  # fmt: skip
    assert too_late.status_code == 400
    assert too_late.json()["errors"]["non_field_errors"][0].startswith("This return is submitted")


@pytest.mark.parametrize("step", ["values", "submit"])
def test_only_the_organisations_editors_change_or_submit_its_return(
    api_as: ApiAs, gallery_return: Return, step: str
) -> None:
    body = {"values": {"placements": {"value": 0, "note": "Checked."}}} if step == "values" else {}

    def attempt(person: str) -> int:
        client = api_as(person)
        call = client.patch if step == "values" else client.post
        return call(url(gallery_return, step), body, format="json").status_code

    # The draft goes back before each attempt, so that every person meets the same return.
    statuses = {}
    for person in PEOPLE:
        Return.objects.filter(pk=gallery_return.pk).update(status=ReturnStatus.DRAFT)
        statuses[person] = attempt(person)

    # bob and charlie may not see it: for them it does not exist. The analyst sees it, but may not change it.
    assert statuses == {"anonymous": 401, "alice": 200, "bob": 404, "charlie": 404, "analyst": 403, "admin": 200}


def test_someone_who_sees_a_published_return_may_still_not_change_it(
    api_as: ApiAs, year: ReportingYear, gallery_return: Return, alice: User, analyst: User
) -> None:
    publish(year, gallery_return, alice, analyst)

    answer = api_as("bob").patch(url(gallery_return, "values"), {"values": {}}, format="json")

    assert answer.status_code == 403
    assert answer.json()["detail"] == "Only editors at the organisation can change its return."


# Review


def test_an_analyst_approves_a_submitted_return(api_as: ApiAs, gallery_return: Return, alice: User) -> None:
    services.return_submit(return_=gallery_return, actor=alice)

    by_alice = api_as("alice").post(url(gallery_return, "approve"), {}, format="json")
    approved = api_as("analyst").post(url(gallery_return, "approve"), {"comment": "Thank you."}, format="json")
    again = api_as("analyst").post(url(gallery_return, "approve"), {}, format="json")

    assert by_alice.status_code == 403
    assert by_alice.json()["detail"] == "Only analysts can review returns."
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"
    assert approved.json()["approved_at"] is not None
    assert again.status_code == 400
    assert again.json()["errors"] == {"non_field_errors": ["This return is approved, not waiting for review."]}


def test_an_analyst_returns_a_return_for_changes_saying_what_to_change(
    api_as: ApiAs, gallery_return: Return, alice: User, analyst: User
) -> None:
    services.return_submit(return_=gallery_return, actor=alice)
    client = api_as("analyst")
    path = url(gallery_return, "return-for-changes")

    without = client.post(path, {}, format="json")
    blank = client.post(path, {"comment": "   "}, format="json")
    returned = client.post(path, {"comment": "Check the placements."}, format="json")

    for refused in (without, blank):
        assert refused.status_code == 400
        assert refused.json()["errors"] == {"comment": ["Say what the organisation should change."]}
    assert returned.status_code == 200, returned.json()
    assert (returned.json()["status"], returned.json()["editable"]) == ("returned", True)
    assert returned.json()["review_comments"] == "Check the placements."
    assert api_as("alice").get(url(gallery_return)).json()["review_comments"] == "Check the placements."
    assert AuditEntry.objects.filter(action="return.send_back", actor=analyst).exists()


def test_nobody_outside_may_review_a_return_they_cannot_see(api_as: ApiAs, gallery_return: Return, alice: User) -> None:
    services.return_submit(return_=gallery_return, actor=alice)

    statuses = {
        person: api_as(person)
        .post(url(gallery_return, "return-for-changes"), {"comment": "No."}, format="json")
        .status_code
        for person in ("anonymous", "bob", "charlie", "alice")
    }

    assert statuses == {"anonymous": 401, "bob": 404, "charlie": 404, "alice": 403}
    gallery_return.refresh_from_db()
    assert gallery_return.status == ReturnStatus.SUBMITTED


# Cost


@pytest.mark.parametrize("person", ["alice", "analyst", "anonymous"])
def test_the_returns_list_costs_the_same_few_queries_however_many_returns(
    api_as: ApiAs,
    year: ReportingYear,
    gallery_return: Return,
    alice: User,
    analyst: User,
    django_assert_max_num_queries: Any,
    person: str,
) -> None:
    client = api_as(person)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            answer = client.get("/api/v1/returns/")
        assert answer.status_code == 200
        return len(captured)

    publish(year, gallery_return, alice, analyst)
    queries()  # a token's first use is written down (at most once a minute), a one-off write
    few = queries()
    for first in (2021, 2022, 2023):
        earlier = services.year_create(actor=analyst, year=first)
        services.year_open(year=earlier, actor=analyst)
        Return.objects.filter(year=earlier).update(status=ReturnStatus.LOCKED)
        services.year_close(year=earlier, actor=analyst)
        services.year_publish(year=earlier, actor=analyst)

    with django_assert_max_num_queries(8):
        answer = client.get("/api/v1/returns/")

    assert answer.json()["count"] > 50
    assert queries() == few


def test_a_year_written_with_a_percent_sign_is_refused_saying_how_to_write_it(api_as: ApiAs) -> None:
    answer = api_as("anonymous").get("/api/v1/indicators/", {"year": "%"})

    assert answer.status_code == 400
    assert "Enter it like 2024-25." in str(answer.json())
