"""The floors the benchmarks hold the product's figures against: the same figures computed as a
skilled analyst would, with hand-written SQL, or with pandas on the CSV files `export_returns` writes.

The SQL is portable (SQLite and PostgreSQL), one GROUP BY per kind of record at the finest grain
the figures need, with Python adding up those few groups into the breakdowns' rows. Only figures:
no labels, sentences or formatting. Each floor returns the same numbers as the product's code
for the same data; tests/test_floors.py holds them to it.
"""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Context, Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pandas as pd
from django.core.management import call_command
from django.db import connection

from museumshare.activities.models import Kind
from museumshare.activities.models import Status as ActivityStatus
from museumshare.core import geography, years
from museumshare.loans.models import DISPLAY_PURPOSES, LONG_LOAN_MONTHS
from museumshare.reports.breakdowns import HEADLINE_CODES, MAP_VENUES, MUSEUM_KINDS, TOP_LOCAL_AUTHORITIES
from museumshare.returns.derive import COUNTED
from museumshare.returns.models import FINAL, ReportingYear

Number = int | float | None
Row = dict[str, Any]

# The year's national museums: the organisations asked for a return (before the year is set up,
# the national bodies the report covers), and their sites; `body` is the one each counts for.
MUSEUMS = """
asked AS (
    SELECT a.organisation_id AS id
    FROM returns_reportingyear_organisations a
    JOIN returns_reportingyear y ON y.id = a.reportingyear_id
    WHERE y.year = %s
    UNION
    SELECT o.id FROM organisations_organisation o
    WHERE o.is_national AND o.national_group_id IS NULL AND o.partnership_report
      AND NOT EXISTS (SELECT 1 FROM returns_reportingyear y WHERE y.year = %s)
),
museums AS (
    SELECT o.id, CASE WHEN o.id IN (SELECT id FROM asked) THEN o.id ELSE o.national_group_id END AS body
    FROM organisations_organisation o
    WHERE o.id IN (SELECT id FROM asked) OR o.national_group_id IN (SELECT id FROM asked)
)"""

# The year's activities with a national museum as lead or partner, leaving out cancelled work.
WORK = """
work AS (
    SELECT a.id, a.kind, a.participants, a.visitors
    FROM activities_activity a
    WHERE a.start_date <= %s AND (a.end_date IS NULL OR a.end_date >= %s) AND a.status <> %s
      AND a.id IN (SELECT p.activity_id FROM activities_partner p WHERE p.organisation_id IN (SELECT id FROM museums))
)"""

# Where a loan went: its venue, or its borrower when it names none.
WENT = (
    "nation",
    "region_code",
    "district_code",
    "district_name",
    "region_name",
    "country",
    "name",
    "latitude",
    "longitude",
)


