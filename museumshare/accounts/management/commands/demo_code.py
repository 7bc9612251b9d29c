from typing import Any

from django.core.management.base import BaseCommand
from django_otp.oath import TOTP

from museumshare.accounts import two_factor


class Command(BaseCommand):
    help = "Print the code an authenticator app with the demo's published key shows now (make run's demo only)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{TOTP(two_factor.DEMO_KEY).token():06d}")
