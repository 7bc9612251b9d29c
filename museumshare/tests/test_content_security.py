"""The Content Security Policy and the other headers every page carries, the templates that keep to
the policy, and Chromium showing the site's pages without refusing anything on them."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import ConsoleMessage, Page, expect

from museumshare.accounts.models import User
from museumshare.conftest import sign_in
from museumshare.core.svg import presentation_attributes
from museumshare.organisations.models import Organisation
from museumshare.reports import services
from museumshare.reports.tests.conftest import published_figures  # noqa: F401 (a fixture)
from museumshare.returns.models import ReportingYear

PACKAGE = Path(__file__).resolve().parent.parent
# Rendered by WeasyPrint into PDFs, never shown by a browser: their styles are inline on purpose.
PRINTED = ("/pdf/",)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
STYLE = re.compile(r"<style[\s>]|<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)


def test_every_page_carries_the_content_security_policy_and_the_permissions_policy(
    laing: Organisation, alice: User
) -> None:
    signed_in = Client()
    signed_in.force_login(alice)
    for client, path in [
        (Client(), "/"),
        (Client(), "/organisations/"),
        (Client(), laing.get_absolute_url()),
        (Client(), "/map/"),
        (Client(), "/accounts/sign-in/"),
        (Client(), "/api/v1/docs/"),
        (Client(), "/no-such-page/"),
        (signed_in, "/loans/"),
    ]:
        response = client.get(path)
        policy = set(response.headers["Content-Security-Policy"].split("; "))
        assert {
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        } <= policy, path
        assert "camera=()" in response.headers["Permissions-Policy"], path
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", path


def test_only_redoc_may_apply_its_own_two_style_elements(db: Any) -> None:
    policy = Client().get("/api/v1/redoc/").headers["Content-Security-Policy"]

    assert re.search(r"style-src 'self' 'sha256-[^']+' 'sha256-[^']+'(;|$)", policy)
    assert "worker-src blob:" in policy
    assert "'unsafe-inline'" not in policy


def test_no_template_has_an_inline_script_an_event_handler_or_a_style() -> None:
    found = []
    for template in PACKAGE.glob("**/templates/**/*.html"):
        if any(part in template.as_posix() for part in PRINTED):
            continue
        text = template.read_text(encoding="utf-8")
        for name, pattern in [("inline script", INLINE_SCRIPT), ("event handler", EVENT_HANDLER), ("style", STYLE)]:
            found += [f"{template.relative_to(PACKAGE)}: {name}: {m[0]}" for m in pattern.finditer(text)]
    assert not found, "\n".join(found)


def test_the_scan_would_find_each_kind_of_inline_code() -> None:
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/a.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script id="data" type="application/json">{}</script>')
    assert EVENT_HANDLER.search('<button type="button" onclick="go()">')
    assert STYLE.search('<span class="swatch" style="background: red">')
    assert not STYLE.search('<a href="/" data-style="x">')


def test_matplotlib_styles_become_presentation_attributes() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><defs><style type="text/css">*{stroke-linejoin: round}</style>'
        "</defs><text style=\"font-size: 10px; font-family: 'DejaVu Sans'; text-anchor: end\">a</text></svg>"
    )

    assert presentation_attributes(svg) == (
        '<svg stroke-linejoin="round" xmlns="http://www.w3.org/2000/svg"><defs></defs>'
        '<text font-size="10px" font-family="&#x27;DejaVu Sans&#x27;" text-anchor="end">a</text></svg>'
    )


@pytest.mark.browser
def test_chromium_refuses_nothing_on_the_sites_pages(
    page: Page,
    alice: User,
    analyst: User,
    laing: Organisation,
    published_figures: tuple[Organisation, Organisation],  # noqa: F811
) -> None:
    services.report_publish(year=ReportingYear.objects.get(year=2020), actor=analyst)
    refused: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if REDOC_LOGO in message.text:
            return  # Redoc always asks its maker's site for a logo: refusing it is the policy working.
        if "Content Security Policy" in message.text or message.text.startswith("Refused to"):
            refused.append(f"{page.url}: {message.text}")

    page.on("console", listen)
    # Whatever the console words, the event names each refusal (and the script is not inline).
    page.add_init_script(path=str(Path(__file__).with_name("csp_listener.js")))
    for path, heading in [
        ("/", "Partnership work"),
        ("/organisations/", "Directory"),
        (laing.get_absolute_url(), "Laing Art Gallery"),
        ("/map/", "Map"),
        ("/reports/2020-21/", "2020/21"),
        ("/api/v1/docs/", None),
        ("/api/v1/redoc/", None),
    ]:
        page.goto(path)
        if heading:
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        page.wait_for_load_state("networkidle")
    # Redoc draws the page from the schema, which takes a few seconds to make on a busy machine.
    expect(page.locator("#redoc-container h1")).to_contain_text("museumshare API", timeout=30_000)

    # A form whose organisation box asks the server for suggestions as alice types (htmx).
    sign_in(page, alice)
    page.goto("/loans/request/")
    page.wait_for_load_state("networkidle")

    assert not refused, "\n".join(refused)
