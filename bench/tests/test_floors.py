"""The floors give the product's figures: the annual report's indicators and breakdowns, and the map's.

A benchmark's ratio means something only when the floor computes the same figures, so the data
here has what could make two ways of counting disagree: returns in several years, submitted and
draft returns, indicators not reported for a while, ones no longer asked, figures with pence;
loans that did not go ahead, or fell outside the year, or were lent by a site of a national body,
or went abroad, to the Channel Islands, to a venue with no district, or on for 18 months;
activities cancelled, open-ended, in two regions of one nation, abroad, or with no national
museum; partners met before, museums among the partners, and partners with no governance.
"""

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bench.floors import MAP_MEASURES, export_returns_csv, map_sql, report_pandas, report_sql
from bench.generate import generate
from museumshare.accounts.models import User
from museumshare.activities.models import Activity, Kind, PartnerRole
from museumshare.activities.models import Status as ActivityStatus
from museumshare.activities.services import PlaceSpec, activity_create
from museumshare.atlas.aggregate import Filters, areas
from museumshare.core import geography, years
from museumshare.core.services import System
from museumshare.loans.models import CollectionObject, Loan, LoanObject, Purpose, Status
from museumshare.organisations.models import Governance, Organisation, Venue
from museumshare.organisations.models import Kind as OrganisationKind
from museumshare.reports.breakdowns import breakdowns
from museumshare.reports.compute import compute, number
from museumshare.returns.importer import import_returns_content
from museumshare.returns.models import Indicator, ReportingYear
from museumshare.returns.services import year_create

YEARS = (2018, 2019, 2020, 2021)
NEWCASTLE, NORTHUMBERLAND, CARDIFF = "E08000021", "E06000057", "W06000015"
# The breakdowns' words, which the floors leave out: only their figures are compared.
TEXT = {"label", "name", "region", "area", "area_label"}


def lend(
    lender: Organisation,
    borrower: Organisation,
    objects: int = 1,
    *,
    status: str = Status.ON_LOAN,
    purpose: str = Purpose.EXHIBITION,
    start: date = date(2020, 6, 1),
    end: date = date(2020, 9, 30),
    venue: Venue | None = None,
    agreed: bool = True,
) -> Loan:
    loan = Loan.objects.create(
        reference=f"LO-{Loan.objects.count() + 1:04d}",
        lender=lender,
        borrower=borrower,
        venue=venue,
        purpose=purpose,
        requested_start=start,
        requested_end=end,
        agreed_start=start if agreed else None,
        agreed_end=end if agreed else None,
        status=status,
    )
    for n in range(1, objects + 1):
        item = CollectionObject.objects.create(owner=lender, accession_number=f"{loan.reference}/{n}", title="Study")
        LoanObject.objects.create(loan=loan, object=item)
    return loan


def venue_in(organisation: Organisation, district_code: str = "", *, point: bool = True) -> Venue:
    """A venue of `organisation` in the district `district_code`, or in England with no district recorded."""
    district = geography.districts_by_code().get(district_code)
    return Venue.objects.create(
        organisation=organisation,
        name=f"{organisation.name} at {district.name if district else 'a place unknown'}",
        nation=district.nation if district else "England",
        region_code=district.region_code if district else "",
        region_name=district.region_name if district else "",
        district_code=district.code if district else "",
        district_name=district.name if district else "",
        latitude=52.0 if point else None,
        longitude=-1.5 if point else None,
    )


def organisation(name: str, *, country: str = "GB", nation: str = "England", **fields: Any) -> Organisation:
    return Organisation.objects.create(
        name=name, slug=name.lower().replace(" ", "-"), country=country, nation=nation, **fields
    )


def import_rows(rows: Sequence[tuple[Organisation, str, str, str]], status: str = "approved") -> None:
    lines = ["organisation,year,indicator,value"] + [f"{o.external_id or o.name},{y},{c},{v}" for o, y, c, v in rows]
    import_returns_content(
        name="returns.csv", content="\n".join(lines).encode(), status=status, actor=System("benchmark tests")
    )


@pytest.fixture
def museums(register: dict[str, Organisation]) -> dict[str, Organisation]:
    def external(ref: str) -> Organisation:
        return Organisation.objects.get(external_id=ref)

    return {
        "gallery": register["mm.domus.SE444"],  # National Portrait Gallery
        "group": external("national:science-museum-group"),
        "science": external("mm.domus.SE507"),  # the Science Museum, a site of the group
        "kew": external("national:royal-botanic-gardens-kew"),  # not in the report
        "laing": register["mm.domus.NE026"],  # Newcastle upon Tyne
        "boathouse": register["mm.wiki.435"],  # Wales
        "winding_house": register["mm.mald.160"],  # Wales
        "fife": register["mm.domus.SC256"],  # Scotland
        "guernsey": register["mm.New.88"],  # the Channel Islands: abroad
    }


