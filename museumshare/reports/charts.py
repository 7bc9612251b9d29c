"""The report's JSON made ready to show: figures in words, tables, and charts as inline SVG.

Everything here reads only the JSON dict (`Report.as_json()`, or a published version's frozen
copy of it), so a published snapshot looks exactly as its draft did. The web page and the PDF
render the same context from the same template. Every chart has its numbers in a table beside it
and a title for screen readers; its text stays text, so the PDF's charts are selectable vectors.
"""

import html
import io
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import matplotlib
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from museumshare.core.geography import nations_outline
from museumshare.core.svg import presentation_attributes
from museumshare.reports.compute import readable
from museumshare.returns.models import Section

matplotlib.use("Agg")

ACCENT = "#0b5e63"
TEXT = "#1b1f23"
GRID = "#d5d9dc"
STYLE: dict[Any, Any] = {
    "svg.fonttype": "none",  # text stays text: readable, searchable, selectable in the PDF
    "text.parse_math": False,  # a "$" in a museum's name is a dollar sign
    "font.family": ["DejaVu Sans", "sans-serif"],
    "font.size": 10,
}
# A bar chart shows at most this many rows, the largest; its table lists them all.
MOST_BARS = 15
# Without headlines (a first year, or nothing moved), the report leads with this many figures.
KEY_FIGURES = 5
BREAKDOWN_TITLES = {
    "by_museum": "Partnership activity by national museum",
    "loans_by_nation": "Loans by nation of the borrowing venue",
    "loans_by_region": "Loans by region of the borrowing venue",
    "loans_by_local_authority": "Loans by local authority of the borrowing venue",
    "places_by_nation": "Places reached by nation",
    "places_by_region": "Places reached by region",
    "international_by_country": "International activity by country",
    "by_activity_kind": "Activities by kind",
    "by_partner_kind": "Partners by kind",
    "by_partner_governance": "Partners by governance",
    "new_partners": "New partners",
    "loan_lengths": "Loans by length",
}
# What each breakdown's rows are, as its table's first heading.
ROW_HEADINGS = {
    "by_museum": "Museum",
    "loans_by_nation": "Nation",
    "places_by_nation": "Nation",
    "loans_by_region": "Region or nation",
    "places_by_region": "Region or nation",
    "loans_by_local_authority": "Local authority",
    "international_by_country": "Country",
    "by_activity_kind": "Kind of activity",
    "by_partner_kind": "Kind of partner",
    "by_partner_governance": "Governance",
    "new_partners": "Where they are",
    "loan_lengths": "Length",
}
LABEL_KEYS = ("label", "name", "title", "region", "nation", "country", "kind", "museum", "local_authority")
# The count a breakdown's chart shows, when a row has several.
MAIN_COUNTS = ("loans", "count", "activities", "places", "partners", "total", "value")
MAP_KEY = "map_venues"
HIDDEN_COLUMNS = ("lat", "lon", "code", "id", "pk", "slug")


@dataclass
class Table:
    caption: str
    columns: list[tuple[str, bool]]  # (heading, numeric)
    rows: list[list[str]] = field(default_factory=list)

    @property
    def body(self) -> list[list[tuple[str, bool]]]:
        """Each row's cells with whether each is a number (set right)."""
        numeric = [n for _, n in self.columns]
        return [list(zip(row, numeric, strict=False)) for row in self.rows]


@dataclass
class Chart:
    id: str
    title: str
    svg: SafeString | None
    table: Table
    note: str = ""


# Numbers


def decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def grouped(value: Any) -> str:
    """A number with thousands separators (69,299; 12.5), or a dash for none."""
    if isinstance(value, bool) or value is None:
        return "–" if value is None else ("yes" if value else "no")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    return str(value)