def _in(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _went(field: str) -> str:
    return f"CASE WHEN l.venue_id IS NULL THEN b.{field} ELSE v.{field} END"


def _month_day(column: str) -> str:
    """(year × 12 + month) × 100 + day of a date: a difference of 1800 or more is 18 months or more.

    Portable: SQLite keeps dates as ISO text, and PostgreSQL writes them so in its default DateStyle."""
    text = f"CAST({column} AS TEXT)"
    part = "CAST(SUBSTR({text}, {start}, {length}) AS INTEGER)"
    year, month, day = (part.format(text=text, start=s, length=n) for s, n in ((1, 4), (6, 2), (9, 2)))
    return f"(({year} * 12 + {month}) * 100 + {day})"


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def figure(value: Any) -> Number:
    """A sum as the report gives it: whole numbers as integers, others to two decimal places.

    SQLite sums decimals as floats; Django's own SQLite converter reads them to 15 digits, then
    to the field's two places, which this does the same way."""
    if value is None:
        return None
    if isinstance(value, float):
        value = Context(prec=15).create_decimal_from_float(value).quantize(Decimal("0.01"))
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _change(value: Number, previous: Number) -> Number:
    if value is None or previous is None:
        return None
    return figure(Decimal(str(value)) - Decimal(str(previous)))


def _nation_codes() -> dict[str, str]:
    codes = {d.nation: d.nation_code for d in geography.districts_by_code().values()}
    return {nation: codes[nation] for nation in geography.NATIONS}


# The annual report


def report_sql(year: int) -> dict[str, Any]:
    """The annual report's figures for reporting year `year` (2020 for 2020/21), in seven queries.

    {"year": 2020,
     "indicators": {code: {"value", "returns", "compared_with" (a year like 2019, or None),
                           "previous_value", "change"}} in the catalogue's order,
     "breakdowns": {name: [row, ...]}}, each breakdown of `reports.breakdowns` with the same rows
    and figures, without their labels ("code" is the row's code, None where the report has none).
    """
    return {"year": year, "indicators": indicators_sql(year), "breakdowns": breakdowns_sql(year)}


def indicators_sql(year: int) -> dict[str, Row]:
    codes = _fetch(
        """
        SELECT code FROM returns_indicator
        WHERE (first_year IS NULL OR first_year <= %s) AND (last_year IS NULL OR last_year >= %s)
        ORDER BY position, code
        """,
        [year, year],
    )
    rows = _fetch(
        f"""
        SELECT i.code, y.year, SUM(v.value), COUNT(*)
        FROM returns_returnvalue v
        JOIN returns_return r ON r.id = v.annual_return_id
        JOIN returns_reportingyear y ON y.id = r.year_id
        JOIN returns_indicator i ON i.id = v.indicator_id
        WHERE r.status IN ({_in(FINAL)}) AND v.value IS NOT NULL AND y.year <= %s
        GROUP BY i.code, y.year
        """,
        [*FINAL, year],
    )
    history: dict[str, dict[int, tuple[Number, int]]] = defaultdict(dict)
    for code, in_year, total, returns in rows:
        history[code][in_year] = (figure(total), returns)
    return _indicators(history, year, [code for (code,) in codes])


def _indicators(history: dict[str, dict[int, tuple[Number, int]]], year: int, codes: list[str]) -> dict[str, Row]:
    """Each indicator's figures in `year` from its (total, returns) by year, against the latest earlier year."""
    found = {}
    for code in codes:
        by_year = history.get(code, {})
        value, returns = by_year.get(year, (None, 0))
        earlier = [y for y in by_year if y < year]
        compared_with = max(earlier) if earlier else None
        previous = by_year[compared_with][0] if compared_with is not None else None
        found[code] = {
            "value": value,
            "returns": returns,
            "compared_with": compared_with,
            "previous_value": previous,
            "change": _change(value, previous),
        }
    return found


@dataclass
class Tally:
    """Loans and their objects in one group, and the venues they went to (a venue, or a borrower)."""

    loans: int = 0
    objects: int = 0
    venues: set[tuple[Any, Any]] = field(default_factory=set)

    def add(self, loans: int, objects: int, venue: tuple[Any, Any]) -> None:
        self.loans += loans
        self.objects += objects
        self.venues.add(venue)

    def counts(self) -> Row:
        return {"loans": self.loans, "objects": self.objects, "venues": len(self.venues)}


LOAN_COUNTS = {"loans": 0, "objects": 0, "venues": 0}


def breakdowns_sql(year: int) -> dict[str, list[Row]]:
    # The parameters of MUSEUMS and of WORK, which the queries begin with.
    museums = [year, year]
    first, last = years.start(year), years.end(year)
    work = [last, first, ActivityStatus.CANCELLED]
    loans, lent_abroad = _loans_out(museums, first, last)
    places, places_abroad = _places(museums, work)
    countries = [
        {"code": code or None}
        | dict(zip(("loans", "objects"), lent_abroad.get(code, (0, 0)), strict=True))
        | {"activities": places_abroad.get(code, 0)}
        for code in {*lent_abroad, *places_abroad}
    ]
    return {
        "by_museum": _by_museum(museums, year),
        **loans,
        **places,
        "international_by_country": sorted(countries, key=lambda r: (-r["loans"], -r["activities"], r["code"] or "")),
        "by_activity_kind": _by_activity_kind(museums, work),
        **_partners(museums, work, first),
    }


def _by_nation(found: dict[str, Row], empty: Row) -> list[Row]:
    """Every UK nation, in order, with its counts."""
    return [{"code": code} | found.get(nation, empty) for nation, code in _nation_codes().items()]


def _by_region(found: dict[str, Row], empty: Row, first: str) -> list[Row]:
    """Every region, most first, then what had no region recorded."""
    rows: list[Row] = [{"code": code} | found.get(code, empty) for code in geography.area_names("region")]
    names = geography.area_names("region")
    rows.sort(key=lambda row: (-row[first], names[row["code"]]))
    if "" in found:
        rows.append({"code": None} | found[""])
    return rows


def _by_museum(museums: list[Any], year: int) -> list[Row]:
    rows = _fetch(
        f"""
        WITH {MUSEUMS},
        headline AS (
            SELECT v.annual_return_id, i.code, v.value
            FROM returns_returnvalue v JOIN returns_indicator i ON i.id = v.indicator_id
            WHERE i.code IN ({_in(HEADLINE_CODES)})
        )
        SELECT o.id, o.name, o.slug, h.code, SUM(h.value), COUNT(r.id)
        FROM organisations_organisation o
        JOIN museums m ON m.body = o.id
        LEFT JOIN returns_return r ON r.organisation_id = m.id AND r.status IN ({_in(FINAL)})
            AND r.year_id IN (SELECT y.id FROM returns_reportingyear y WHERE y.year = %s)
        LEFT JOIN headline h ON h.annual_return_id = r.id
        WHERE o.id IN (SELECT id FROM asked)
        GROUP BY o.id, o.name, o.slug, h.code
        """,
        [*museums, *HEADLINE_CODES, *FINAL, year],
    )
    bodies: dict[int, Row] = {}
    names: dict[int, str] = {}
    for pk, name, slug, code, total, returns in rows:
        names[pk] = name
        body = bodies.setdefault(pk, {"code": slug, "returned": False} | dict.fromkeys(HEADLINE_CODES))
        body["returned"] = body["returned"] or returns > 0
        if code is not None:
            body[code] = figure(total)
    return [bodies[pk] for pk in sorted(bodies, key=lambda pk: names[pk])]


def _loans_out(museums: list[Any], first: date, last: date) -> tuple[dict[str, list[Row]], dict[str, tuple[int, int]]]:
    """Every loans breakdown from one GROUP BY of the year's loans by where they went, and the loans
    for display abroad by country (loans, objects)."""
    long = f"{_month_day('l.last_day')} - {_month_day('l.first_day')} >= {LONG_LOAN_MONTHS * 100}"
    rows = _fetch(
        f"""
        WITH {MUSEUMS},
        lent AS (
            SELECT l.id, l.purpose, l.venue_id, l.borrower_id,
                COALESCE(l.agreed_start, l.requested_start) AS first_day,
                COALESCE(l.agreed_end, l.requested_end) AS last_day,
                (SELECT COUNT(*) FROM loans_loanobject o WHERE o.loan_id = l.id) AS objects
            FROM loans_loan l
            WHERE l.lender_id IN (SELECT id FROM museums) AND l.status IN ({_in(COUNTED)})
              AND COALESCE(l.agreed_start, l.requested_start) <= %s
              AND COALESCE(l.agreed_end, l.requested_end) >= %s
        )
        SELECT {", ".join(_went(f) for f in WENT)},
            l.venue_id, CASE WHEN l.venue_id IS NULL THEN l.borrower_id END,
            CASE WHEN l.purpose IN ({_in(DISPLAY_PURPOSES)}) THEN 1 ELSE 0 END,
            CASE WHEN {long} THEN 1 ELSE 0 END,
            COUNT(*), SUM(l.objects)
        FROM lent l
        JOIN organisations_organisation b ON b.id = l.borrower_id
        LEFT JOIN organisations_venue v ON v.id = l.venue_id
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
        """,
        [*museums, *COUNTED, last, first, *DISPLAY_PURPOSES],
    )
    nations: dict[str, Tally] = defaultdict(Tally)
    regions: dict[str, Tally] = defaultdict(Tally)
    districts: dict[tuple[str, str, str], Tally] = defaultdict(Tally)
    lengths = {"short": Tally(), "long": Tally()}
    abroad: dict[str, Tally] = defaultdict(Tally)
    points: Counter[tuple[Any, ...]] = Counter()
    for nation, region, district, name, region_name, country, place, lat, lon, *grain, n, objects in rows:
        venue, borrower, display, is_long = grain
        where, objects = (venue, borrower), int(objects or 0)
        if nation:
            nations[nation].add(n, objects, where)
            regions[region].add(n, objects, where)
            districts[(district, name, region_name)].add(n, objects, where)
            if lat is not None and lon is not None:
                points[(venue, borrower, place, lat, lon)] += n
        if display:
            lengths["long" if is_long else "short"].add(n, objects, where)
            if not nation:
                abroad[country].add(n, objects, where)
    breakdowns = {
        "loans_by_nation": _by_nation({k: t.counts() for k, t in nations.items()}, LOAN_COUNTS),
        "loans_by_region": _by_region({k: t.counts() for k, t in regions.items()}, LOAN_COUNTS, "loans"),
        "loans_by_local_authority": _by_local_authority(districts),
        "loan_lengths": [{"code": code, "loans": t.loans, "objects": t.objects} for code, t in lengths.items()],
        "map_venues": _map_venues(points),
    }
    return breakdowns, {country: (t.loans, t.objects) for country, t in abroad.items()}


def _by_local_authority(districts: dict[tuple[str, str, str], Tally]) -> list[Row]:
    """The twenty districts with most loans, then the rest together, then any with no district recorded."""
    found = sorted(districts.items(), key=lambda item: (-item[1].loans, item[0][1]))
    named = [(code, tally) for (code, _, _), tally in found if code]
    top, rest = named[:TOP_LOCAL_AUTHORITIES], named[TOP_LOCAL_AUTHORITIES:]
    rows: list[Row] = [{"code": code, "local_authorities": 1} | tally.counts() for code, tally in top]
    if rest:
        together = {name: sum(tally.counts()[name] for _, tally in rest) for name in LOAN_COUNTS}
        rows.append({"code": None, "local_authorities": len(rest)} | together)
    rows += [{"code": None, "local_authorities": 0} | t.counts() for (code, _, _), t in found if not code]
    return rows


def _map_venues(points: Counter[tuple[Any, ...]]) -> list[Row]:
    """The UK venues with a point, most loans first: at most as many as the report's map shows."""
    ranked = sorted(points.items(), key=lambda item: (-item[1], item[0][2], item[0][0] or 0, item[0][1] or 0))
    return [
        {
            "code": f"venue:{venue}" if venue else f"organisation:{borrower}",
            "lat": lat,
            "lon": lon,
            "loans": loans,
        }
        for (venue, borrower, _, lat, lon), loans in ranked[:MAP_VENUES]
    ]


def _places(museums: list[Any], work: list[Any]) -> tuple[dict[str, list[Row]], dict[str, int]]:
    """Activities with a place in each nation and each region (an activity in two counts in both), and
    by country abroad."""
    in_work = "p.activity_id IN (SELECT id FROM work)"
    rows = _fetch(
        f"""
        WITH {MUSEUMS}, {WORK}
        SELECT 'nation', p.nation, CASE WHEN p.nation = '' THEN p.country ELSE '' END, COUNT(DISTINCT p.activity_id)
        FROM activities_place p WHERE {in_work}
        GROUP BY p.nation, CASE WHEN p.nation = '' THEN p.country ELSE '' END
        UNION ALL
        SELECT 'region', p.region_code, '', COUNT(DISTINCT p.activity_id)
        FROM activities_place p WHERE {in_work} AND p.nation <> ''
        GROUP BY p.region_code
        """,
        [*museums, *work],
    )
    nations = {nation: {"activities": n} for level, nation, _, n in rows if level == "nation" and nation}
    regions = {region: {"activities": n} for level, region, _, n in rows if level == "region"}
    abroad = {country: n for level, nation, country, n in rows if level == "nation" and not nation}
    breakdowns = {
        "places_by_nation": _by_nation(nations, {"activities": 0}),
        "places_by_region": _by_region(regions, {"activities": 0}, "activities"),
    }
    return breakdowns, abroad


def _by_activity_kind(museums: list[Any], work: list[Any]) -> list[Row]:
    rows = _fetch(
        f"""
        WITH {MUSEUMS}, {WORK}
        SELECT kind, COUNT(*), SUM(participants), SUM(visitors) FROM work GROUP BY kind
        """,
        [*museums, *work],
    )
    found = {kind: (n, participants, visitors) for kind, n, participants, visitors in rows}
    return [
        {"code": kind, "activities": n, "participants": int(participants or 0), "visitors": int(visitors or 0)}
        for kind in Kind.values
        if kind in found
        for n, participants, visitors in [found[kind]]
    ]


def _partners(museums: list[Any], work: list[Any], first: date) -> dict[str, list[Row]]:
    """The year's partners of the national museums by kind, by governance, and new ones by nation."""
    rows = _fetch(
        f"""
        WITH {MUSEUMS}, {WORK},
        before AS (
            SELECT DISTINCT p.organisation_id FROM activities_partner p
            JOIN activities_activity a ON a.id = p.activity_id
            WHERE a.start_date < %s AND a.status <> 'cancelled'
              AND a.id IN (
                  SELECT q.activity_id FROM activities_partner q WHERE q.organisation_id IN (SELECT id FROM museums)
              )
        ),
        partners AS (
            SELECT o.kind, o.governance, o.nation,
                CASE WHEN o.id IN (SELECT organisation_id FROM before) THEN 0 ELSE 1 END AS new
            FROM organisations_organisation o
            WHERE o.id IN (
                SELECT p.organisation_id FROM activities_partner p WHERE p.activity_id IN (SELECT id FROM work)
            )
              AND o.id NOT IN (SELECT id FROM museums)
        )
        SELECT kind, governance, nation, new, COUNT(*) FROM partners GROUP BY kind, governance, nation, new
        """,
        [*museums, *work, first],
    )
    kinds: Counter[str] = Counter()
    governances: Counter[str] = Counter()
    new: Counter[str] = Counter()
    for kind, governance, nation, is_new, n in rows:
        kinds[kind] += n
        if kind in MUSEUM_KINDS:
            governances[governance] += n
        if is_new:
            new[nation] += n
    new_rows = {nation: {"organisations": n} for nation, n in new.items() if nation}
    return {
        "by_partner_kind": [{"code": kind, "organisations": n} for kind, n in kinds.most_common()],
        "by_partner_governance": [{"code": code or None, "organisations": n} for code, n in governances.most_common()],
        "new_partners": [
            *_by_nation(new_rows, {"organisations": 0}),
            {"code": None, "organisations": new[""]},
        ],
    }


# The map


MAP_MEASURES = ("objects", "loans", "activities")


def map_sql(year_start: date, year_end: date, *, measure: str = "objects") -> dict[str, int]:
    """`measure` by local authority district for the period, as `atlas.aggregate.areas` gives it to an
    analyst (who sees everything) at level "district": {GSS code: figure above 0}.

    Objects and loans count loans that went ahead whose period overlaps, where their venue is (or
    their borrower, with no venue); activities count activities not cancelled whose period
    overlaps, once in each district they have a place in. Districts not in the 2025 boundaries
    cannot be drawn, so are left out as the map leaves them out."""
    if measure == "activities":
        sql = """
            SELECT p.district_code, COUNT(DISTINCT p.activity_id)
            FROM activities_place p JOIN activities_activity a ON a.id = p.activity_id
            WHERE a.status <> %s AND a.start_date <= %s AND (a.end_date IS NULL OR a.end_date >= %s)
            GROUP BY p.district_code
        """
        params: list[Any] = [ActivityStatus.CANCELLED, year_end, year_start]
    elif measure in ("objects", "loans"):
        objects = measure == "objects"
        sql = f"""
            SELECT {_went("district_code")}, {"COUNT(o.id)" if objects else "COUNT(*)"}
            FROM loans_loan l
            JOIN organisations_organisation b ON b.id = l.borrower_id
            LEFT JOIN organisations_venue v ON v.id = l.venue_id
            {"LEFT JOIN loans_loanobject o ON o.loan_id = l.id" if objects else ""}
            WHERE l.status IN ({_in(COUNTED)})
              AND COALESCE(l.agreed_start, l.requested_start) <= %s
              AND COALESCE(l.agreed_end, l.requested_end) >= %s
            GROUP BY 1
        """
        params = [*COUNTED, year_end, year_start]
    else:
        raise ValueError(f"No such measure: {measure!r}; the floors have {', '.join(MAP_MEASURES)}.")
    districts = geography.area_names("district")
    return {code: int(n) for code, n in _fetch(sql, params) if n > 0 and code in districts}


# What an analyst does today: the CSV export in pandas


def export_returns_csv(directory: Path) -> list[Path]:
    """Every reporting year's returns written into `directory` by the `export_returns` command, one
    CSV file a year, as an analyst downloads them: the files `report_pandas` reads."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for year in ReportingYear.objects.order_by("year").values_list("year", flat=True):
        path = directory / f"returns-{years.slug(year)}.csv"
        call_command("export_returns", years.label(year), output=path, stderr=StringIO())
        written.append(path)
    return written


def report_pandas(csv_path: Path, year: int) -> dict[str, Any]:
    """The indicators of the report for `year` from `export_returns` CSV files, with pandas.

    `csv_path` is one such file (which may hold several years' rows) or a folder of them, one a
    year as `export_returns_csv` writes them. Returns {"year": year, "indicators": {code: {"value",
    "returns", "compared_with", "previous_value", "change"}}}, as `report_sql` gives them, for each
    indicator with a value in `year` or an earlier year, codes in alphabetical order.

    Indicators only: the breakdowns come from the register, which is not in the export. And the
    export has no status: it holds every return's values, so these are the report's figures only
    where every return of the years read is approved or locked, as past years' are.
    """
    files = sorted(csv_path.glob("*.csv")) if csv_path.is_dir() else [csv_path]
    frame = pd.concat(
        [pd.read_csv(f, usecols=["year", "indicator", "value"], dtype={"year": str, "indicator": str}) for f in files],
        ignore_index=True,
    )
    frame["year"] = frame["year"].str.slice(0, 4).astype(int)
    totals = frame[frame["year"] <= year].groupby(["indicator", "year"])["value"].agg(["sum", "count"]).reset_index()
    history: dict[str, dict[int, tuple[Number, int]]] = defaultdict(dict)
    for code, in_year, total, returns in totals.itertuples(index=False):
        history[str(code)][int(in_year)] = (figure(float(total)), int(returns))
    return {"year": year, "indicators": _indicators(history, year, sorted(history))}