@pytest.fixture
def history(museums: dict[str, Organisation]) -> list[Organisation]:
    """Approved returns of three national bodies over three years, none in 2021/22."""
    gallery, group = museums["gallery"], museums["group"]
    third = (
        Organisation.objects.national_bodies().filter(partnership_report=True).exclude(pk__in=[gallery.pk, group.pk])
    )
    other = third.order_by("name").first()
    assert other is not None
    year_create(actor=System("benchmark tests"), year=2020, organisations=[gallery, group])
    Indicator.objects.filter(code="audience_international").update(whole_number=False)
    import_rows(
        [
            (gallery, "2018/19", "formal_networks", "200"),
            (group, "2018/19", "formal_networks", "148"),
            (gallery, "2018/19", "audience_uk", "10000000"),
            (gallery, "2018/19", "unplanned_activities", "5"),
            (gallery, "2018/19", "audience_international", "10.5"),
            (gallery, "2019/20", "audience_uk", "12000000"),
            (group, "2019/20", "audience_uk", "10050000"),
            (gallery, "2019/20", "display_objects", "40000"),
            (gallery, "2019/20", "placements", "0"),
            (gallery, "2020/21", "audience_uk", "800000"),
            (gallery, "2020/21", "display_loans", "12"),
            (gallery, "2020/21", "apprenticeships", "3"),
            (gallery, "2020/21", "formal_networks", "250"),
            (gallery, "2020/21", "placements", "7"),
            (gallery, "2020/21", "audience_international", "0.1"),
            (other, "2020/21", "audience_international", "0.2"),
            (other, "2020/21", "display_loans", "4"),
        ]
    )
    # Asked no longer after 2019/20: not in the later reports, though its history is.
    Indicator.objects.filter(code="unplanned_activities").update(last_year=2019)
    return [gallery, group, other]


