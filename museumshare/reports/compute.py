"""The Museum Partnership Report for a year, as plain data: one computation that the web page, the
PDF, the spreadsheet, the CSV, the JSON, the command and the API all render.

Each indicator's figure is the sum of the approved (or locked) returns' values, with how many
returns it covers, as the published report is compiled. An indicator no return reported is "not
reported", never zero. Change is against the most recent earlier year that reported it.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Sum

from museumshare.core import years
from museumshare.reports.breakdowns import FEWEST_ORGANISATIONS, SUPPRESSED, breakdowns
from museumshare.returns.models import FINAL, Indicator, ReportingYear, ReturnValue, Section, YearStatus

# Within this many per cent either way, a figure "was on a par with" the earlier one.
ON_A_PAR = Decimal(1)
HEADLINES = 5
LICENCE = "Open Government Licence v3.0"
ATTRIBUTION = (
    "Figures: the national museums' annual returns, compiled by museumshare. Register of museums: "
    "Mapping Museums project, Birkbeck, University of London (CC BY). Boundaries: Office for National "
    "Statistics (Open Government Licence v3.0)."
)

# The footnote to every breakdown, in every format.
DISCLOSURE_CONTROL = (
    f"{SUPPRESSED}: held back to protect confidential information. A count by place or by partner is held "
    f"back when it rests on fewer than {FEWEST_ORGANISATIONS} organisations or includes activities that are "
    "not public, as official statistics do; the totals are exact and include them."
)


def round_half_away(value: Decimal, places: str = "1") -> Decimal:
    """Rounded as people expect: 2.5 to 3 and -2.5 to -3 (Decimal's ROUND_HALF_UP goes away from zero)."""
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def number(value: Decimal | None) -> int | float | None:
    """A figure for JSON: whole numbers as integers."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def readable(value: Decimal | None, unit: str = "") -> str:
    """A figure as people read it: 69,299; 18.4 million; £1.2 million; not reported."""
    if value is None:
        return "not reported"
    money = unit.strip() in ("£", "pounds")
    if abs(value) >= 1_000_000:
        millions = round_half_away(value / 1_000_000, "0.1").normalize()
        text = f"{millions:f} million"
    elif value == value.to_integral_value():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.2f}"
    return f"£{text}" if money else text


@dataclass(frozen=True)
class Figure:
    """One indicator's figure for the year, against the most recent earlier year that reported it."""

    code: str
    name: str
    unit: str
    section: str
    definition: str
    value: Decimal | None
    returns: int
    compared_with: int | None = None
    previous_value: Decimal | None = None

    @property
    def reported(self) -> bool:
        return self.value is not None

    @property
    def change(self) -> Decimal | None:
        if self.value is None or self.previous_value is None:
            return None
        return self.value - self.previous_value

    @property
    def change_percent(self) -> Decimal | None:
        """The change in per cent, to one decimal place; None when there is nothing to compare with."""
        change = self.change
        if change is None or not self.previous_value:
            return None
        return round_half_away(change / self.previous_value * 100, "0.1")

    @property
    def phrase(self) -> str:
        """What happened, in the report's voice: "rose by 26% compared with 2017/18"."""
        if self.value is None:
            return "was not reported"
        if self.compared_with is None or self.previous_value is None:
            return "was reported for the first time"
        earlier = years.label(self.compared_with)
        if self.previous_value == 0:
            return f"was on a par with {earlier}" if self.value == 0 else f"rose from none in {earlier}"
        exact = (self.value - self.previous_value) / self.previous_value * 100
        if abs(exact) <= ON_A_PAR:
            return f"was on a par with {earlier}"
        whole = round_half_away(abs(exact))
        return f"{'rose' if exact > 0 else 'fell'} by {whole}% compared with {earlier}"

    @property
    def sentence(self) -> str:
        unit = f" {self.unit}" if self.unit.strip() not in ("£", "pounds") else ""
        now = f"{readable(self.value, self.unit)}{unit}"
        if self.value is None:
            return f"{self.name} was not reported."
        if self.compared_with is None or self.previous_value is None:
            return f"{self.name} was reported for the first time: {now}."
        before = f"{readable(self.previous_value, self.unit)}{unit}"
        if self.phrase.startswith("was on a par"):
            return f"{self.name} {self.phrase}, at {now} against {before}."
        return f"{self.name} {self.phrase}, from {before} to {now}."

    def as_json(self) -> dict[str, Any]:
        percent = self.change_percent
        return {
            "code": self.code,
            "name": self.name,
            "unit": self.unit,
            "section": self.section,
            "definition": self.definition,
            "value": number(self.value),
            "returns": self.returns,
            "compared_with": years.label(self.compared_with) if self.compared_with is not None else None,
            "previous_value": number(self.previous_value),
            "change": number(self.change),
            "change_percent": float(percent) if percent is not None else None,
            "sentence": self.sentence,
        }


@dataclass
class Report:
    year: int
    status: str
    indicators: list[Figure]
    trends: dict[str, list[tuple[int, Decimal]]]
    breakdowns: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return years.label(self.year)

    def figure(self, code: str) -> Figure:
        return next(f for f in self.indicators if f.code == code)

    def sections(self) -> list[tuple[str, list[Figure]]]:
        """(section title, figures) in the order of the report."""
        titles = dict(Section.choices)
        order = [code for code, _ in Section.choices]
        grouped: dict[str, list[Figure]] = {}
        for figure in self.indicators:
            grouped.setdefault(figure.section, []).append(figure)
        return [(str(titles[code]), grouped[code]) for code in order if code in grouped]

    def headlines(self) -> list[Figure]:
        """The largest movements on earlier years, largest first: the top of the report."""
        moved = [f for f in self.indicators if f.change_percent is not None and abs(f.change_percent) > ON_A_PAR]
        moved.sort(key=lambda f: (-abs(f.change_percent or Decimal(0)), f.code))
        return moved[:HEADLINES]

    def as_json(self) -> dict[str, Any]:
        """The report as the JSON format documents it (docs/report.md)."""
        return {
            "year": self.label,
            "status": self.status,
            "indicators": [figure.as_json() for figure in self.indicators],
            "headlines": [figure.sentence for figure in self.headlines()],
            "trends": {
                code: [{"year": years.label(y), "value": number(v)} for y, v in points]
                for code, points in self.trends.items()
            },
            "breakdowns": self.breakdowns,
            "disclosure_control": DISCLOSURE_CONTROL,
            "licence": LICENCE,
            "attribution": ATTRIBUTION,
        }


def totals() -> dict[str, dict[int, tuple[Decimal, int]]]:
    """Every indicator's total and number of returns, by year, over the approved and locked returns."""
    rows = (
        ReturnValue.objects.filter(annual_return__status__in=FINAL, value__isnull=False)
        .values_list("indicator__code", "annual_return__year__year")
        .annotate(total=Sum("value"), returns=Count("id"))
        .order_by()
    )
    found: dict[str, dict[int, tuple[Decimal, int]]] = {}
    for code, year, total, returns in rows:
        found.setdefault(code, {})[year] = (total, returns)
    return found


def compute(year: int, *, with_breakdowns: bool = True) -> Report:
    """The report for reporting year `year` (2020 for 2020/21) as it stands now."""
    reporting_year = ReportingYear.objects.filter(year=year).first()
    published = reporting_year is not None and reporting_year.status == YearStatus.PUBLISHED
    by_code = totals()
    figures = []
    for indicator in Indicator.objects.for_year(year):
        history = by_code.get(indicator.code, {})
        value, returns = history.get(year, (None, 0))
        earlier = [y for y in history if y < year]
        compared_with = max(earlier) if earlier else None
        figures.append(
            Figure(
                code=indicator.code,
                name=indicator.name,
                unit=indicator.unit,
                section=indicator.section,
                definition=indicator.definition,
                value=value,
                returns=returns,
                compared_with=compared_with,
                previous_value=history[compared_with][0] if compared_with is not None else None,
            )
        )
    trends = {
        code: sorted((y, total) for y, (total, _) in history.items() if y <= year) for code, history in by_code.items()
    }
    report = Report(year=year, status="published" if published else "draft", indicators=figures, trends=trends)
    if with_breakdowns:
        report.breakdowns = breakdowns(year)
    return report
