"""Timing: several runs of an operation, their median and spread, and the ratio to a floor.

Machines are noisy, so a benchmark reports the median of several runs after a warm-up run, the
fastest and slowest (or the 95th percentile for request timings), and how many times slower the
operation is than its floor measured in the same run.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Timing:
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def summary(self) -> dict[str, Any]:
        return {
            "runs": len(self.seconds),
            "median_ms": round(self.median * 1000, 1),
            "p95_ms": round(self.p95 * 1000, 1),
            "min_ms": round(min(self.seconds) * 1000, 1),
            "max_ms": round(max(self.seconds) * 1000, 1),
        }


def timed(operation: Callable[[], Any], *, repeat: int, warmup: int = 1) -> Timing:
    for _ in range(warmup):
        operation()
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        operation()
        seconds.append(time.perf_counter() - started)
    return Timing(seconds)


@dataclass
class Result:
    """One measured operation, with its floor and its target."""

    name: str
    label: str
    timing: Timing
    floor_label: str = ""
    floor: Timing | None = None
    target: str = ""
    target_seconds: float | None = None  # the median must be under this
    target_ratio: float | None = None  # and at most this many times the floor
    checked: bool | None = None  # a target that is not a time (a size), checked by the benchmark
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.floor.median <= 0:
            return None
        return self.timing.median / self.floor.median

    @property
    def met(self) -> bool | None:
        if self.checked is not None:
            return self.checked
        if self.target_seconds is None and self.target_ratio is None:
            return None
        ok = self.target_seconds is None or self.timing.median < self.target_seconds
        if self.target_ratio is not None and self.ratio is not None:
            ok = ok and self.ratio <= self.target_ratio
        return ok

    def as_json(self) -> dict[str, Any]:
        ratio = self.ratio
        return {
            "name": self.name,
            "label": self.label,
            **self.timing.summary(),
            "floor": self.floor_label or None,
            "floor_median_ms": round(self.floor.median * 1000, 1) if self.floor else None,
            "ratio": round(ratio, 2) if ratio is not None else None,
            "target": self.target or None,
            "met": self.met,
            **({"extra": self.extra} if self.extra else {}),
        }