@pytest.fixture
def register_work(museums: dict[str, Organisation]) -> None:
    """Loans and activities of the national museums and others over the years."""
    m = museums
    gallery, science, group = m["gallery"], m["science"], m["group"]
    laing, boathouse = m["laing"], m["boathouse"]
    louvre = organisation("Musée du Louvre", country="FR", nation="", kind=OrganisationKind.MUSEUM)
    unplaced = organisation("Unplaced Trust", nation="", kind=OrganisationKind.CHARITY)
    university = organisation("Newcastle University", kind=OrganisationKind.UNIVERSITY)
    society = organisation("Village Society Museum", kind=OrganisationKind.MUSEUM, governance="")
    trust = organisation(
        "Mill Trust Museum", kind=OrganisationKind.HISTORIC_HOUSE, governance=Governance.NOT_FOR_PROFIT
    )
    cardiff = venue_in(laing, CARDIFF)

    lend(gallery, laing, 2)
    lend(gallery, laing, 3, venue=cardiff)
    lend(science, boathouse, 1)  # a site's loan counts for its body
    lend(group, laing, 1, venue=venue_in(laing, NORTHUMBERLAND, point=False))
    lend(gallery, laing, 1, venue=venue_in(laing))  # no district recorded
    lend(gallery, laing, 0)  # no objects on it
    lend(gallery, laing, 4, status=Status.DECLINED)
    lend(gallery, laing, 4, status=Status.REQUESTED)
    lend(gallery, laing, 2, status=Status.RETURNED, start=date(2019, 6, 1), end=date(2020, 4, 1))
    lend(gallery, laing, 3, status=Status.CLOSED, start=date(2019, 5, 1), end=date(2019, 8, 1))
    lend(gallery, boathouse, 2, start=date(2021, 3, 31), end=date(2021, 6, 1), agreed=False, status=Status.APPROVED)
    lend(gallery, laing, 1, end=date(2021, 11, 30))  # 17 months
    lend(gallery, laing, 2, start=date(2020, 6, 15), end=date(2021, 12, 14))  # a day short of 18 months
    lend(gallery, laing, 4, end=date(2021, 12, 1))  # 18 months
    lend(gallery, boathouse, 8, purpose=Purpose.LONG_TERM_DISPLAY, end=date(2025, 5, 31))
    lend(gallery, laing, 16, purpose=Purpose.RESEARCH, end=date(2025, 5, 31))
    lend(gallery, louvre, 5)
    lend(gallery, louvre, 2, purpose=Purpose.RESEARCH)
    lend(gallery, m["guernsey"], 1)
    lend(gallery, unplaced, 1)
    lend(m["kew"], laing, 4)  # not a museum of the report
    lend(laing, boathouse, 4)  # between two museums that are not national
    lend(laing, boathouse, 2, start=date(2021, 5, 1), end=date(2021, 9, 1))
    english = sorted(c for c in geography.districts_by_code() if c.startswith("E0") and c != NEWCASTLE)
    for n, code in enumerate(english[:23]):
        end = date(2021, 9, 1) if n % 2 else date(2021, 3, 1)
        lend(gallery, laing, 1 + n % 3, venue=venue_in(laing, code), end=end)

    def record(
        kind: str,
        lead: Organisation = gallery,
        *,
        partners: Sequence[Organisation] = (),
        places: Sequence[PlaceSpec] = (),
        start: date = date(2020, 6, 1),
        end: date | None = date(2020, 9, 30),
        **extra: Any,
    ) -> Activity:
        return activity_create(
            actor=System("benchmark tests"),
            data={"title": f"{kind} {Activity.objects.count() + 1}", "kind": kind, "lead": lead}
            | {"start_date": start, "end_date": end}
            | extra,
            partners=[(partner, PartnerRole.PARTNER) for partner in partners],
            places=places,
        )

    record(
        Kind.PLACEMENT,
        partners=[laing, university],
        places=[PlaceSpec(organisation=laing)],
        participants=3,
        visitors=100,
    )
    record(
        Kind.LEARNING_PROGRAMME,
        partners=[society, science],
        places=[PlaceSpec(district_code=NEWCASTLE), PlaceSpec(district_code=NORTHUMBERLAND), PlaceSpec(venue=cardiff)],
        participants=40,
    )
    record(Kind.LEARNING_PROGRAMME, partners=[trust], places=[PlaceSpec(district_code=CARDIFF)], visitors=12)
    record(Kind.RESEARCH_PROJECT, partners=[louvre], places=[PlaceSpec(country="FR"), PlaceSpec(country="GG")])
    record(Kind.DIGITAL_PROJECT, partners=[unplaced], places=[PlaceSpec(country="")])
    record(Kind.TOURING_EXHIBITION, science, partners=[boathouse], places=[PlaceSpec(organisation=boathouse)])
    record(
        Kind.COMMUNITY_PARTNERSHIP,
        partners=[m["winding_house"]],
        places=[PlaceSpec(organisation=m["winding_house"])],
        status=ActivityStatus.CANCELLED,
    )
    record(Kind.MENTORING, partners=[laing], start=date(2019, 5, 1), end=date(2019, 7, 1))  # met before
    record(
        Kind.ADVICE,
        partners=[m["winding_house"]],
        start=date(2018, 5, 1),
        end=date(2018, 7, 1),
        status=ActivityStatus.CANCELLED,
    )
    record(
        Kind.FORMAL_NETWORK,
        partners=[m["fife"]],
        places=[PlaceSpec(organisation=m["fife"])],
        start=date(2019, 9, 1),
        end=None,
    )
    record(Kind.ADVICE, laing, partners=[boathouse], places=[PlaceSpec(district_code=NEWCASTLE)])  # no national museum
    record(Kind.HEALTH_WELLBEING, partners=[trust, society], start=date(2021, 4, 1), end=date(2021, 6, 1))


def indicator_figures(year: int) -> dict[str, dict[str, Any]]:
    return {
        f.code: {
            "value": number(f.value),
            "returns": f.returns,
            "compared_with": f.compared_with,
            "previous_value": number(f.previous_value),
            "change": number(f.change),
        }
        for f in compute(year, with_breakdowns=False).indicators
    }


