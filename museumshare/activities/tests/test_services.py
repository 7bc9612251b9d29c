from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from museumshare.accounts.models import User
from museumshare.activities.models import (
    Activity,
    Kind,
    PartnerRole,
    Visibility,
    first_met,
    met_before,
    new_partners,
)
from museumshare.activities.services import (
    PlaceSpec,
    activity_create,
    activity_create_many,
    activity_delete,
    activity_update,
    partner_update,
)
from museumshare.core.models import AuditEntry
from museumshare.core.services import Actor, NotPermitted, System
from museumshare.organisations.models import Organisation


def exhibition(actor: Actor, lead: Organisation, partner: Organisation, **extra: object) -> Activity:
    data = {
        "title": "Portraits of the North",
        "kind": Kind.CO_PRODUCED_EXHIBITION,
        "lead": lead,
        "start_date": date(2020, 9, 1),
        "end_date": date(2021, 5, 31),
        "visibility": Visibility.PARTNERS,
    } | extra
    return activity_create(
        actor=actor,
        data=data,
        partners=[(partner, PartnerRole.HOST)],
        places=[PlaceSpec(organisation=partner), PlaceSpec(country="FR")],
    )


def test_it_records_the_lead_as_a_partner_and_copies_the_places_geography(
    alice: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    activity = exhibition(alice, portrait_gallery, laing)

    assert sorted(activity.partners.values_list("organisation__name", "role")) == [
        ("Laing Art Gallery", "host"),
        ("National Portrait Gallery", "lead"),
    ]
    uk, abroad = activity.places.order_by("id")
    assert (uk.district_code, uk.region_name, uk.is_uk) == ("E08000021", "North East", True)
    assert (abroad.name, abroad.country.code, abroad.is_uk) == ("France", "FR", False)
    assert activity.is_international()
    assert activity.reporting_years() == ["2020/21", "2021/22"]
    assert AuditEntry.objects.get(action="activity.create").actor == alice


def test_an_update_keeps_partners_details_and_records_the_change(
    alice: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    activity = exhibition(alice, portrait_gallery, laing)
    activity.partners.filter(organisation=laing).update(visitors=1200)

    changes = activity_update(
        activity=activity, actor=alice, data={"visitors": 5000}, partners=[(laing, PartnerRole.PARTNER)]
    )

    assert changes["visitors"] == [None, 5000]
    assert activity.partners.get(organisation=laing).visitors == 1200
    assert activity.partners.get(organisation=laing).role == PartnerRole.PARTNER


def test_it_refuses_an_activity_that_ends_before_it_starts(
    alice: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    with pytest.raises(ValidationError):
        exhibition(alice, portrait_gallery, laing, end_date=date(2019, 1, 1))
    assert not Activity.objects.exists()


def test_a_partner_is_new_in_the_first_year_they_work_together(
    alice: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    exhibition(alice, portrait_gallery, laing)

    assert list(new_partners(portrait_gallery, 2020)) == [laing]
    assert list(new_partners(portrait_gallery, 2021)) == []
    assert list(new_partners(laing, 2020)) == [portrait_gallery]


def test_work_that_was_cancelled_does_not_make_a_partner_old(
    alice: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    exhibition(
        alice, portrait_gallery, laing, start_date=date(2019, 6, 1), end_date=date(2019, 9, 1), status="cancelled"
    )
    exhibition(alice, portrait_gallery, laing, title="Portraits again", external_ref="again")

    assert list(new_partners(portrait_gallery, 2020)) == [laing]


def test_first_met_and_met_before_are_one_rule_in_two_shapes(
    alice: User, bob: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    school = Organisation.objects.create(
        name="Heaton Manor School", slug="heaton-manor-school", kind="school", nation="England"
    )
    university = Organisation.objects.create(
        name="Newcastle University", slug="newcastle-university", kind="university", nation="England"
    )
    earlier = {"start_date": date(2019, 6, 1), "end_date": date(2019, 9, 1)}
    exhibition(alice, portrait_gallery, laing, external_ref="1", **earlier)
    exhibition(alice, portrait_gallery, school, external_ref="2", status="cancelled", **earlier)
    exhibition(bob, laing, university, external_ref="3", **earlier)  # not the gallery's work
    for n, partner in enumerate([laing, school, university]):
        exhibition(alice, portrait_gallery, partner, external_ref=f"2020-{n}")
    this_year = Activity.objects.in_year(2020).involving(portrait_gallery)
    start = date(2020, 4, 1)

    found = first_met([portrait_gallery.pk], this_year, start)
    asked = Organisation.objects.filter(pk__in=[laing.pk, school.pk, university.pk]).exclude(
        met_before([portrait_gallery.pk], start)
    )

    assert set(found) == set(asked) == {school, university}


@pytest.mark.parametrize(
    ("visibility", "seen_by"),
    [
        (Visibility.PUBLIC, {"anonymous", "alice", "bob", "charlie", "analyst", "admin"}),
        (Visibility.PARTNERS, {"alice", "bob", "analyst", "admin"}),
        (Visibility.PRIVATE, {"alice", "analyst", "admin"}),
    ],
)
def test_who_sees_an_activity_depends_on_its_visibility(
    cast: dict[str, User], portrait_gallery: Organisation, laing: Organisation, visibility: str, seen_by: set[str]
) -> None:
    from django.contrib.auth.models import AnonymousUser

    activity = exhibition(cast["alice"], portrait_gallery, laing, visibility=visibility)
    people: dict[str, Any] = {"anonymous": AnonymousUser(), **cast}

    seeing = {
        name for name, user in people.items() if Activity.objects.visible_to(user).filter(pk=activity.pk).exists()
    }
    allowed = {name for name, user in people.items() if user.has_perm("activities.view_activity", activity)}

    assert seeing == seen_by
    assert allowed == seen_by


def test_creating_many_at_once_writes_and_records_what_creating_each_one_does(
    alice: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    data = {
        "title": "Portraits of the North",
        "kind": Kind.TOURING_EXHIBITION,
        "lead": portrait_gallery,
        "start_date": date(2020, 9, 1),
        "visibility": Visibility.PUBLIC,
    }
    partners = [(laing, PartnerRole.HOST), (portrait_gallery, PartnerRole.PARTNER)]
    places = [PlaceSpec(organisation=laing), PlaceSpec(district_code="E08000021"), PlaceSpec(country="FR")]
    one = activity_create(actor=alice, data=data | {"external_ref": "one"}, partners=partners, places=places)

    [many] = activity_create_many(actor=alice, items=[(data | {"external_ref": "many"}, partners, places)])

    def written(activity: Activity) -> tuple[object, ...]:
        return (
            sorted(activity.partners.values_list("organisation_id", "role")),
            list(activity.places.order_by("id").values_list("name", "country", "district_code", "region_name")),
            activity.created_by,
        )

    assert written(many) == written(one)
    first, second = (entry.changes for entry in AuditEntry.objects.filter(action="activity.create").order_by("id"))
    assert first.pop("external_ref") == [None, "one"]
    assert second.pop("external_ref") == [None, "many"]
    assert first == second
    with pytest.raises(ValidationError, match="already used: many"):
        activity_create_many(actor=alice, items=[(data | {"external_ref": "many"}, [], [])])


def test_someone_who_edits_nowhere_may_record_no_activity_whatever_they_send(charlie: User) -> None:
    with pytest.raises(NotPermitted, match="Only editors at an organisation can record activities"):
        activity_create(actor=charlie, data={})

    assert not AuditEntry.objects.filter(action="activity.create").exists()


def test_an_editor_records_only_for_organisations_they_edit_for(
    alice: User, bob: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    with pytest.raises(NotPermitted, match="only for organisations you edit for, not Laing Art Gallery"):
        exhibition(alice, laing, portrait_gallery)
    activity = exhibition(alice, portrait_gallery, laing)

    with pytest.raises(NotPermitted, match="not Laing Art Gallery"):
        activity_update(activity=activity, actor=alice, data={"lead": laing})
    with pytest.raises(NotPermitted, match="Only editors at the lead organisation"):
        activity_update(activity=activity, actor=bob, data={"visitors": 1})
    with pytest.raises(NotPermitted, match="Only editors at the lead organisation"):
        activity_delete(activity=activity, actor=bob)
    assert Activity.objects.get(pk=activity.pk).lead == portrait_gallery


def test_a_partners_editor_changes_their_own_details_and_nobody_elses(
    alice: User, bob: User, charlie: User, portrait_gallery: Organisation, laing: Organisation
) -> None:
    activity = exhibition(alice, portrait_gallery, laing)
    laings, gallerys = activity.partners.get(organisation=laing), activity.partners.get(organisation=portrait_gallery)

    assert partner_update(partner=laings, actor=bob, data={"visitors": 1200}) == {"visitors": [None, 1200]}
    for actor, partner in ((bob, gallerys), (charlie, laings)):
        with pytest.raises(NotPermitted, match="Only editors at the partner or at the lead"):
            partner_update(partner=partner, actor=actor, data={"visitors": 1})


def test_the_system_records_for_any_organisation(laing: Organisation) -> None:
    activity = exhibition(System("command-line import"), laing, laing)

    assert AuditEntry.objects.get(action="activity.create", object_id=str(activity.pk)).who == "command-line import"
