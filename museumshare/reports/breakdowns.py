"""PLACEHOLDER: the report's breakdowns from the register (being written)."""

from typing import Any


def breakdowns(year: int) -> dict[str, Any]:
    return {}
