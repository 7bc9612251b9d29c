"""A smoke run of `python -m bench bench` at small scale, so that the harness keeps working.

It times nothing worth reading (one run of each operation, on a hundredth of the data); `make
bench` does the measuring.
"""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bench.management.commands.bench import Command as Bench
from bench.measure import Result, Timing
from bench.results import END, START, markdown, write_docs, write_results

EXPECTED = {
    "import.register",
    "generate",
    "report.growth.1",
    "report.growth.10",
    "report.growth.100",
    "report",
    "report.indicators",
    "map.district.analyst.objects",
    "map.district.member.objects",
    "map.district.member.activities",
    "map.district.anyone.activities",
    "map.boundaries.district",
    "list.activities",
    "list.loans",
    "api.activities",
    "api.loans",
    "import.register.again",
    "import.activities",
    "return.prefill",
    "return.upload",
    "report.pdf",
}


def test_python_m_bench_runs_museumshares_commands_and_the_benchmarks() -> None:
    # The benchmarks are not in the installed package: `make bench` runs them from the checkout.
    root = Path(__file__).resolve().parents[2]
    listed = subprocess.run(
        [sys.executable, "-m", "bench", "help"],
        cwd=root,
        env=os.environ | {"DEBUG": "true"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "[bench]" in listed
    assert "generate_benchmark_data" in listed
    assert "migrate" in listed


@pytest.mark.django_db(transaction=True)
def test_a_small_fresh_run_measures_every_operation_and_writes_the_results(tmp_path: Path) -> None:
    docs = tmp_path / "performance.md"
    docs.write_text(f"# Performance\n\n{START}\nold figures\n{END}\n\nAfter.\n", encoding="utf-8")
    output = tmp_path / "results.json"
    out = StringIO()
    call_command(
        Bench(),
        fresh=True,
        scale="small",
        repeat=1,
        warmup=0,
        activities_rows=50,
        load_seconds=0,
        output=output,
        docs=docs,
        stdout=out,
    )
    run = next(iter(json.loads(output.read_text(encoding="utf-8"))["runs"].values()))
    names = {row["name"] for row in run["results"]}
    assert names == EXPECTED
    assert all(row["median_ms"] > 0 for row in run["results"])
    report = next(row for row in run["results"] if row["name"] == "report")
    assert report["floor"] == "hand-written SQL"
    assert report["ratio"] > 0
    assert report["met"] in (True, False)
    assert run["counts"]["activities"] == 2_000
    text = docs.read_text(encoding="utf-8")
    assert "old figures" not in text
    assert text.endswith(f"{END}\n\nAfter.\n")
    assert "| Annual report 2024/25: all indicators and breakdowns |" in text
    assert "Results written to" in out.getvalue()


@pytest.mark.django_db
def test_it_refuses_to_run_without_data(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No benchmark data"):
        call_command(Bench(), output=tmp_path / "results.json", stdout=StringIO())


def test_a_target_is_met_only_under_its_time_and_within_its_ratio() -> None:
    fast, slow = Timing([0.4, 0.5, 0.6]), Timing([1.2, 1.3, 1.1])
    floor = Timing([0.3, 0.3, 0.3])
    assert Result("a", "A", fast, "floor", floor, target_seconds=1.0, target_ratio=2.0).met is True
    assert Result("b", "B", fast, "floor", floor, target_seconds=1.0, target_ratio=1.5).met is False
    assert Result("c", "C", slow, target_seconds=1.0).met is False
    assert Result("d", "D", slow).met is None
    # A size, not a time: the benchmark checks it.
    assert Result("e", "E", slow, target="under 1 MB", checked=True).met is True
    assert Result("f", "F", fast, target="under 1 MB", checked=False).met is False
    assert Result("a", "A", fast, "floor", floor).ratio == pytest.approx(0.5 / 0.3)


def test_results_keep_the_latest_run_of_each_database(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    run = {
        "database": "sqlite",
        "scale": "small",
        "at": "2026-11-21T10:00:00+00:00",
        "commit": "abc1234",
        "machine": {"cores": 2, "python": "3.11.7"},
        "results": [
            Result("report", "The report", Timing([1.5, 2.5]), target="under 1 s", target_seconds=1.0).as_json()
        ],
    }
    write_results(path, run)
    write_results(path, run | {"database": "postgresql", "commit": "def5678"})
    everything = write_results(path, run | {"commit": "fff0000"})
    assert set(everything["runs"]) == {"sqlite", "postgresql"}
    assert everything["runs"]["sqlite"]["commit"] == "fff0000"
    table = markdown(everything)
    assert "| The report | 2,000 ms | 1,500 ms–2,500 ms |  |  |  | under 1 s: **missed** |" in table
    docs = tmp_path / "performance.md"
    docs.write_text("No markers here.\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no results section"):
        write_docs(docs, everything)
