"""The settings read from the environment: what a deployment gets from its variables."""

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from museumshare import settings as settings_module
from museumshare.settings import envchoice, envclass, envdatabase, envint, envnetworks, envrate

ENV_EXAMPLE = settings_module.BASE_DIR.parent / ".env.example"

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


REFUSED: list[tuple[str, str, Callable[[str], object], str]] = [
    ("SESSION_IDLE_MINUTES", "0", lambda name: envint(name, 30, minimum=1), "a whole number of at least 1"),
    ("SECURE_HSTS_SECONDS", "-1", lambda name: envint(name, 0), "a whole number of at least 0"),
    ("EMAIL_PORT", "70000", lambda name: envint(name, 25, minimum=1, maximum=65535), "from 1 to 65535"),
    ("LOG_LEVEL", "loud", lambda name: envchoice(name, "INFO", ("INFO", "DEBUG")), "one of INFO, DEBUG"),
    ("API_RATE_WRITE", "5/ms", lambda name: envrate(name, "120/minute"), "requests a period"),
    ("API_RATE_WRITE", "0/minute", lambda name: envrate(name, "120/minute"), "requests a period"),
    ("API_RATE_WRITE", "120", lambda name: envrate(name, "120/minute"), "requests a period"),
    ("TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal", envnetworks, "not 'proxy.internal'"),
    ("EMAIL_BACKEND", "django.core.mail.backends.smpt.EmailBackend", lambda name: envclass(name, ""), "installed"),
    ("DATABASE_URL", "mysql://db.example.org/museumshare", lambda name: envdatabase(name, ""), "not a mysql://"),
    ("DATABASE_URL", "postgresql://db.example.org:port/museumshare", lambda name: envdatabase(name, ""), "read"),
]


@pytest.mark.parametrize(("name", "value", "read", "expected"), REFUSED, ids=[f"{n}={v}" for n, v, *_ in REFUSED])
def test_it_refuses_a_value_it_cannot_read_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, read: Callable[[str], object], expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=re.escape(expected)) as refused:
        read(name)
    assert str(refused.value).startswith(f"{name} ")


def test_it_reads_the_values_it_accepts_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "warning")
    monkeypatch.setenv("API_RATE_WRITE", "10/Seconds")
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8,::1")
    monkeypatch.setenv("DATABASE_URL", PG)
    assert envchoice("LOG_LEVEL", "INFO", ("INFO", "WARNING")) == "WARNING"
    assert envrate("API_RATE_WRITE", "120/minute") == "10/seconds"
    assert envnetworks("TRUSTED_PROXIES") == ["127.0.0.1", "10.0.0.0/8", "::1"]
    assert envdatabase("DATABASE_URL", "")["ENGINE"] == "django.db.backends.postgresql"
    assert envclass("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend").endswith("smtp.EmailBackend")


def test_a_database_url_it_refuses_is_named_without_its_password() -> None:
    result = start("print(settings.DATABASES)", DEBUG="true", DATABASE_URL="mysql://museumshare:s3cret@db/museumshare")
    assert result.returncode != 0
    assert "DATABASE_URL must be a postgresql:// or sqlite:// URL" in result.stderr
    assert "s3cret" not in result.stderr


def test_env_example_lists_every_variable_the_settings_read() -> None:
    source = (settings_module.BASE_DIR / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r"""(?:env\w*|os\.environ\.get)\(\s*"([A-Z_]+)\"""", source))
    listed = set(re.findall(r"^([A-Z_]+)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE))
    assert len(read) > 30
    assert read == listed
