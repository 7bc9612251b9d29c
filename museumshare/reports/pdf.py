"""PLACEHOLDER: the report as a PDF (being written)."""

from typing import Any


def render(data: dict[str, Any]) -> bytes:
    return b""
