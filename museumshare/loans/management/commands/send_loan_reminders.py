from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from museumshare.loans.services import REMINDERS, send_loan_reminders


class Command(BaseCommand):
    help = (
        "Email the lender's and the borrower's contacts about each loan overdue for return. "
        "Run it daily: each loan gets at most one reminder a day (see docs/loans.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=date.fromisoformat, help="Act as if today were this date (YYYY-MM-DD); for testing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = send_loan_reminders(actor=REMINDERS, on=options["date"])
        self.stdout.write(
            f"Overdue loans: {summary.overdue}. Reminders sent: {summary.sent}. "
            f"Already reminded today: {summary.already_sent}."
        )
        if summary.no_one_to_tell:
            self.stdout.write(
                "No contact with an email address, and no editor, at either side of: "
                + ", ".join(summary.no_one_to_tell)
            )
