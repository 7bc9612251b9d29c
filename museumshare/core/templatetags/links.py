"""A web address a person wrote, linked only when it is one.

Forms and the API accept http and https addresses only, but records also arrive by the register's
import, spreadsheets, the admin and rows written before a rule; a `javascript:` address in an href
runs when it is clicked. Every template that links to a stored address passes it through
`web_address`, which gives back the address, or "" for anything that is not a web address.
"""

from urllib.parse import urlsplit

from django import template

register = template.Library()

SCHEMES = {"http", "https"}


@register.filter
def web_address(value: object) -> str:
    text = str(value or "").strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return ""
    # A path on this site (an uploaded file's own view) is linked too; "//host" is another site.
    on_this_site = not scheme and text.startswith("/") and not text.startswith("//")
    return text if scheme in SCHEMES or on_this_site else ""