def with_unit(value: Any, unit: str) -> str:
    """A figure as people read it with its unit: 1.3 million people; £1.2 million; not reported."""
    amount = decimal(value)
    text = readable(amount, unit)
    if amount is None or unit.strip() in ("£", "pounds") or not unit:
        return text
    return f"{text} {unit}"


def change_words(indicator: dict[str, Any]) -> str:
    """The change on the earlier year in words, never by colour alone: up 25.9%; down 94.1%."""
    percent, change = indicator.get("change_percent"), indicator.get("change")
    if change is None:
        return "–"
    if change == 0:
        return "no change"
    direction = "up" if change > 0 else "down"
    if percent is None:
        return f"{direction} {readable(decimal(abs(change)), indicator.get('unit', ''))} from none"
    return f"{direction} {abs(percent):,.1f}%"


def published_on(data: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(data["published_at"]))
    except (KeyError, ValueError):
        return None


# Charts


def _svg(figure: Figure, *, chart_id: str, title: str) -> SafeString:
    """The figure as inline SVG, labelled for screen readers by its title."""
    buffer = io.StringIO()
    with matplotlib.rc_context({**STYLE, "svg.hashsalt": chart_id}):  # ids unique on the page, output stable
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    # Inline in HTML: no XML declaration or doctype, and no styles for the page's policy to block.
    svg = presentation_attributes(svg[svg.index("<svg") :])
    # matplotlib names its groups figure_1, patch_1…: unique within the page only under the chart's id.
    svg = re.sub(r'\b(id="|url\(#|href="#)([^")]+)', lambda m: f"{m[1]}{chart_id}-{m[2]}", svg)
    title_id = f"{chart_id}-title"
    svg = svg.replace("<svg ", f'<svg id="{chart_id}" role="img" aria-labelledby="{title_id}" class="chart" ', 1)
    opening_end = svg.index(">") + 1
    # Made by matplotlib, which escapes the text it draws; the title is escaped here.
    return mark_safe(f'{svg[:opening_end]}\n <title id="{title_id}">{html.escape(title)}</title>{svg[opening_end:]}')  # noqa: S308


def _plain_axes(figure: Figure) -> Any:
    axes = figure.add_subplot()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(colors=TEXT, labelsize=10)
    return axes


def _short(value: float) -> str:
    """An axis label: 1.5m, 250k, 40."""
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:g}m"
    if abs(value) >= 10_000:
        return f"{value / 1_000:g}k"
    return f"{value:,.0f}"


def trend_chart(points: list[tuple[str, float]], *, name: str, unit: str, chart_id: str, title: str) -> SafeString:
    """A column for each year that reported the indicator: the years with no figure are left out,
    so the columns stand side by side rather than on a time axis that would invent the gaps."""
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(6.4, 2.9), dpi=100)
        axes = _plain_axes(figure)
        labels = [year for year, _ in points]
        values = [value for _, value in points]
        colours = [GRID if i < len(points) - 1 else ACCENT for i in range(len(points))]
        bars = axes.bar(labels, values, color=colours, edgecolor=ACCENT, linewidth=0.8, width=0.6)
        axes.bar_label(bars, labels=[readable(decimal(v), unit) for v in values], padding=3, fontsize=10, color=TEXT)
        axes.set_ylabel(unit.capitalize() if unit.strip() not in ("£", "pounds") else "Pounds", color=TEXT)
        axes.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _short(v)))
        axes.set_ylim(0, max([*values, 1]) * 1.18)
        axes.set_axisbelow(True)
        axes.yaxis.grid(True, color=GRID, linewidth=0.6)
        figure.tight_layout()
    return _svg(figure, chart_id=chart_id, title=title)


