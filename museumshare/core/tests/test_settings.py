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


def start(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with `env` and nothing else of ours (no DEBUG), then run `code`."""
    base = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "-c", f"from museumshare import settings; {code}"],
        env=base | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_is_off_unless_it_is_set() -> None:
    result = start("print(settings.DEBUG)", SECRET_KEY="k" * 50)
    assert result.stdout.strip() == "False"


def test_without_debug_it_will_not_start_without_a_secret_key() -> None:
    result = start("print(settings.DEBUG)")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(("name", "value"), [("DEBUG", "ture"), ("USE_X_FORWARDED_PROTO", "yes please")])
def test_it_refuses_a_true_or_false_it_cannot_read_naming_the_variable(name: str, value: str) -> None:
    result = start("print(settings.DEBUG)", SECRET_KEY="k" * 50, **{name: value})
    assert result.returncode != 0
    assert f"{name} must be true or false" in result.stderr


def test_it_refuses_a_number_it_cannot_read_naming_the_variable() -> None:
    result = start("print(settings.EMAIL_PORT)", DEBUG="true", EMAIL_PORT="twenty-five")
    assert result.returncode != 0
    assert "EMAIL_PORT must be a whole number" in result.stderr


@pytest.mark.parametrize("value", ["false", "0", "off", "No"])
def test_it_reads_the_usual_ways_of_saying_false(value: str) -> None:
    assert start("print(settings.DEBUG)", SECRET_KEY="k" * 50, DEBUG=value).stdout.strip() == "False"
