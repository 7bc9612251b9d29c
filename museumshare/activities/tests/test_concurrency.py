"""Two imports of one file at the same moment, on a real PostgreSQL server."""

import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from museumshare.activities.importer import import_activities
from museumshare.activities.models import Activity
from museumshare.conftest import write_sample
from museumshare.core.imports import ImportFailed
from museumshare.organisations.importer import import_organisations
from museumshare.organisations.models import Organisation

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and concurrent transactions"
)


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_file_at_once_record_each_activity_once(tmp_path: Path) -> None:
    import_organisations(path=write_sample(tmp_path / "register.csv", {"mm.domus.SE444", "mm.domus.NE026"}))
    lines = ["ref,title,kind,lead,partners,start_date,end_date,visibility"]
    lines += [
        f"together-{n},Display {n},co_produced_exhibition,mm.domus.SE444,mm.domus.NE026 (host),2020-06-01,,public"
        for n in range(40)
    ]
    path = tmp_path / "activities.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait()
            summary = import_activities(path=path)
            outcomes.append(f"created {summary.created}, unchanged {summary.unchanged}")
        except ImportFailed as failure:  # pragma: no cover - what the test must not see
            outcomes.append(f"refused: {failure}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # One writes them; the other waits for it, then finds every activity already there.
    assert sorted(outcomes) == ["created 0, unchanged 40", "created 40, unchanged 0"]
    assert Activity.objects.count() == 40
    assert Organisation.objects.count() == 2
