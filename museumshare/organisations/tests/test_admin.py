from django.test import Client
from django.urls import reverse

from museumshare.accounts.models import User
from museumshare.core.models import AuditEntry
from museumshare.organisations.models import Contact, Organisation


def test_changes_made_in_the_admin_are_audited(client: Client, admin_user: User, laing: Organisation) -> None:
    contact = Contact.objects.create(organisation=laing, name="Rae", role="Registrar", email="rae@example.org")
    client.force_login(admin_user)
    url = reverse("admin:organisations_contact_change", args=[contact.pk])

    response = client.post(
        url,
        {
            "organisation": laing.pk,
            "name": "Rae Registrar",
            "role": "Registrar",
            "email": "rae@example.org",
            "phone": "",
        },
    )
    client.post(reverse("admin:organisations_contact_delete", args=[contact.pk]), {"post": "yes"})

    assert response.status_code == 302
    # Signing in and the demo's authenticator app are audited too; these are the admin's changes.
    change, deletion = AuditEntry.objects.filter(actor=admin_user, action__startswith="contact.").order_by("id")
    assert (change.action, change.changes) == ("contact.admin_change", {"name": ["Rae", "Rae Registrar"]})
    assert deletion.action == "contact.admin_delete"


def test_renaming_in_the_admin_keeps_the_search_working(client: Client, admin_user: User, laing: Organisation) -> None:
    client.force_login(admin_user)
    data = {
        field: value
        for field, value in client.get(reverse("admin:organisations_organisation_change", args=[laing.pk]))
        .context["adminform"]
        .form.initial.items()
        if value is not None
    }
    data.update(name="The Laing", country="GB", national_group="")

    client.post(reverse("admin:organisations_organisation_change", args=[laing.pk]), data)

    assert Organisation.objects.search("the laing").get() == laing