def bar_chart(labels: list[str], values: list[float], *, xlabel: str, chart_id: str, title: str) -> SafeString:
    """Horizontal bars, largest at the top, each with its number at its end."""
    labels = [label if len(label) <= 42 else f"{label[:40]}…" for label in labels]
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(6.4, max(1.6, 0.36 * len(labels) + 0.9)), dpi=100)
        axes = _plain_axes(figure)
        bars = axes.barh(labels[::-1], values[::-1], color=ACCENT, height=0.65)
        axes.bar_label(bars, labels=[grouped(v) for v in values[::-1]], padding=4, fontsize=10, color=TEXT)
        axes.set_xlabel(xlabel, color=TEXT)
        axes.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _short(v)))
        axes.set_xlim(0, (max(values, default=0) or 1) * 1.15)
        figure.tight_layout()
    return _svg(figure, chart_id=chart_id, title=title)


def venue_map(venues: list[dict[str, Any]], *, chart_id: str, title: str) -> SafeString:
    """The borrowing venues over the four nations' outline, for the PDF and for pages without
    scripts: a dot for each venue, larger for more loans, see-through where they crowd, the smaller
    drawn over the larger."""
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(4.2, 5.4), dpi=100)
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_axis_off()
        for feature in nations_outline()["features"]:
            geometry = feature["geometry"]
            polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
            for polygon in polygons:
                xs, ys = zip(*polygon[0], strict=True)
                axes.fill(xs, ys, facecolor="#e8ecef", edgecolor="#6b7785", linewidth=0.4)
        loans = [float(v["loans"]) if isinstance(v.get("loans"), int | float) else 1.0 for v in venues]
        most = max(loans, default=1.0) or 1.0
        # Dots of one size are one shape drawn many times in the SVG, so sizes come in eight steps.
        sizes: dict[int, list[dict[str, Any]]] = {}
        for n, venue in zip(loans, venues, strict=True):
            sizes.setdefault(round(8 * math.sqrt(n / most)), []).append(venue)
        for step, dots in sorted(sizes.items(), reverse=True):
            axes.scatter(
                [venue["lon"] for venue in dots],
                [venue["lat"] for venue in dots],
                s=6 + 9 * step,
                color="#b3261e",
                alpha=0.75,
                edgecolors="#ffffff",
                linewidths=0.4,
            )
        axes.set_xlim(-8.8, 2.1)
        axes.set_ylim(49.8, 61)
        axes.set_aspect(1 / math.cos(math.radians(55)))
    return _svg(figure, chart_id=chart_id, title=title)


# The breakdowns: rows of counts from the register, each shown whatever columns it has


def _heading(key: str) -> str:
    return key.replace("_", " ").strip().capitalize()


def _label_key(rows: list[dict[str, Any]]) -> str | None:
    keys = list(rows[0])
    for key in LABEL_KEYS:
        if key in keys:
            return key
    return next((k for k in keys if isinstance(rows[0][k], str)), None)


def _count_keys(rows: list[dict[str, Any]], label_key: str | None) -> list[str]:
    keys: list[str] = []
    for row in rows:
        for key, value in row.items():
            if key in keys or key == label_key or key in HIDDEN_COLUMNS:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                keys.append(key)
    return keys


def _rows_of(value: Any) -> tuple[list[dict[str, Any]], str, str]:
    """A breakdown's rows, and its title and note if it gives them: a list of rows, or a dict
    with "rows" and perhaps "title" and "note"."""
    title = note = ""
    if isinstance(value, dict):
        title, note = str(value.get("title") or ""), str(value.get("note") or "")
        value = value.get("rows", [])
    if not isinstance(value, list):
        return [], title, note
    return [row for row in value if isinstance(row, dict) and row], title, note


