from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from museumshare.core.services import System
from museumshare.returns.services import send_return_reminders


class Command(BaseCommand):
    help = (
        "Email the partnership leads of each organisation whose return in an open year is not submitted, "
        "on the year's reminder days before its deadline. Run it daily: each return gets at most one "
        "reminder a day (see docs/returns-spreadsheets.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=date.fromisoformat, help="Act as if today were this date (YYYY-MM-DD); for testing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = send_return_reminders(actor=System("scheduled reminders"), today=options["today"])
        self.stdout.write(f"Reminders sent: {summary.sent}. Already reminded today: {summary.already_sent}.")
        if summary.no_one_to_tell:
            self.stdout.write(
                "No partnership lead or editor with an email address at: " + ", ".join(summary.no_one_to_tell)
            )
