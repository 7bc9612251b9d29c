"""The settings read from the environment: what a deployment gets from its variables."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

PG = "postgresql://museumshare@db.example.org:5432/museumshare"


def database(**env: str) -> dict[str, object]:
    """The default database's OPTIONS as the settings make them from `env` (in a fresh interpreter)."""
    code = "import json; from museumshare.settings import DATABASES; print(json.dumps(DATABASES['default']))"
    result = subprocess.run(
        [sys.executable, "-c", code], env=os.environ | env, capture_output=True, text=True, check=True
    )
    options: dict[str, object] = json.loads(result.stdout).get("OPTIONS", {})
    return options


@pytest.mark.parametrize(
    ("env", "options"),
    [
        ({"DATABASE_URL": PG}, "-c jit=off"),
        ({"DATABASE_URL": PG, "DB_JIT_OFF": "false"}, None),
        ({"DATABASE_URL": f"{PG}?options=-c%20statement_timeout%3D5000"}, "-c statement_timeout=5000"),
        ({"DATABASE_URL": ""}, None),  # SQLite has no JIT
    ],
)
def test_postgresql_connections_turn_jit_off_unless_told_otherwise(env: dict[str, str], options: str | None) -> None:
    assert database(**env).get("options") == options


@pytest.mark.django_db
def test_the_connections_are_tuned_for_the_database_they_talk_to() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW jit")
            assert cursor.fetchone() == ("off",)
        else:
            cursor.execute("PRAGMA cache_size")
            assert cursor.fetchone() == (-65536,)