def breakdown(key: str, value: Any, year: str, names: dict[str, str] | None = None) -> Chart | None:
    """A breakdown's table and bar chart. `names`: headings for columns named by an indicator's code."""
    names = names or {}
    rows, title, note = _rows_of(value)
    title = title or BREAKDOWN_TITLES.get(key) or _heading(key)
    chart_id = f"breakdown-{slugify(key) or 'rows'}"
    if not rows:
        return Chart(id=chart_id, title=title, svg=None, table=Table(caption=title, columns=[]), note=note)
    label_key = _label_key(rows)
    counts = _count_keys(rows, label_key)
    # Codes (GSS, ISO, slugs) are for the open data, not for readers.
    others = [k for k in rows[0] if k not in counts and k != label_key and k not in HIDDEN_COLUMNS]
    columns = ([label_key] if label_key else []) + others + counts
    table = Table(
        caption=f"{title}, {year}",
        columns=[
            (ROW_HEADINGS.get(key, "Name") if k == label_key else names.get(k) or _heading(k), k in counts)
            for k in columns
        ],
        rows=[[grouped(row.get(k)) for k in columns] for row in rows],
    )
    main = next((k for k in MAIN_COUNTS if k in counts), counts[0] if counts else None)
    svg = None
    if label_key and main:
        charted = [row for row in rows if isinstance(row.get(main), int | float)]
        if len(charted) > MOST_BARS:  # the largest; otherwise in the breakdown's own order (lengths, say)
            charted = sorted(charted, key=lambda row: -float(row[main]))[:MOST_BARS]
        if any(float(row[main]) for row in charted):  # a chart of nothing but zeros says nothing
            if len(rows) > MOST_BARS:
                most = (names.get(main) or _heading(main)).lower()
                shown = f"the {MOST_BARS} with the most {most}; the table lists all {len(rows):,}"
                note = f"{note} The chart shows {shown}.".strip()
            svg = bar_chart(
                [str(row.get(label_key) or "Not recorded") for row in charted],
                [float(row[main]) for row in charted],
                xlabel=names.get(main) or _heading(main),
                chart_id=chart_id,
                title=f"Bar chart: {title}, {year}. The table beside it gives the numbers.",
            )
    return Chart(id=chart_id, title=title, svg=svg, table=table, note=note)


