"""The picture of need across the UK, as plain data: needs by kind, subject, nation, region and the
year they were posted, each split into unmet (open or in conversation), met and withdrawn.

Every figure counts only the needs the reader may see (`Need.objects.visible_to`), so an analyst
sees every need and anyone else the public ones and their own organisation's. The web page, its
chart and both downloads present the same rows.
"""

import html
import io
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: readable, searchable and scalable

from django.db.models import Count, Q  # noqa: E402
from django.db.models.functions import ExtractYear  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from museumshare.core import geography  # noqa: E402
from museumshare.core.svg import presentation_attributes  # noqa: E402
from museumshare.needs import subjects  # noqa: E402
from museumshare.needs.models import UNMET, Kind, Need, NeedStatus  # noqa: E402

DIMENSIONS = {
    "kind": "Kind",
    "subject": "Subject",
    "nation": "Nation",
    "region": "Region",
    "year": "Year posted",
}
NOT_IN_THE_UK = "Outside the UK"
NO_SUBJECT = "No subject given"


@dataclass(frozen=True)
class Row:
    label: str
    unmet: int
    met: int
    withdrawn: int

    @property
    def total(self) -> int:
        return self.unmet + self.met + self.withdrawn


COUNTS = {
    "unmet": Count("pk", filter=Q(status__in=UNMET)),
    "met": Count("pk", filter=Q(status=NeedStatus.MET)),
    "withdrawn": Count("pk", filter=Q(status=NeedStatus.WITHDRAWN)),
}


def _rows(needs: Any, field: str, labels: dict[Any, str] | None = None, empty: str = "") -> list[Row]:
    grouped = needs.values(field).annotate(**COUNTS).order_by()
    found: dict[str, list[int]] = {}
    for row in grouped:
        key = row[field]
        label = (labels or {}).get(key, key) if key not in (None, "") else empty
        totals = found.setdefault(str(label), [0, 0, 0])
        for i, name in enumerate(("unmet", "met", "withdrawn")):
            totals[i] += row[name]
    return [Row(label, *totals) for label, totals in found.items()]


def by(user: Any, dimension: str) -> list[Row]:
    """Needs `user` may see, grouped by `dimension` (a key of DIMENSIONS), the most unmet first;
    years in order."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"No such dimension: {dimension!r}.")
    needs = Need.objects.visible_to(user)
    if dimension == "kind":
        rows = _rows(needs, "kind", dict(Kind.choices))
    elif dimension == "nation":
        rows = _rows(needs, "organisation__nation", empty=NOT_IN_THE_UK)
    elif dimension == "region":
        rows = _rows(needs, "organisation__region_code", dict(geography.regions()), empty=NOT_IN_THE_UK)
    elif dimension == "year":
        rows = _rows(needs.annotate(year=ExtractYear("created_at")), "year")
        return sorted(rows, key=lambda row: row.label)
    else:
        rows = _by_subject(needs)
    return sorted(rows, key=lambda row: (-row.unmet, -row.total, row.label))


def _by_subject(needs: Any) -> list[Row]:
    # A need may name several subjects and counts under each; the list is a JSON field, so the
    # needs are read (status and subjects only: needs are posted by people, a few thousand at most).
    found: dict[str, list[int]] = {}
    slot = {NeedStatus.MET: 1, NeedStatus.WITHDRAWN: 2}
    for status, named in needs.values_list("status", "subjects"):
        for subject in named or [None]:
            label = subjects.label(subject) if subject else NO_SUBJECT
            found.setdefault(label, [0, 0, 0])[slot.get(status, 0)] += 1
    return [Row(label, *totals) for label, totals in found.items()]


HEADER = ["unmet", "met", "withdrawn", "total"]


def export_rows(dimension: str, rows: list[Row]) -> tuple[list[str], list[list[Any]]]:
    """A table of rows for a CSV or XLSX download: its header, then one line a row."""
    return [DIMENSIONS[dimension].lower(), *HEADER], [[r.label, r.unmet, r.met, r.withdrawn, r.total] for r in rows]


def chart_svg(rows: list[Row], *, title: str, chart_id: str = "needs-chart") -> str:
    """Horizontal bars of unmet and met needs for each row, as inline SVG labelled for screen readers.

    The page shows the same numbers in a table under it; the chart adds the comparison at a glance.
    """
    shown = list(reversed(rows))
    labels = [row.label for row in shown]
    positions = list(range(len(shown)))
    height = 0.38
    figure = Figure(figsize=(7.2, max(1.8, 0.6 * len(shown) + 1.1)), dpi=100)
    axes = figure.add_subplot()
    unmet = axes.barh(
        [p + height / 2 for p in positions], [r.unmet for r in shown], height, color="#0b5e63", label="Unmet"
    )
    met = axes.barh(
        [p - height / 2 for p in positions],
        [r.met for r in shown],
        height,
        color="#b8d8da",
        edgecolor="#0b5e63",
        hatch="//",
        label="Met",
    )
    for bars in (unmet, met):
        # Empty bars carry no label: the table says 0.
        values = [int(bar.get_width()) for bar in bars]
        axes.bar_label(bars, labels=[f"{v:,}" if v else "" for v in values], padding=3, fontsize=9, color="#1b1f23")
    axes.set_yticks(positions, labels)
    axes.set_xlabel("Needs", color="#1b1f23")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    highest = max([max(r.unmet, r.met) for r in shown], default=1)
    axes.set_xlim(0, highest * 1.2 or 1)
    axes.legend(loc="lower right", frameon=False, fontsize=9)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(colors="#1b1f23", labelsize=10)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    # Inline in HTML: no XML declaration or doctype, and no styles for the page's policy to block.
    svg = presentation_attributes(svg[svg.index("<svg") :])
    title_id = f"{chart_id}-title"
    svg = svg.replace("<svg ", f'<svg id="{chart_id}" role="img" aria-labelledby="{title_id}" class="chart" ', 1)
    opening_end = svg.index(">") + 1
    return f'{svg[:opening_end]}\n <title id="{title_id}">{html.escape(title)}</title>{svg[opening_end:]}'