def figures_only(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows' figures and codes, in an order of their own: the floors leave labels to the report."""
    return sorted(({k: v for k, v in row.items() if k not in TEXT} for row in rows), key=repr)


def assert_same_report(year: int) -> dict[str, Any]:
    floor = report_sql(year)
    product = compute(year, with_breakdowns=False).as_json()
    assert floor["indicators"] == indicator_figures(year)
    assert list(floor["indicators"]) == [f["code"] for f in product["indicators"]]
    # The floors count exactly; the report's disclosure control only hides some of the same counts.
    exact = breakdowns(year, control=False)
    assert floor["breakdowns"].keys() == exact.keys()
    for name, rows in exact.items():
        assert figures_only(floor["breakdowns"][name]) == figures_only(rows), name
    return floor


# The annual report


@pytest.mark.parametrize("year", YEARS)
def test_report_sql_gives_the_reports_figures_every_year(
    year: int, history: list[Organisation], register_work: None
) -> None:
    group = history[1]
    import_rows([(group, "2020/21", "display_loans", "40")], status="submitted")  # not yet the report's
    laing = Organisation.objects.get(external_id="mm.domus.NE026")
    import_rows([(laing, "2021/22", "audience_uk", "99")], status="draft")

    floor = assert_same_report(year)

    if year == 2020:
        # Figures that would be wrong had the data not reached these cases.
        indicators, breakdowns = floor["indicators"], floor["breakdowns"]
        assert indicators["audience_international"] == {
            "value": 0.3,
            "returns": 2,
            "compared_with": 2018,
            "previous_value": 10.5,
            "change": -10.2,
        }
        assert indicators["display_loans"]["value"] == 16
        assert "unplanned_activities" not in indicators
        assert indicators["new_partners_uk"] == {
            "value": None,
            "returns": 0,
            "compared_with": None,
            "previous_value": None,
            "change": None,
        }
        others = [r for r in breakdowns["loans_by_local_authority"] if r["code"] is None]
        assert [r["local_authorities"] > 0 for r in others] == [True, False]
        assert {r["code"] for r in breakdowns["international_by_country"]} >= {"FR", "GG", "GB", None}
        assert breakdowns["loan_lengths"][1] == {"code": "long", "loans": 2, "objects": 12}


def test_report_sql_gives_the_reports_figures_with_nothing_recorded(db: None) -> None:
    assert_same_report(2020)


def test_report_sql_takes_few_queries(
    history: list[Organisation], register_work: None, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(7):
        report_sql(2020)


# What an analyst does today


def test_report_pandas_gives_the_reports_indicators_from_the_exported_files(
    history: list[Organisation], tmp_path: Path
) -> None:
    files = export_returns_csv(tmp_path / "exports")
    assert [f.name for f in files] == ["returns-2018-19.csv", "returns-2019-20.csv", "returns-2020-21.csv"]

    for year in YEARS:
        analyst = report_pandas(tmp_path / "exports", year)["indicators"]
        product = indicator_figures(year)
        # The export has no catalogue: only the indicators it has figures of, up to the year.
        reported = {code: f for code, f in product.items() if f["value"] is not None or f["compared_with"]}
        assert {code: f for code, f in analyst.items() if code in product} == reported
        assert set(analyst) - set(product) <= {"unplanned_activities"}
        assert report_sql(year)["indicators"] == product


def test_report_pandas_reads_one_file_of_several_years(history: list[Organisation], tmp_path: Path) -> None:
    files = export_returns_csv(tmp_path / "years")
    lines = [files[0].read_text().splitlines()[0]]
    for f in files:
        lines += f.read_text().splitlines()[1:]
    (tmp_path / "all.csv").write_text("\n".join(lines))

    assert report_pandas(tmp_path / "all.csv", 2020) == report_pandas(tmp_path / "years", 2020)
    assert report_pandas(tmp_path / "all.csv", 2020)["indicators"]["formal_networks"] == {
        "value": 250,
        "returns": 1,
        "compared_with": 2018,
        "previous_value": 348,
        "change": -98,
    }


# The map


@pytest.mark.parametrize("measure", MAP_MEASURES)
def test_map_sql_gives_the_maps_figures_by_local_authority(measure: str, analyst: User, register_work: None) -> None:
    periods = [(y, y) for y in YEARS] + [(2019, 2021)]
    for first, last in periods:
        filters = Filters(year_from=first, year_to=last)
        product = {a.code: a.value for a in areas(user=analyst, level="district", measure=measure, filters=filters)}

        assert map_sql(years.start(first), years.end(last), measure=measure) == product

    assert map_sql(years.start(2020), years.end(2020), measure=measure)[NEWCASTLE] > 0


def test_map_sql_refuses_a_measure_it_has_no_floor_for(db: None) -> None:
    with pytest.raises(ValueError, match="audience"):
        map_sql(date(2020, 4, 1), date(2021, 3, 31), measure="audience")


# The benchmark's own data


def test_the_floors_give_the_products_figures_on_the_benchmarks_small_data(analyst: User) -> None:
    """Ten years of generated work, on the sample register the tests share (about ten seconds)."""
    summary = generate(scale="small")
    assert summary.counts

    for year in ReportingYear.objects.values_list("year", flat=True):
        assert_same_report(year)
        filters = Filters(year_from=year, year_to=year)
        for measure in MAP_MEASURES:
            product = areas(user=analyst, level="district", measure=measure, filters=filters)
            assert map_sql(years.start(year), years.end(year), measure=measure) == {a.code: a.value for a in product}
