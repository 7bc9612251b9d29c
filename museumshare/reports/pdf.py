"""The report as a PDF: the web page's report template, with a cover, contents and print styles.

The charts stay vector SVG and the text stays text, so the PDF can be searched, copied from and
read aloud. Until the report is published, every page says DRAFT.
"""

import logging
import re
from datetime import date
from typing import Any

from django.template.loader import render_to_string

from museumshare.core.pdf import write_pdf
from museumshare.reports import charts

# WeasyPrint's CSS parser warns of each SVG property in the charts' style attributes (thousands a
# report), though its SVG renderer draws them; other warnings still show.
SVG_STYLE_WARNING = re.compile(r"^Ignored `(fill|stroke|stroke-[a-z]+|text-anchor|font|font-[a-z]+)(-opacity)?: ")


def _not_svg_style(record: logging.LogRecord) -> bool:
    return not SVG_STYLE_WARNING.match(record.getMessage())


def html(data: dict[str, Any], *, today: date | None = None) -> str:
    """The printed report as one self-contained HTML page: styles and charts inline."""
    context = {**charts.present(data, printed=True), "today": today or date.today()}
    return render_to_string("reports/pdf/report.html", context)


def render(data: dict[str, Any], *, today: date | None = None) -> bytes:
    """The PDF of the report whose JSON is `data`."""
    page = html(data, today=today)
    logger = logging.getLogger("weasyprint")
    logger.addFilter(_not_svg_style)
    try:
        # Nothing needs fetching (the styles are inline, the charts and the map inline SVG), and the
        # fetcher would refuse anything but the app's static files.
        return write_pdf(page, pdf_tags=True)
    finally:
        logger.removeFilter(_not_svg_style)
