"""Concurrent load on a real server: gunicorn as the deployment runs it, many clients, a fixed time.

The server listens on 127.0.0.1 only, on a port the system picks, with `DEBUG` off, and is always
stopped at the end. Clients are threads, each with its own connection, asking for the paths in
turn until the time is up; anything but a 2xx answer, or no answer, is an error. The clients run
on the same machine as the server and share its cores: the figures are what one machine serves.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings

HOST = "127.0.0.1"
STARTUP_SECONDS = 60.0
STOP_SECONDS = 15.0
REQUEST_TIMEOUT = 60.0


@dataclass(frozen=True)
class Latency:
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float


@dataclass(frozen=True)
class LoadResult:
    clients: int
    seconds: float
    workers: int
    requests: int
    errors: int
    throughput: float  # requests a second
    p50_ms: float
    p95_ms: float
    paths: dict[str, Latency] = field(default_factory=dict)
    # The first few errors as "path: what happened", to say why errors is not 0.
    error_samples: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def default_workers() -> int:
    """Gunicorn's rule, the one docs/deployment.md gives: two sync workers a core, plus one.

    A sync worker answers one request at a time and spends part of it waiting for the database, so
    two a core keep the cores busy; more only queue on the same cores."""
    return 2 * (os.cpu_count() or 1) + 1


def database_url(settings_dict: Mapping[str, Any]) -> str:
    """A DATABASE_URL for a connection's settings (`connection.settings_dict`): SQLite or PostgreSQL."""
    engine, name = settings_dict["ENGINE"], str(settings_dict["NAME"])
    if engine.endswith("sqlite3"):
        if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
            raise ValueError("An in-memory SQLite database cannot be shared with a server: use a file.")
        return f"sqlite:///{name}"
    if engine.endswith("postgresql"):
        user, password = (
            quote(settings_dict.get("USER") or "", safe=""),
            quote(settings_dict.get("PASSWORD") or "", safe=""),
        )
        credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
        host = settings_dict.get("HOST") or "localhost"
        port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
        return f"postgresql://{credentials}{host}{port}/{quote(name, safe='')}"
    raise ValueError(f"No DATABASE_URL for the database engine {engine}.")


def run_load(
    *,
    database_url: str,
    paths: Sequence[str],
    clients: int = 32,
    seconds: float = 30,
    headers: Mapping[str, str] | None = None,
    cookies: Mapping[str, str] | None = None,
    workers: int | None = None,
    env: Mapping[str, str] | None = None,
) -> LoadResult:
    """Start gunicorn on `database_url`, run `clients` clients on `paths` for `seconds`, stop it.

    `headers` and `cookies` go with every request: a token (Authorization: Token ...) or a session
    cookie signs the clients in. A session made in this process needs the server to share its
    SECRET_KEY, which it does unless `env` gives another. `env` adds to or overrides the server's
    environment (DB_CONN_MAX_AGE, for one)."""
    if not paths:
        raise ValueError("Give at least one path to ask for.")
    workers = workers or default_workers()
    sent = dict(headers or {})
    if cookies:
        sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    with gunicorn(database_url=database_url, workers=workers, env=env) as port:
        started = time.monotonic()
        tallies = _run_clients(port, list(paths), clients, started + seconds, sent)
        elapsed = time.monotonic() - started
    return _result(tallies, clients=clients, seconds=elapsed, workers=workers)


