"""The load test runs a real gunicorn on the test database and counts what it answers.

The server is another process, so it sees only what is committed (a transactional test) and,
on SQLite, only a database in a file: the in-memory test database is copied into one.
"""

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from bench.load import database_url, run_load
from museumshare.activities.models import Activity, Kind, Visibility
from museumshare.organisations.models import Organisation


@pytest.fixture
def served_database(transactional_db: None, tmp_path: Path) -> str:
    """A DATABASE_URL for the test database, with a public activity in it."""
    museum = Organisation.objects.create(name="Laing Art Gallery", slug="laing-art-gallery", nation="England")
    Activity.objects.create(
        title="Portrait workshop",
        kind=Kind.LEARNING_PROGRAMME,
        lead=museum,
        start_date=date(2020, 6, 1),
        visibility=Visibility.PUBLIC,
    )
    if connection.vendor != "sqlite":
        return database_url(connection.settings_dict)
    copy = tmp_path / "served.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)
    return database_url({"ENGINE": "django.db.backends.sqlite3", "NAME": str(copy)})


def test_it_serves_a_public_list_to_concurrent_clients_without_errors(served_database: str) -> None:
    result = run_load(database_url=served_database, paths=["/api/v1/activities/"], clients=2, seconds=2, workers=2)

    assert result.requests > 0, result
    assert result.errors == 0, result.error_samples
    assert result.throughput > 0
    assert 0 < result.p50_ms <= result.p95_ms
    assert result.paths["/api/v1/activities/"].requests == result.requests


def test_it_counts_an_answer_that_is_not_2xx_as_an_error(served_database: str) -> None:
    paths = ["/api/v1/activities/", "/api/v1/no-such-list/"]

    result = run_load(database_url=served_database, paths=paths, clients=2, seconds=2, workers=2)

    assert result.paths["/api/v1/activities/"].errors == 0
    missing = result.paths["/api/v1/no-such-list/"]
    assert missing.errors == missing.requests > 0
    assert result.errors == missing.errors
    assert "/api/v1/no-such-list/: HTTP 404" in result.error_samples


def test_it_names_the_database_of_a_connection_for_the_server() -> None:
    postgres = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "test_museumshare",
        "USER": "postgres",
        "PASSWORD": "p@ss/word",
        "HOST": "127.0.0.1",
        "PORT": "5432",
    }
    assert database_url(postgres) == "postgresql://postgres:p%40ss%2Fword@127.0.0.1:5432/test_museumshare"
    assert (
        database_url({"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/db.sqlite3"}) == "sqlite:////srv/db.sqlite3"
    )
    with pytest.raises(ValueError, match="in-memory"):
        database_url({"ENGINE": "django.db.backends.sqlite3", "NAME": "file:memorydb_default?mode=memory&cache=shared"})
