import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from museumshare.accounts.models import User
from museumshare.core import audit
from museumshare.core.models import AuditEntry
from museumshare.organisations.models import Organisation


@pytest.fixture
def dora(db: None) -> User:
    return User.objects.create_user("dora@example.org", name="Dora Temp")


def test_deleting_a_person_keeps_their_name_and_email_on_their_entries(dora: User, laing: Organisation) -> None:
    entry = audit.record(actor=dora, action="organisation.update", obj=laing, changes={"town": ["A", "B"]})
    dora_id = dora.pk

    dora.delete()

    kept = AuditEntry.objects.get(pk=entry.pk)
    assert (kept.actor_id, kept.actor_name, kept.actor_email, kept.who) == (
        dora_id,
        "Dora Temp",
        "dora@example.org",
        "Dora Temp",
    )
    assert audit.history(laing).filter(action="organisation.update").get().who == "Dora Temp"


def test_an_entry_keeps_the_name_a_person_had_when_they_acted(dora: User, laing: Organisation) -> None:
    audit.record(actor=dora, action="organisation.update", obj=laing)

    dora.name = "Dora Renamed"
    dora.save()

    assert audit.history(laing).filter(action="organisation.update").get().actor_name == "Dora Temp"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the table's trigger is PostgreSQL's")
def test_on_postgresql_the_log_refuses_updates_and_deletions(alice: User, laing: Organisation) -> None:
    entry = audit.record(actor=alice, action="organisation.update", obj=laing)

    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="organisation.nothing")
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()

    assert AuditEntry.objects.get(pk=entry.pk).action == "organisation.update"


def test_the_admin_shows_the_log_read_only_with_names_and_addresses(admin_user: User, laing: Organisation) -> None:
    client = Client(REMOTE_ADDR="203.0.113.5")
    client.force_login(admin_user)
    entry = audit.record(actor=admin_user, action="organisation.update", obj=laing, address="203.0.113.9")

    listing = client.get(reverse("admin:core_auditentry_changelist"))
    page = client.get(reverse("admin:core_auditentry_change", args=[entry.pk]))

    assert listing.status_code == page.status_code == 200
    assert "203.0.113.9" in listing.content.decode()
    assert 'name="action"' not in page.content.decode()
    assert client.post(reverse("admin:core_auditentry_delete", args=[entry.pk])).status_code == 403
