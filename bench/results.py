"""bench/results.json (the latest run on each database) and the results section of docs/performance.md."""

import json
from pathlib import Path
from typing import Any

START = "<!-- results: written by `python -m bench bench --docs`; edit around, not inside -->"
END = "<!-- end of results -->"


def write_results(path: Path, run: dict[str, Any]) -> dict[str, Any]:
    """Keep the latest run of each database; returns the whole file's content."""
    everything: dict[str, Any] = {}
    if path.exists():
        everything = json.loads(path.read_text(encoding="utf-8"))
    everything.setdefault("runs", {})[run["database"]] = run
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(everything, indent=2) + "\n", encoding="utf-8")
    return everything


def _ms(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value / 1000:,.1f} s" if value >= 10_000 else f"{value:,.0f} ms"


def markdown(everything: dict[str, Any]) -> str:
    parts = []
    for database, run in sorted(everything.get("runs", {}).items()):
        machine = run["machine"]
        parts.append(
            f"### {'PostgreSQL' if database == 'postgresql' else 'SQLite'}, {run['scale']} scale\n\n"
            f"Run {run['at']} at commit `{run['commit'] or 'unknown'}` on {machine['cores']} cores, "
            f"Python {machine['python']}.\n"
        )
        if run.get("counts"):
            counts = ", ".join(f"{count:,} {name}" for name, count in run["counts"].items())
            parts.append(f"Data: {counts}.\n")
        lines = [
            "| Operation | Median | Fastest–slowest | p95 | Floor | Ratio | Target |",
            "|---|--:|--:|--:|---|--:|---|",
        ]
        for row in run["results"]:
            met = {True: "met", False: "**missed**", None: ""}[row["met"]]
            floor = f"{row['floor']}: {_ms(row['floor_median_ms'])}" if row["floor"] else ""
            ratio = f"{row['ratio']:.2f}×" if row["ratio"] is not None else ""
            target = f"{row['target']}: {met}" if row["target"] else ""
            spread = f"{_ms(row['min_ms'])}–{_ms(row['max_ms'])}" if row["runs"] > 1 else "(one run)"
            p95 = _ms(row["p95_ms"]) if row["runs"] >= 20 else ""
            lines.append(
                f"| {row['label']} | {_ms(row['median_ms'])} | {spread} | {p95} | {floor} | {ratio} | {target} |"
            )
        parts.append("\n".join(lines) + "\n")
        if run.get("load"):
            parts.append(_load(run["load"]))
    return "\n".join(parts)


def _load(load: dict[str, Any]) -> str:
    verdict = "met" if load["errors"] == 0 else "**missed**"
    lines = [
        f"Load: {load['clients']} clients for {load['seconds']:.0f} s against gunicorn with {load['workers']} workers: "
        f"{load['requests']:,} requests, {load['throughput']:.1f} a second, p50 {_ms(load['p50_ms'])}, "
        f"p95 {_ms(load['p95_ms'])}, {load['errors']:,} errors (target: none, {verdict}).\n",
        "| Path | Requests | Errors | p50 | p95 |",
        "|---|--:|--:|--:|--:|",
    ]
    for path, figures in load.get("paths", {}).items():
        lines.append(
            f"| `{path}` | {figures['requests']:,} | {figures['errors']:,} | {_ms(figures['p50_ms'])} | "
            f"{_ms(figures['p95_ms'])} |"
        )
    return "\n".join(lines) + "\n"


def write_docs(path: Path, everything: dict[str, Any]) -> None:
    text = path.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise ValueError(f"{path} has no results section (the markers {START!r} and {END!r}).")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    path.write_text(f"{before}{START}\n\n{markdown(everything)}\n{END}{after}", encoding="utf-8")
