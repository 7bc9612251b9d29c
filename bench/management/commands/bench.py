import os
import platform
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import IO, Any, cast

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from rich.console import Console
from rich.table import Table

from bench import generate as data
from bench import suite
from bench.measure import Result, Timing
from bench.results import write_docs, write_results
from museumshare.core.console import progress_bar
from museumshare.organisations.importer import MAPPING_MUSEUMS_FILE, import_organisations
from museumshare.returns.catalogue import ensure_catalogue

GROWTH = (0.01, 0.1)  # with the full scale, the report at 1%, 10% and 100% of it
TEN_MINUTES = 600.0


class Command(BaseCommand):
    help = (
        "Run the benchmarks on the database DATABASE_URL names and write the results. With --fresh, the database "
        "is emptied and filled with benchmark data first (and that is timed too)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", default="national", choices=sorted(data.SCALES))
        parser.add_argument("--fresh", action="store_true", help="Empty the database and generate the data first.")
        parser.add_argument("--repeat", type=int, default=5, help="Timed runs of each operation (after a warm-up).")
        parser.add_argument("--warmup", type=int, default=1, help="Untimed runs before the timed ones.")
        parser.add_argument("--activities-rows", type=int, default=10_000, help="Rows in the activities import.")
        parser.add_argument("--load-seconds", type=float, default=30.0, help="Length of the load test; 0 skips it.")
        parser.add_argument("--clients", type=int, default=32, help="Concurrent clients in the load test.")
        parser.add_argument("--output", type=Path, default=Path("bench/results.json"))
        parser.add_argument("--docs", type=Path, default=None, help="Rewrite the results section of this page.")

    def handle(self, *args: Any, **options: Any) -> None:
        # Wide enough for the table of results on one line a row.
        self.console = Console(file=cast(IO[str], self.stdout), width=160, highlight=False, markup=False)
        repeat = max(1, options["repeat"])
        self.options = options
        self.results: list[Result] = []
        self.facts: dict[str, Any] = {"scale": options["scale"]}
        fraction = data.SCALES[options["scale"]]
        if options["fresh"]:
            self.fresh(fraction, repeat)
        elif not data.has_data():
            raise CommandError("No benchmark data here: run with --fresh, or run generate_benchmark_data first.")
        self.step("Annual report", lambda: self.results.extend(suite.report(self.ctx, repeat, self.workdir)))
        self.step("Map aggregation", lambda: self.results.extend(suite.map_aggregation(self.ctx, repeat)))
        self.step("Map boundaries", lambda: self.results.append(suite.boundaries(self.ctx, repeat)))
        self.step("List pages and API", lambda: self.results.extend(suite.lists(self.ctx, max(repeat, 20))))
        self.step("Imports", lambda: self.results.extend(suite.imports(self.ctx, min(repeat, 2), self.workdir)))
        self.step("Returns", lambda: self.results.extend(suite.return_upload(self.ctx, repeat)))
        self.step("Report PDF", lambda: self.results.append(suite.report_pdf(self.ctx, min(repeat, 2))))
        if options["load_seconds"] > 0 and connection.vendor == "postgresql":
            self.step("Load", lambda: self.load(options["clients"], options["load_seconds"]))
        self.finish(options)

    @property
    def ctx(self) -> suite.Context:
        if not hasattr(self, "_ctx"):
            self._ctx = suite.Context(warmup=self.options["warmup"], activities_rows=self.options["activities_rows"])
        return self._ctx

    @property
    def workdir(self) -> Path:
        if not hasattr(self, "_workdir"):
            self._tmp = TemporaryDirectory(prefix="museumshare-bench-")
            self._workdir = Path(self._tmp.name)
        return self._workdir

    def step(self, name: str, run: Callable[[], None]) -> None:
        self.console.print(f"{name}…")
        run()

    def fresh(self, fraction: float, repeat: int) -> None:
        self.console.print("Emptying the database…")
        call_command("flush", interactive=False, verbosity=0)
        ensure_catalogue()
        started = time.perf_counter()
        import_organisations(path=MAPPING_MUSEUMS_FILE, actor=suite.BENCHMARKS)
        self.results.append(
            Result(
                "import.register",
                "Import the 4,191-museum register (empty database)",
                Timing([time.perf_counter() - started]),
            )
        )
        growth = []
        for part in GROWTH:
            self.generate(fraction * part)
            growth.append((part, suite.report_growth(repeat, self.options["warmup"])))
            data.wipe()
        started = time.perf_counter()
        summary = self.generate(fraction)
        seconds = time.perf_counter() - started
        national = fraction == 1.0
        self.results.append(
            Result(
                "generate",
                "Generate the benchmark data",
                Timing([seconds]),
                target="under 10 minutes at national scale" if national else "",
                target_seconds=TEN_MINUTES if national else None,
            )
        )
        self.facts["counts"] = summary.counts
        growth.append((1.0, suite.report_growth(repeat, self.options["warmup"])))
        for part, result in growth:
            result.name = f"report.growth.{round(part * 100)}"
            result.label = f"{result.label} at {part:.0%} of the {self.facts['scale']} scale"
            self.results.append(result)

    def generate(self, fraction: float) -> data.Summary:
        with progress_bar(self.console, f"({fraction:g} of national)") as on_step:
            return data.generate(scale=fraction, progress=on_step)

    def load(self, clients: int, seconds: float) -> None:
        from bench.load import run_load

        year = self.ctx.label
        paths = [
            f"/api/v1/activities/?year={year}&kind=learning_programme",
            f"/api/v1/activities/?year={year}",
            "/api/v1/organisations/?nation=Wales",
            f"/activities/?year={year}",
        ]
        outcome = run_load(database_url=os.environ["DATABASE_URL"], paths=paths, clients=clients, seconds=seconds)
        self.facts["load"] = outcome.as_json()

    def finish(self, options: dict[str, Any]) -> None:
        run = {
            "database": connection.vendor,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": _commit(),
            "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
            **self.facts,
            "results": [result.as_json() for result in self.results],
        }
        everything = write_results(options["output"], run)
        if options["docs"]:
            write_docs(options["docs"], everything)
        self.show(run)
        self.console.print(f"Results written to {options['output']}")

    def show(self, run: dict[str, Any]) -> None:
        table = Table(title=f"Benchmarks on {run['database']} ({run['scale']} scale)")
        for column in ("Operation", "Median", "Spread", "Floor", "Ratio", "Target"):
            table.add_column(column, justify="right" if column in ("Median", "Ratio") else "left")
        for row in run["results"]:
            met = {True: "met", False: "MISSED", None: ""}[row["met"]]
            table.add_row(
                row["label"],
                f"{row['median_ms']:,.0f} ms",
                f"{row['min_ms']:,.0f}–{row['max_ms']:,.0f} ms",
                f"{row['floor']} {row['floor_median_ms']:,.0f} ms" if row["floor"] else "",
                f"{row['ratio']:.2f}×" if row["ratio"] is not None else "",
                f"{row['target']} ({met})" if row["target"] else "",
            )
        self.console.print(table)
        if "load" in run:
            self.console.print(f"Load: {run['load']}")


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return ""
