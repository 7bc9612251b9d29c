"""PLACEHOLDER: the report as XLSX, CSV and JSON (being written)."""

from typing import Any


def xlsx(data: dict[str, Any]) -> bytes:
    return b""


def csv_text(data: dict[str, Any]) -> str:
    return ""


def json_text(data: dict[str, Any]) -> str:
    return ""
