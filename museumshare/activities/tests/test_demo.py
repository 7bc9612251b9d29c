from io import StringIO

from django.core.management import call_command

from museumshare.accounts.models import User
from museumshare.activities.models import Activity
from museumshare.organisations.models import Membership, Organisation, Role


def test_setup_demo_creates_the_cast_once_and_prints_the_logins(register: dict[str, Organisation]) -> None:
    out = StringIO()

    call_command("setup_demo", "--password", "demo-password-1", stdout=out)
    call_command("setup_demo", "--password", "demo-password-1", stdout=StringIO())

    assert "alice@example.org      Editor at National Portrait Gallery" in out.getvalue()
    assert User.objects.count() == 5
    alice = User.objects.get(email="alice@example.org")
    assert alice.check_password("demo-password-1")
    assert Membership.objects.get(user=alice).role == Role.EDITOR
    gallery = Organisation.objects.get(external_id="mm.domus.SE444")
    assert "National Skills Sharing Partnership" in gallery.offers_programmes
    assert Activity.objects.count() == 3
    partnership = Activity.objects.get(external_ref="demo-nssp")
    # The test register holds two of its partners: the Laing and the Ulster Museum.
    assert sorted(partnership.partners.values_list("organisation__name", flat=True)) == [
        "Laing Art Gallery",
        "National Portrait Gallery",
        "Ulster Museum",
    ]
