from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from museumshare.accounts import two_factor
from museumshare.activities.demo import load_demo_activities
from museumshare.loans.demo import load_demo_loans
from museumshare.needs.demo import load_demo_needs
from museumshare.organisations.demo import CAST, describe_programmes, ensure_cast
from museumshare.organisations.importer import MAPPING_MUSEUMS_FILE
from museumshare.organisations.models import Organisation
from museumshare.programmes.demo import load_demo_programme
from museumshare.returns.demo import load_demo_round


class Command(BaseCommand):
    help = (
        "On first run, load the real museum register, demo accounts, activities, loans and programme; then print the "
        "logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default="museumshare-demo", help="Password for the demo accounts.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run with DEBUG off too. The demo accounts include a superuser with a published password.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            # DEBUG off is how a production database looks from here.
            raise CommandError(
                "DEBUG is off, so this looks like a production site: setup_demo would create demo accounts, "
                "including a superuser, with a published password. Run it with DEBUG=true (make run does), "
                "or add --force if this really is a database for trying museumshare out."
            )
        if not Organisation.objects.exists():
            self.stdout.write("Loading the museum register (Mapping Museums, 4,191 museums)…")
            call_command("import_organisations", str(MAPPING_MUSEUMS_FILE), stdout=self.stdout)
        ensure_cast(options["password"])
        describe_programmes()
        recorded = load_demo_activities()
        if recorded:
            self.stdout.write(f"Recorded {recorded} demo activit{'y' if recorded == 1 else 'ies'}.")
        lent = load_demo_loans()
        if lent:
            self.stdout.write(
                f"Recorded {lent} demo loans from the National Portrait Gallery to the Laing Art Gallery "
                "(returned, on loan and requested)."
            )
        programme = load_demo_programme()
        if programme is not None:
            self.stdout.write(
                f"Recorded the {programme.name} ({programme.members.count()} partners) with demo opportunities, "
                "participants, events and resources."
            )
        posted = load_demo_needs()
        if posted:
            self.stdout.write(f"Posted {posted} demo needs, and demo offers, on the needs and offers board.")
        year = load_demo_round()
        if year is not None:
            self.stdout.write(
                f"Opened {year.label} for returns: {year.returns.count()} national museums asked, "
                f"due {year.deadline:%-d %B %Y}."
            )
        names = dict(
            Organisation.objects.filter(external_id__in=[p.organisation_ref for p in CAST]).values_list(
                "external_id", "name"
            )
        )
        self.stdout.write(f"\nDemo accounts (password: {options['password']}):")
        for person in CAST:
            if person.role and person.organisation_ref:
                what = f"{person.role.label} at {names.get(person.organisation_ref, person.organisation_ref)}"
            else:
                what = person.group.value if person.group else "no organisation"
            self.stdout.write(f"  {person.email:<22} {what}")
        if settings.TWO_FACTOR_REQUIRED:
            self.stdout.write(
                "\nThe analyst and the administrator also need a code (two-factor authentication). Add this "
                f"published demo key to an authenticator app: {two_factor.secret_text(two_factor.DEMO_KEY)}\n"
                "or print the current code with: museumshare demo_code"
            )
