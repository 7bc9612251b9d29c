"""Stored cross-site scripting, in Chromium: every free-text field holds a script, and no page runs it.

The demo's records (activities, loans and their objects, the skills-sharing programme with its
opportunities, events and resources, needs and offers, a round of returns) are made through the
services, with a conversation about a need. Then every free-text field a person can write, found by
looking at the models so that a new field is covered without a change here, is overwritten with
payloads. alice, bob, the analyst and a visitor each follow the links from the home page to every
kind of page they may open (lists, records, forms, the directory, the map, the report, the needs
board, their account), hovering over every map's points; no script may run (an alert opens a
dialog) and no element the payloads would make may be in the page.
"""

import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.db import models
from django.urls import Resolver404, resolve
from playwright.sync_api import Dialog, Error, Page
from pytest_playwright.pytest_playwright import CreateContextCallback

from museumshare.accounts.models import User
from museumshare.activities.demo import load_demo_activities
from museumshare.conftest import sign_in
from museumshare.loans.demo import load_demo_loans
from museumshare.needs import services as needs_services
from museumshare.needs.demo import load_demo_needs
from museumshare.needs.models import Need
from museumshare.organisations.demo import describe_programmes
from museumshare.organisations.models import Contact, Organisation
from museumshare.programmes.demo import load_demo_programme
from museumshare.returns.demo import load_demo_round

pytestmark = pytest.mark.browser

