"""A collection round from opening the year to publishing it, through the services."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from museumshare.accounts.models import User
from museumshare.activities.models import Kind, PartnerRole
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.core.models import AuditEntry
from museumshare.core.services import NotPermitted, Refused
from museumshare.organisations.models import Organisation
from museumshare.returns import services
from museumshare.returns.demo import load_demo_round
from museumshare.returns.models import Indicator, ReportingYear, Return, ReturnStatus, YearStatus
from museumshare.returns.services import Entry


@pytest.fixture
def year(analyst: User, portrait_gallery: Organisation) -> ReportingYear:
    return services.year_create(actor=analyst, year=2024, deadline=date(2025, 6, 30))


@pytest.fixture
def gallery_return(
    year: ReportingYear, analyst: User, alice: User, portrait_gallery: Organisation, laing: Organisation
) -> Return:
    activity_create(
        actor=alice,
        data={"title": "Placements at the Laing", "kind": Kind.PLACEMENT, "lead": portrait_gallery,
              "start_date": date(2024, 9, 1), "participants": 3},
        partners=[(laing, PartnerRole.HOST)],
        places=[PlaceSpec(organisation=laing)],
    )  # fmt: skip
    services.year_open(year=year, actor=analyst)
    return Return.objects.get(organisation=portrait_gallery, year=year)


def _fill_required(return_: Return, actor: User) -> None:
    entries = {
        v.indicator.code: Entry(value=0, reason="None this year.")
        for v in return_.values.select_related("indicator")
        if v.value is None
    }
    services.return_save(return_=return_, actor=actor, entries=entries)


def test_opening_a_year_asks_the_national_museums_and_prefills_from_the_register(
    year: ReportingYear, gallery_return: Return
) -> None:
    assert year.organisations.count() == Return.objects.filter(year=year).count()
    assert year.organisations.filter(name="National Portrait Gallery").exists()
    assert not year.organisations.filter(name="Laing Art Gallery").exists()
    placements = gallery_return.values.get(indicator__code="placements")
    assert (placements.value, placements.derived, placements.source) == (Decimal(3), Decimal(3), "derived")
    assert gallery_return.values.count() == Indicator.objects.count() == 41


def test_a_value_that_differs_from_the_register_needs_a_reason(gallery_return: Return, alice: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.return_save(return_=gallery_return, actor=alice, entries={"placements": Entry(value="4")})
    assert "register's (3 people)" in refused.value.message_dict["placements"][0]

    services.return_save(
        return_=gallery_return, actor=alice, entries={"placements": Entry(value="4", reason="One not recorded.")}
    )
    placements = gallery_return.values.get(indicator__code="placements")
    assert (placements.value, placements.derived, placements.source) == (Decimal(4), Decimal(3), "entered")


@pytest.mark.parametrize(
    ("typed", "message"),
    [("twelve", "Enter a number of people, like 12."), ("-1", "Enter 0 or more."), ("2.5", "Enter a whole number")],
)
def test_it_refuses_values_that_are_not_whole_numbers_of_zero_or_more(
    gallery_return: Return, alice: User, typed: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.return_save(return_=gallery_return, actor=alice, entries={"placements": Entry(typed, "Why")})
    assert refused.value.message_dict["placements"][0].startswith(message)


def test_the_round_from_submission_to_publication(
    gallery_return: Return, year: ReportingYear, alice: User, analyst: User, bob: User
) -> None:
    services.return_save(return_=gallery_return, actor=alice, entries={"internships": Entry("", "Not known yet.")})
    with pytest.raises(Refused) as refused:
        services.return_submit(return_=gallery_return, actor=alice)
    assert refused.value.message_dict["internships"] == ["Enter the paid internships, or 0 if there were none."]
    _fill_required(gallery_return, alice)
    with pytest.raises(PermissionDenied):
        services.return_submit(return_=gallery_return, actor=bob)

    services.return_submit(return_=gallery_return, actor=alice)
    with pytest.raises(Refused):
        services.return_save(return_=gallery_return, actor=alice, entries={"placements": Entry(3)})
    with pytest.raises(PermissionDenied):
        services.return_approve(return_=gallery_return, actor=alice)
    services.return_send_back(return_=gallery_return, actor=analyst, comment="Check the placements.")
    gallery_return.refresh_from_db()
    assert gallery_return.status == ReturnStatus.RETURNED
    services.return_save(return_=gallery_return, actor=alice, entries={"placements": Entry(3, note="Checked.")})
    services.return_submit(return_=gallery_return, actor=alice)
    services.return_approve(return_=gallery_return, actor=analyst)
    assert not Return.objects.visible_to(bob).filter(pk=gallery_return.pk).exists()

    assert services.year_close(year=year, actor=analyst) == 1
    services.year_publish(year=year, actor=analyst)

    gallery_return.refresh_from_db()
    assert gallery_return.status == ReturnStatus.LOCKED
    assert ReportingYear.objects.get().status == YearStatus.PUBLISHED
    assert Return.objects.visible_to(bob).filter(pk=gallery_return.pk).exists()
    history = list(gallery_return.events.values_list("status", flat=True))
    assert history == ["draft", "submitted", "returned", "submitted", "approved", "locked"]


def test_a_big_change_on_last_year_is_a_warning_not_an_error(
    gallery_return: Return, alice: User, analyst: User, portrait_gallery: Organisation
) -> None:
    last_year = services.year_create(actor=analyst, year=2023, organisations=[portrait_gallery])
    services.year_open(year=last_year, actor=analyst)
    earlier = Return.objects.get(year=last_year)
    services.return_save(return_=earlier, actor=alice, entries={"placements": Entry(10, reason="From our records.")})
    _fill_required(earlier, alice)
    services.return_submit(return_=earlier, actor=alice)

    check = services.return_check(gallery_return)

    assert check.warnings["placements"].startswith("Down 70% on 2023/24 (10)")
    assert "placements" not in check.errors
    services.return_save(return_=gallery_return, actor=alice, entries={"placements": Entry(3, note="Fewer hosts.")})
    assert "placements" not in services.return_check(gallery_return).warnings


def test_clean_value_reads_numbers_as_people_type_them() -> None:
    people = Indicator(code="x", name="X", unit="people", whole_number=True)
    money = Indicator(code="y", name="Y", unit="£", whole_number=False)
    assert services.clean_value(people, "1,250") == Decimal("1250")
    assert services.clean_value(people, "") is None
    assert services.clean_value(money, "12.5") == Decimal("12.5")
    with pytest.raises(ValueError, match="two decimal places"):
        services.clean_value(money, "1.234")


def test_a_stranger_may_not_run_the_collection_or_change_or_review_a_return(
    year: ReportingYear, gallery_return: Return, charlie: User
) -> None:
    steps: list[Callable[[], object]] = [
        lambda: services.year_create(actor=charlie, year=2030),
        lambda: services.year_update(year=year, actor=charlie, data={"deadline": None}),
        lambda: services.year_close(year=year, actor=charlie),
        lambda: services.return_prefill(return_=gallery_return, actor=charlie),
        lambda: services.return_save(return_=gallery_return, actor=charlie, entries={}),
        lambda: services.return_submit(return_=gallery_return, actor=charlie),
        lambda: services.return_approve(return_=gallery_return, actor=charlie),
        lambda: services.return_send_back(return_=gallery_return, actor=charlie, comment="Change it."),
        lambda: services.send_return_reminders(actor=charlie),
    ]
    for step in steps:
        with pytest.raises(NotPermitted):
            step()
    assert not AuditEntry.objects.filter(actor=charlie).exists()


def test_a_submitted_return_is_not_refreshed_from_the_register(gallery_return: Return, alice: User) -> None:
    _fill_required(gallery_return, alice)
    services.return_submit(return_=gallery_return, actor=alice)

    with pytest.raises(Refused, match="it cannot be changed now"):
        services.return_prefill(return_=gallery_return, actor=alice)


def test_the_organisations_people_and_the_analysts_see_a_returns_review_and_nobody_else(
    gallery_return: Return, alice: User, bob: User, charlie: User, analyst: User
) -> None:
    assert alice.has_perm("returns.view_review", gallery_return)
    assert analyst.has_perm("returns.view_review", gallery_return)
    assert not bob.has_perm("returns.view_review", gallery_return)
    assert not charlie.has_perm("returns.view_review", gallery_return)
    assert not AnonymousUser().has_perm("returns.view_review", gallery_return)


def test_the_demo_round_is_opened_by_the_demo_in_the_audit_log(portrait_gallery: Organisation) -> None:
    year = load_demo_round(today=date(2025, 5, 1))

    assert year is not None
    year.refresh_from_db()
    assert year.status == YearStatus.OPEN
    entries = AuditEntry.objects.filter(action__startswith="reporting_year.")
    assert {(entry.action, entry.actor_id, entry.actor_name) for entry in entries} == {
        ("reporting_year.create", None, "demo"),
        ("reporting_year.open", None, "demo"),
    }