def venues(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The borrowing venues that have a place on the map, most loans first."""
    rows, _, _ = _rows_of((data.get("breakdowns") or {}).get(MAP_KEY))
    found = []
    for row in rows:
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except (KeyError, TypeError, ValueError):
            continue
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            loans = row.get("loans")
            found.append({"name": str(row.get("name") or row.get("label") or ""), "lat": lat, "lon": lon,
                          "loans": loans if isinstance(loans, int | float) else None})  # fmt: skip
    return sorted(found, key=lambda v: (-(v["loans"] or 0), v["name"]))


# The whole report


def _key_codes(data: dict[str, Any]) -> list[str]:
    """The headline indicators, in the headlines' order; without headlines, the first reported ones."""
    indicators = data.get("indicators") or []
    by_sentence = {row.get("sentence"): row["code"] for row in indicators}
    codes = [by_sentence[s] for s in data.get("headlines") or [] if s in by_sentence]
    return codes or [row["code"] for row in indicators if row.get("value") is not None][:KEY_FIGURES]


def definitions(data: dict[str, Any]) -> list[dict[str, str]]:
    """What each indicator counts, in the report's order."""
    return [
        {"code": row["code"], "name": row.get("name", row["code"]), "definition": row.get("definition") or "",
         "unit": row.get("unit", "")}
        for row in data.get("indicators") or []
    ]  # fmt: skip


def present(data: dict[str, Any], *, printed: bool = False) -> dict[str, Any]:
    """Everything the report's template shows, from the report's JSON. `printed`: for the PDF, whose
    map of the venues is drawn here rather than by the page's script."""
    year = str(data.get("year", ""))
    indicators = {row["code"]: row for row in data.get("indicators") or []}
    key_codes = _key_codes(data)
    titles = dict(Section.choices)
    order = [code for code, _ in Section.choices]
    grouped_rows: dict[str, list[dict[str, Any]]] = {}
    for row in indicators.values():
        grouped_rows.setdefault(str(row.get("section") or ""), []).append(row)
    sections = []
    for code in sorted(grouped_rows, key=lambda c: (order.index(c) if c in order else len(order), c)):
        rows = grouped_rows[code]
        sections.append(
            {
                "id": f"section-{slugify(code) or 'other'}",
                "title": str(titles.get(code, _heading(code) or "Other figures")),
                "sentences": [r["sentence"] for r in rows if r.get("value") is not None and r.get("sentence")],
                "indicators": [
                    {
                        "name": r.get("name", r["code"]),
                        "figure": with_unit(r.get("value"), r.get("unit", "")),
                        "previous": with_unit(r.get("previous_value"), r.get("unit", ""))
                        if r.get("compared_with")
                        else "–",
                        "compared_with": r.get("compared_with") or "",
                        "change": change_words(r),
                        "returns": grouped(r.get("returns")),
                    }
                    for r in rows
                ],
            }
        )
    key_figures = [
        {
            "name": indicators[code].get("name", code),
            "figure": readable(decimal(indicators[code].get("value")), indicators[code].get("unit", "")),
            "unit": "" if indicators[code].get("unit", "").strip() in ("£", "pounds") else indicators[code]["unit"],
            "change": change_words(indicators[code]),
            "compared_with": indicators[code].get("compared_with") or "",
        }
        for code in key_codes
        if code in indicators
    ]
    trends = []
    for code in key_codes:
        points = [
            (str(p["year"]), float(p["value"]))
            for p in (data.get("trends") or {}).get(code, [])
            if isinstance(p, dict) and isinstance(p.get("value"), int | float)
        ]
        if not points or code not in indicators:
            continue
        name, unit = indicators[code].get("name", code), indicators[code].get("unit", "")
        title = f"{name}, {points[0][0]} to {points[-1][0]}" if len(points) > 1 else f"{name}, {points[0][0]}"
        trends.append(
            Chart(
                id=f"trend-{slugify(code)}",
                title=title,
                svg=trend_chart(
                    points,
                    name=name,
                    unit=unit,
                    chart_id=f"trend-{slugify(code)}",
                    title=f"Column chart: {title}. The table beside it gives the numbers.",
                ),
                table=Table(
                    caption=f"{name} by year",
                    columns=[("Year", False), (_heading(unit) if unit.strip() not in ("£", "pounds") else "£", True)],
                    rows=[[y, grouped(int(v) if v.is_integer() else v)] for y, v in points],
                ),
            )
        )
    names = {code: str(row.get("name") or code) for code, row in indicators.items()}
    charts = [
        chart
        for key, value in (data.get("breakdowns") or {}).items()
        if key != MAP_KEY and (chart := breakdown(str(key), value, year, names)) is not None
    ]
    venue_rows = venues(data)
    contents = [
        ("summary", "Summary"),
        *([("trends", "Trends in the headline figures")] if trends else []),
        *[(section["id"], section["title"]) for section in sections],
        *([("breakdowns", "Where the partnerships reached")] if charts else []),
        *([("venues", "Borrowing venues")] if venue_rows else []),
        ("definitions", "Definitions"),
        ("licence", "Licence and attribution"),
    ]
    return {
        "contents": contents,
        "year": year,
        "title": f"Museum Partnership Report {year}",
        "draft": data.get("status") != "published",
        "version": data.get("version"),
        "published_at": published_on(data),
        "note": data.get("note") or "",
        "headlines": [str(s) for s in data.get("headlines") or []],
        "key_figures": key_figures,
        "sections": sections,
        "trends": trends,
        "breakdowns": charts,
        "venues": venue_rows,
        "venue_map": venue_map(venue_rows, chart_id="venue-map", title=f"Map of the borrowing venues, {year}")
        if venue_rows and printed
        else None,
        "printed": printed,
        "definitions": definitions(data),
        "licence": data.get("licence") or "",
        "attribution": data.get("attribution") or "",
        "disclosure_control": data.get("disclosure_control") or "",
    }