CORPUS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "</style><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "'><svg/onload=alert(1)>",
    "{{7*7}}",
    "';alert(1)//",
    "<img\nsrc=x\nonerror=alert(1)>",
    "javascript:alert(1)",
]
# Fields whose values follow a format the code reads (codes, lists of addresses, day counts), or
# that nobody types: a payload there tests nothing a person could do, and would break the pages.
NOT_FREE_TEXT = {
    "password",
    "postcode",
    "region_code",
    "upper_tier_code",
    "district_code",
    "search_text",
    "external_id",
    "sent_to",
    "recipients",
    "reminder_days",
    "rule",
    "unit",
}
# The audit log is written by the services themselves, never by a person.
NOT_WRITTEN_BY_PEOPLE = {"core.AuditEntry"}
# Links that sign out, download a file, or leave the pages a person reads.
NOT_PAGES = ("/accounts/sign-out/", "/admin/", "/api/", "/static/", "/media/")
DOWNLOADS = (".pdf", ".csv", ".xlsx", ".json", ".geojson", ".svg", ".png")
# Pages that show what people wrote, which the crawl must reach (it reaches more: forms and the rest).
EVERY_KIND_OF_READING_PAGE = {
    "home",
    "accounts:account",
    "organisations:directory",
    "organisations:detail",
    "organisations:national_museums",
    "activities:list",
    "activities:detail",
    "loans:list",
    "loans:detail",
    "loans:objects",
    "programmes:detail",
    "programmes:board",
    "programmes:opportunity",
    "programmes:events",
    "programmes:event",
    "programmes:resources",
    "programmes:resource",
    "needs:board",
    "needs:detail",
    "needs:offers",
    "needs:offer",
    "returns:list",
    "returns:detail",
    "reports:list",
    "atlas:map",
}
# The elements and attributes the corpus would make, if any page let it through.
INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const value = attr.value.trim().toLowerCase();
      if ((attr.name.startsWith("on") && value.includes("alert(1)")) ||
          (["href", "src", "action", "formaction"].includes(attr.name) && value.startsWith("javascript:"))) {
        found.push(el.outerHTML.slice(0, 120));
      }
    }
    if (el.tagName === "SCRIPT" && el.textContent.trim() === "alert(1)") { found.push(el.outerHTML); }
    if (el.tagName === "IMG" && el.getAttribute("src") === "x") { found.push(el.outerHTML.slice(0, 120)); }
  }
  return found;
}"""


def payload(field: models.Field[object, object], index: int) -> str:
    """Payloads from the corpus, starting at `index` so that fields get different ones, as many as fit."""
    if isinstance(field, models.URLField):
        return "javascript:alert(1)"
    limit = field.max_length or 10_000
    chosen: list[str] = []
    for text in CORPUS[index % len(CORPUS) :] + CORPUS[: index % len(CORPUS)]:
        if len("\n".join([*chosen, text])) <= limit - 8:
            chosen.append(text)
    return "\n".join(chosen)


def free_text_fields(model: type[models.Model]) -> list[models.Field[object, object]]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.EmailField)
        and not field.choices
        and field.name not in NOT_FREE_TEXT
    ]


def unique_fields(model: type[models.Model]) -> set[str]:
    together = {name for constraint in model._meta.constraints for name in getattr(constraint, "fields", ())}
    return together | {field.name for field in model._meta.concrete_fields if field.unique}


def poison_every_free_text_field() -> tuple[int, int]:
    """Overwrite every free-text field of every record with payloads; returns (fields, records)."""
    from django.apps import apps

    fields = records = 0
    for model in apps.get_models():
        if not model.__module__.startswith("museumshare.") or model._meta.label in NOT_WRITTEN_BY_PEOPLE:
            continue
        writable = free_text_fields(model)
        if not writable:
            continue
        fields += len(writable)
        unique = unique_fields(model)
        for pk in model._default_manager.values_list("pk", flat=True):
            values = {}
            for index, field in enumerate(writable):
                text = payload(field, index + pk)
                values[field.name] = f"{text} {pk}" if field.name in unique else text
            model._default_manager.filter(pk=pk).update(**values)
            records += 1
    return fields, records


def records_of_every_kind(bob: User, laing: Organisation, portrait_gallery: Organisation) -> None:
    describe_programmes()
    load_demo_activities()
    load_demo_loans()
    load_demo_programme()
    load_demo_needs()
    load_demo_round()
    Contact.objects.create(
        organisation=portrait_gallery,
        name="Pat Partner",
        role="Head of Partnerships",
        email="partnerships@example.org",
        is_partnership_lead=True,
        listed_publicly=True,
    )
    need = Need.objects.filter(organisation=laing).first()
    assert need is not None
    needs_services.conversation_start(
        need=need,
        actor=bob,
        from_organisation=laing,
        to_organisation=portrait_gallery,
        message="Could we borrow two portraits?",
    )


class Visit:
    """One person's visit: the pages opened, the dialogs that opened, and what the payloads injected."""

    def __init__(self, page: Page, seen: set[str]) -> None:
        self.page = page
        self.seen = seen
        self.opened: list[str] = []
        self.problems: list[str] = []
        page.on("dialog", self.on_dialog)

    def on_dialog(self, dialog: Dialog) -> None:
        self.problems.append(f"a script ran on {self.page.url}: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    def crawl(self, start: str, limit: int) -> None:
        """Open `start`, then each kind of page (one per URL name) not yet seen that its links lead to,
        breadth first."""
        queue, first = [start], True
        while queue and len(self.opened) < limit:
            path = queue.pop(0)
            name = view_name(path)
            if name is None or (name in self.seen and not first):
                continue
            first = False
            self.seen.add(name)
            self.open(path)
            queue.extend(links(self.page))

    def open(self, path: str) -> None:
        try:
            self.page.goto(path)
        except Error as error:
            # A file to download (a return's spreadsheet) is no page to read.
            if "Download is starting" not in error.message:
                raise
            return
        self.opened.append(path)
        self.hover_map_points()
        # An <img src=x> fails to load a moment after the page does; its onerror would run then.
        self.page.wait_for_timeout(50)
        self.problems += [f"{path} holds {element}" for element in self.page.evaluate(INJECTED)]

    def hover_map_points(self) -> None:
        """Hover over a few points of each map, so that Leaflet writes their tooltips into the page."""
        if not self.page.locator(".leaflet-container").count():
            return
        points = self.page.locator(".leaflet-marker-pane .leaflet-interactive, path.leaflet-interactive")
        try:
            points.first.wait_for(timeout=3_000)
        except Error:
            return
        for index in range(min(points.count(), 4)):
            try:
                points.nth(index).hover(force=True, timeout=2_000)
            except Error:
                continue


def view_name(path: str) -> str | None:
    if path.startswith(NOT_PAGES) or path.endswith(DOWNLOADS):
        return None
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def links(page: Page) -> Iterator[str]:
    origin = urlsplit(page.url).netloc
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    for href in hrefs:
        url = urlsplit(href)
        if url.netloc == origin and url.scheme in ("http", "https"):
            yield url.path


def test_no_page_runs_or_injects_a_script_stored_in_any_free_text_field(
    new_context: CreateContextCallback,
    cast: dict[str, User],
    laing: Organisation,
    portrait_gallery: Organisation,
) -> None:
    records_of_every_kind(cast["bob"], laing, portrait_gallery)
    fields, records = poison_every_free_text_field()
    started = time.monotonic()

    opened: dict[str, list[str]] = {}
    problems: list[str] = []
    # Each kind of page is opened once, by the first person whose links lead to it: alice edits the
    # lender's records, bob the borrower's, the analyst sees the returns and the draft report.
    seen: set[str] = set()
    for person in ["alice", "bob", "analyst", "anonymous"]:
        page = new_context(viewport={"width": 1280, "height": 900}).new_page()
        if person != "anonymous":
            sign_in(page, cast[person])
        visit = Visit(page, seen)
        visit.crawl("/", limit=100)
        opened[person] = visit.opened
        problems += visit.problems
        page.context.close()

    pages = sum(len(paths) for paths in opened.values())
    print(
        f"\n{len(CORPUS)} payloads in {fields} fields of {records} records; {pages} pages opened "
        f"({', '.join(f'{person} {len(paths)}' for person, paths in opened.items())}) "
        f"in {time.monotonic() - started:.1f} s"
    )
    assert not problems, "\n".join(problems)
    assert seen >= EVERY_KIND_OF_READING_PAGE, EVERY_KIND_OF_READING_PAGE - seen
