"""Who museumshare suggests for a need, and which needs for an offer: ranked, with reasons, never
the organisation itself, and counting only what the reader may see."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from museumshare.accounts.models import User
from museumshare.activities.models import Kind as ActivityKind
from museumshare.activities.models import PartnerRole, Visibility
from museumshare.activities.services import activity_create
from museumshare.conftest import write_sample
from museumshare.core.geography import distance_km
from museumshare.core.services import System
from museumshare.needs import suggest
from museumshare.needs.models import Kind, Need, Offer
from museumshare.needs.models import Visibility as NeedVisibility
from museumshare.needs.tests.conftest import FINE_ART, make_offer, post_need
from museumshare.organisations.importer import import_organisations
from museumshare.organisations.models import Organisation

SHIPLEY_ART_GALLERY = "mm.domus.NE029"  # Gateshead
# Offers and activities loaded as a command-line import would, by no one in the cast.
IMPORT = System("command-line import")

pytestmark = pytest.mark.django_db


def names(suggestions: list[suggest.Suggestion]) -> list[str]:
    return [s.name for s in suggestions]


def km(a: Organisation, b: Organisation) -> float:
    return distance_km(float(a.latitude or 0), float(a.longitude or 0), float(b.latitude or 0), float(b.longitude or 0))


def fine_art_galleries(register: dict[str, Organisation], home: Organisation) -> list[Organisation]:
    """Fine-art museums of the sample register with a point, nearest to `home` first."""
    found = [o for o in register.values() if o.subject == FINE_ART and o.has_point and o.pk != home.pk]
    return sorted(found, key=lambda o: km(home, o))


def test_the_national_portrait_gallery_comes_first_for_portraits_with_its_reasons(
    need: Need, offer: Offer, portrait_gallery: Organisation, bob: User
) -> None:
    suggestions = suggest.for_need(need, bob)

    first = suggestions[0]
    assert first.name == portrait_gallery.name
    assert first.offer_id == offer.pk
    assert first.reasons[0] == f"Offers loans on Arts: Fine and decorative arts: ‘{offer.title}’"
    assert "Its collection is about Arts: Fine and decorative arts" in first.reasons
    assert any(reason.endswith("km away") for reason in first.reasons)


def test_a_closer_subject_matching_museum_ranks_higher(
    register: dict[str, Organisation], laing: Organisation, bob: User
) -> None:
    galleries = fine_art_galleries(register, laing)
    near, far = galleries[0], galleries[-1]
    assert km(laing, near) < km(laing, far)
    make_offer(IMPORT, far)
    make_offer(IMPORT, near)
    need = post_need(bob, laing)

    ranked = names(suggest.for_need(need, bob))

    assert ranked.index(near.name) < ranked.index(far.name)


def test_a_subject_match_outranks_an_offer_on_another_subject(
    register: dict[str, Organisation], laing: Organisation, bob: User
) -> None:
    first, second = fine_art_galleries(register, laing)[:2]
    make_offer(IMPORT, first, subjects=["Transport-Trains_and_railways"])
    make_offer(IMPORT, second)
    need = post_need(bob, laing)

    ranked = names(suggest.for_need(need, bob))

    assert ranked.index(second.name) < ranked.index(first.name)


def test_an_organisation_never_suggests_itself(
    laing: Organisation, bob: User, alice: User, portrait_gallery: Organisation
) -> None:
    make_offer(bob, laing)
    make_offer(alice, portrait_gallery)
    need = post_need(bob, laing)
    activity_create(
        actor=bob,
        data={
            "title": "Laing lends to itself",
            "kind": ActivityKind.LOAN_DISPLAY_UK,
            "lead": laing,
            "start_date": date(2020, 5, 1),
            "visibility": Visibility.PUBLIC,
        },
    )

    assert laing.name not in names(suggest.for_need(need, bob))
    own_offer = Offer.objects.get(organisation=laing)
    assert need.pk not in [match.need.pk for match in suggest.for_offer(own_offer, bob)]


def test_past_work_and_partnerships_give_their_reasons(
    need: Need, laing: Organisation, portrait_gallery: Organisation, alice: User, bob: User
) -> None:
    for year in (2019, 2020, 2021):
        activity_create(
            actor=alice,
            data={
                "title": f"Portraits to Newcastle {year}",
                "kind": ActivityKind.LOAN_DISPLAY_UK,
                "lead": portrait_gallery,
                "start_date": date(year, 5, 1),
                "visibility": Visibility.PUBLIC,
            },
            partners=[(laing, PartnerRole.PARTNER)],
        )

    gallery = next(s for s in suggest.for_need(need, bob) if s.name == portrait_gallery.name)

    assert "Has led 3 loans and touring exhibitions in the register" in gallery.reasons
    assert "Already a partner of yours: 3 activities together" in gallery.reasons


def test_lending_near_the_need_counts(
    need: Need, portrait_gallery: Organisation, alice: User, bob: User, tmp_path: Path
) -> None:
    import_organisations(path=write_sample(tmp_path / "gateshead.csv", {SHIPLEY_ART_GALLERY}))
    shipley = Organisation.objects.get(external_id=SHIPLEY_ART_GALLERY)
    activity_create(
        actor=alice,
        data={
            "title": "Portraits to Gateshead",
            "kind": ActivityKind.LONG_TERM_LOAN,
            "lead": portrait_gallery,
            "start_date": date(2021, 5, 1),
            "visibility": Visibility.PUBLIC,
        },
        partners=[(shipley, PartnerRole.PARTNER)],
    )

    ranked = suggest.for_need(need, bob)

    gallery = next(s for s in ranked if s.name == portrait_gallery.name)
    assert "Has led 1 loan or touring exhibition in the register" in gallery.reasons
    assert "Has lent to 1 museum within 50 km of you" in gallery.reasons
    # The Shipley is a fine-art gallery 3 km from the Laing: suggested for its subject and nearness.
    nearby = next(s for s in ranked if s.name == shipley.name)
    assert nearby.reasons == ["Its collection is about Arts: Fine and decorative arts", "3 km away"]


def test_private_work_is_not_evidence_for_people_who_cannot_see_it(
    need: Need, laing: Organisation, portrait_gallery: Organisation, alice: User, charlie: User, analyst: User
) -> None:
    activity_create(
        actor=alice,
        data={
            "title": "A private tour",
            "kind": ActivityKind.TOURING_EXHIBITION,
            "lead": portrait_gallery,
            "start_date": date(2021, 5, 1),
            "visibility": Visibility.PRIVATE,
        },
    )

    assert portrait_gallery.name not in names(suggest.for_need(need, charlie))
    assert portrait_gallery.name in names(suggest.for_need(need, analyst))


def test_a_private_offer_is_suggested_only_to_those_who_may_see_it(
    need: Need, portrait_gallery: Organisation, alice: User, bob: User, analyst: User
) -> None:
    make_offer(alice, portrait_gallery, visibility=NeedVisibility.PRIVATE)

    assert portrait_gallery.name not in names(suggest.for_need(need, bob))
    assert portrait_gallery.name in names(suggest.for_need(need, alice))
    assert portrait_gallery.name in names(suggest.for_need(need, analyst))


def test_an_offer_serving_other_regions_is_not_suggested(
    need: Need, portrait_gallery: Organisation, alice: User, bob: User
) -> None:
    make_offer(alice, portrait_gallery, regions=["W92000004"])

    assert portrait_gallery.name not in names(suggest.for_need(need, bob))


def test_an_offer_finds_the_needs_it_could_meet_but_never_private_ones_of_others(
    offer: Offer, laing: Organisation, bob: User, alice: User, charlie: User, analyst: User
) -> None:
    public = post_need(bob, laing, title="Public portraits")
    private = post_need(bob, laing, title="Private portraits", visibility=NeedVisibility.PRIVATE)
    post_need(bob, laing, title="Advice on frames", kind=Kind.ADVICE)

    def found(user: User) -> set[str]:
        return {match.need.title for match in suggest.for_offer(offer, user)}

    assert found(alice) == {public.title}
    assert found(charlie) == {public.title}
    assert found(bob) == {public.title, private.title}
    assert found(analyst) == {public.title, private.title}
    best = suggest.for_offer(offer, alice)[0]
    assert best.reasons[0] == "Needs loans on Arts: Fine and decorative arts"


def test_the_query_count_stays_flat_however_many_candidates(
    register: dict[str, Organisation],
    laing: Organisation,
    bob: User,
    django_assert_max_num_queries: Any,
) -> None:
    need = post_need(bob, laing)
    galleries = fine_art_galleries(register, laing)
    for gallery in galleries[:2]:
        make_offer(IMPORT, gallery)
    with django_assert_max_num_queries(8):
        few = suggest.for_need(need, bob)
    for gallery in galleries[2:]:
        make_offer(IMPORT, gallery)
        activity_create(
            actor=IMPORT,
            data={
                "title": f"A loan from {gallery}",
                "kind": ActivityKind.LOAN_DISPLAY_UK,
                "lead": gallery,
                "start_date": date(2021, 5, 1),
                "visibility": Visibility.PUBLIC,
            },
            partners=[(laing, PartnerRole.PARTNER)],
        )
    with django_assert_max_num_queries(8):
        many = suggest.for_need(need, bob, shown=100)
    assert len(many) > len(few) >= 2
    offer = Offer.objects.filter(organisation=galleries[0]).get()
    with django_assert_max_num_queries(4):
        suggest.for_offer(offer, bob)
