"""SVG made by matplotlib, made fit to sit inside a page under the Content Security Policy."""

import html
import re

STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>\s*", re.DOTALL)
DECLARATION = re.compile(r"^\s*([a-z-]+)\s*:\s*(.+?)\s*$")


def _attributes(style: str) -> str:
    declarations = [DECLARATION.match(part) for part in html.unescape(style).split(";") if part.strip()]
    return "".join(f' {d[1]}="{html.escape(d[2])}"' for d in declarations if d)


def presentation_attributes(svg: str) -> str:
    """`svg` with every style="fill: …; stroke: …" written as the attributes fill="…" stroke="…".

    The page's policy (style-src 'self') blocks inline styles, but SVG's presentation attributes
    are not styles: the charts look the same and need no 'unsafe-inline'. matplotlib's one style
    element, `*{stroke-linejoin: round; stroke-linecap: butt}`, becomes the same attributes on the
    root, which every element inherits unless it sets its own (as the rule's elements did).
    """
    root_attributes = ""
    for rules in STYLE_ELEMENT.findall(svg):
        root_attributes += "".join(_attributes(body) for body in re.findall(r"\*\s*\{([^}]*)\}", rules))
    svg = STYLE_ELEMENT.sub("", svg)
    svg = STYLE_ATTRIBUTE.sub(lambda match: _attributes(match[1]), svg)
    return svg.replace("<svg ", f"<svg{root_attributes} ", 1)
