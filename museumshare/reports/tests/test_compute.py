"""The report's figures and sentences, from returns whose totals are the published figures.

The totals (conftest.py) are DCMS's published ones (PRODUCT.md): people who saw the national collection
in the UK just over 22 million in 2019/20 and at least 1.3 million in 2020/21; 348 formal networks
in 2017/18 and 438 in 2020/21, with none reported in between. They are split between two museums'
returns to show that the report adds them up.
"""

from decimal import Decimal

import pytest

from museumshare.organisations.models import Organisation
from museumshare.reports.compute import Figure, compute, readable


def test_the_report_adds_up_the_returns_and_says_what_changed_as_the_published_report_did(
    published_figures: tuple[Organisation, Organisation],
) -> None:
    report = compute(2020)

    audience = report.figure("audience_uk")
    assert (audience.value, audience.returns) == (Decimal(1_300_000), 2)
    assert (audience.compared_with, audience.previous_value) == (2019, Decimal(22_050_000))
    assert audience.change_percent == Decimal("-94.1")
    assert "fell by 94% compared with 2019/20" in audience.sentence
    assert audience.sentence.endswith("from 22.1 million people to 1.3 million people.")

    networks = report.figure("formal_networks")
    assert (networks.value, networks.compared_with, networks.previous_value) == (Decimal(438), 2017, Decimal(348))
    assert networks.change_percent == Decimal("25.9")
    assert "rose by 26% compared with 2017/18" in networks.sentence

    assert report.figure("display_objects").phrase == "was on a par with 2019/20"
    assert report.figure("apprenticeships").sentence == (
        "Apprenticeships supported was reported for the first time: 66 people."
    )
    not_reported = report.figure("research_projects")
    assert (not_reported.value, not_reported.returns, not_reported.sentence) == (
        None,
        0,
        "Research projects with partners was not reported.",
    )


def test_the_headlines_are_the_largest_movements_first(published_figures: tuple[Organisation, Organisation]) -> None:
    report = compute(2020)

    assert [figure.code for figure in report.headlines()] == ["audience_uk", "formal_networks"]


def test_the_json_carries_every_indicator_with_its_comparison(
    published_figures: tuple[Organisation, Organisation],
) -> None:
    data = compute(2020).as_json()

    assert (data["year"], data["status"]) == ("2020/21", "draft")
    networks = next(row for row in data["indicators"] if row["code"] == "formal_networks")
    assert networks == {
        "code": "formal_networks",
        "name": "Formal networks taken part in",
        "unit": "networks",
        "section": "skills",
        "definition": networks["definition"],
        "value": 438,
        "returns": 2,
        "compared_with": "2017/18",
        "previous_value": 348,
        "change": 90,
        "change_percent": 25.9,
        "sentence": (
            "Formal networks taken part in rose by 26% compared with 2017/18, from 348 networks to 438 networks."
        ),
    }
    assert data["trends"]["formal_networks"] == [{"year": "2017/18", "value": 348}, {"year": "2020/21", "value": 438}]
    assert len(data["indicators"]) == 41


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (Decimal(69_299), "objects", "69,299"),
        (Decimal(18_400_000), "people", "18.4 million"),
        (Decimal(22_000_000), "people", "22 million"),
        (Decimal(1_200_000), "£", "£1.2 million"),
        (None, "loans", "not reported"),
    ],
)
def test_figures_are_written_as_people_read_them(value: Decimal | None, unit: str, text: str) -> None:
    assert readable(value, unit) == text


@pytest.mark.parametrize(
    ("before", "after", "phrase"),
    [
        (200, 203, "rose by 2% compared with 2019/20"),  # 1.5% rounds half away from zero
        (200, 197, "fell by 2% compared with 2019/20"),
        (200, 202, "was on a par with 2019/20"),
        (200, 198, "was on a par with 2019/20"),
        (0, 5, "rose from none in 2019/20"),
    ],
)
def test_the_phrase_rounds_half_away_from_zero_and_calls_one_per_cent_a_par(
    before: int, after: int, phrase: str
) -> None:
    figure = Figure(
        code="x", name="X", unit="loans", section="collections", definition="", value=Decimal(after), returns=1,
        compared_with=2019, previous_value=Decimal(before),
    )  # fmt: skip
    assert figure.phrase == phrase
