import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.table import Table

from bench.generate import SCALES, SEED, generate
from museumshare.core.console import console_for, progress_bar


class Command(BaseCommand):
    help = (
        "Fill an empty database with synthetic partnership data for the benchmarks: the real register, "
        "synthetic partners, ten years of activities, loans, participations and approved returns."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            default="small",
            help="national (200,000 activities, 50,000 loans, 1,000,000 loan objects), small (1/100), "
            "or a fraction of the national scale such as 0.1.",
        )
        parser.add_argument("--seed", type=int, default=SEED, help="The same seed gives the same data.")

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        if scale not in SCALES:
            try:
                scale = float(scale)
            except ValueError:
                raise CommandError(f"--scale must be one of {', '.join(SCALES)} or a fraction such as 0.1") from None
            if not 0 < scale <= 10:
                raise CommandError("--scale as a fraction must be above 0 and at most 10")
        console = console_for(self.stdout)
        started = time.perf_counter()
        with progress_bar(console, "") as on_step:
            try:
                summary = generate(scale=scale, seed=options["seed"], progress=on_step)
            except ValueError as error:
                raise CommandError(str(error)) from None
        table = Table(title=f"Benchmark data (scale {scale}, seed {options['seed']})", show_header=False)
        for label, count in summary.counts.items():
            table.add_row(label.capitalize(), f"{count:,}")
        table.add_row("Time", f"{time.perf_counter() - started:.1f} s")
        console.print(table)