@contextmanager
def gunicorn(*, database_url: str, workers: int, env: Mapping[str, str] | None = None) -> Iterator[int]:
    """gunicorn serving museumshare on 127.0.0.1 at the port it yields, until the block ends."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Bound here and handed over: the port is never free for another process to take meanwhile.
    listener.bind((HOST, 0))
    port = listener.getsockname()[1]
    environment = os.environ | {
        # The site as it is deployed: `python -m bench` runs with the benchmarks' app added.
        "DJANGO_SETTINGS_MODULE": "museumshare.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": HOST,
        # Plain HTTP on the loopback: no redirect to https, and no need for collectstatic's manifest.
        "SECURE_SSL_REDIRECT": "false",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "WARNING",
        # Every client shares one address and one account: the API's throttles would answer most of
        # them 429, which measures the throttle, not the server.
        "API_RATE_ANONYMOUS": "1000000/second",
        "API_RATE_SIGNED_IN": "1000000/second",
        "API_RATE_WRITE": "1000000/second",
    }
    environment |= dict(env or {})
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "museumshare.wsgi:application",
        "--bind",
        f"fd://{listener.fileno()}",
        "--workers",
        str(workers),
        "--graceful-timeout",
        "10",
        "--timeout",
        str(int(REQUEST_TIMEOUT)),
    ]
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            command,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=[listener.fileno()],
            start_new_session=True,
        )
        listener.close()
        try:
            _wait_until_it_answers(process, port, log)
            yield port
        finally:
            _stop(process)


def _wait_until_it_answers(process: subprocess.Popen[bytes], port: int, log: IO[str]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped as it started (exit {process.returncode}):\n{_tail(log)}")
        connection = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError(f"gunicorn did not answer within {STARTUP_SECONDS:.0f} s:\n{_tail(log)}")


def _tail(log: IO[str], lines: int = 30) -> str:
    log.seek(0)
    return "\n".join(log.read().splitlines()[-lines:])


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, gunicorn's graceful stop; its whole process group killed if it has not gone in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_SECONDS)
            return
        except subprocess.TimeoutExpired:
            pass
    # The server's own group (start_new_session): the master and its workers, nothing else.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@dataclass
class Tally:
    """One client's record: (path, seconds, ok) for each request, and the first errors' causes."""

    timings: list[tuple[str, float, bool]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _run_clients(port: int, paths: list[str], clients: int, deadline: float, headers: dict[str, str]) -> list[Tally]:
    tallies = [Tally() for _ in range(clients)]
    threads = [
        threading.Thread(target=_client, args=(port, paths, n, deadline, headers, tallies[n]), daemon=True)
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT + 5)
    return tallies


def _client(port: int, paths: list[str], n: int, deadline: float, headers: dict[str, str], tally: Tally) -> None:
    """Ask for the paths in turn, each client starting at a different one, until the deadline."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    turn = n
    try:
        while time.monotonic() < deadline:
            path = paths[turn % len(paths)]
            turn += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok, why = 200 <= response.status < 300, f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as exc:
                # A new connection for the next request: this one may be half-read.
                connection.close()
                ok, why = False, f"{type(exc).__name__}: {exc}"
            tally.timings.append((path, time.perf_counter() - started, ok))
            if not ok and len(tally.errors) < 5:
                tally.errors.append(f"{path}: {why}")
    finally:
        connection.close()


def _percentile(ordered: list[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted values, in milliseconds (0 for none)."""
    if not ordered:
        return 0.0
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return round(ordered[min(rank, len(ordered)) - 1] * 1000, 1)


def _latency(timings: list[tuple[str, float, bool]]) -> Latency:
    ordered = sorted(seconds for _, seconds, _ in timings)
    errors = sum(1 for *_, ok in timings if not ok)
    return Latency(len(timings), errors, _percentile(ordered, 0.50), _percentile(ordered, 0.95))


def _result(tallies: list[Tally], *, clients: int, seconds: float, workers: int) -> LoadResult:
    timings = [timing for tally in tallies for timing in tally.timings]
    overall = _latency(timings)
    by_path: dict[str, list[tuple[str, float, bool]]] = {}
    for timing in timings:
        by_path.setdefault(timing[0], []).append(timing)
    return LoadResult(
        clients=clients,
        seconds=round(seconds, 2),
        workers=workers,
        requests=overall.requests,
        errors=overall.errors,
        throughput=round(overall.requests / seconds, 1) if seconds else 0.0,
        p50_ms=overall.p50_ms,
        p95_ms=overall.p95_ms,
        paths={path: _latency(found) for path, found in by_path.items()},
        error_samples=[error for tally in tallies for error in tally.errors][:10],
    )
