"""`python -m bench.database URL`: drop and create the PostgreSQL database URL names, for a fresh run.

Exits 1, saying so, when no server answers there (the benchmarks then run on SQLite only).
"""

import sys

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict


def recreate(url: str) -> None:
    name = str(conninfo_to_dict(url)["dbname"])
    with psycopg.connect(url, dbname="postgres", autocommit=True, connect_timeout=3) as server:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


if __name__ == "__main__":
    try:
        recreate(sys.argv[1])
    except psycopg.OperationalError as error:
        print(f"No PostgreSQL at {sys.argv[1]}: {error}".strip())
        sys.exit(1)
